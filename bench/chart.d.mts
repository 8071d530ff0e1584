// Types of chart.mjs (plain JavaScript, so that `npm run bench:chart` runs without a build).

/** A spread run's --json file (`npm run bench -- --spread --json FILE`), as far as the chart reads it. */
export interface SpreadRun {
  node: string;
  passes: number;
  runs?: number;
  clock?: string;
  cells: { workload: string; size: number; contestant: string; backend?: string; name?: string }[];
  /** processes[pass][cell]: that cell's process in that pass (no `mbps` when it failed). */
  processes: ({ mbps?: number; chunksPerSec?: number; scaled?: boolean } | null | undefined)[][];
}

export interface Series {
  /** `contestant:core` for reframe's faces, the contestant's id otherwise. */
  id: string;
  label: string;
  legend: string;
  fill: string;
  stroke?: string;
}

export interface Bar {
  /** `workload:size` */
  cell: string;
  series: string;
  /** How many processes have a result (the whisker and median are over these). */
  processes: number;
  min?: number;
  median?: number;
  max?: number;
  chunksPerSec?: number;
  scaled?: boolean;
}

export interface ChartModel {
  series: Series[];
  cells: { workload: string; size: number }[];
  panels: { node: string; passes: number; runs?: number; clock?: string; bars: Bar[] }[];
  /** MB/s at the axis' ends. */
  domain: [number, number];
  ticks: number[];
}

export declare const RESULTS_DIR: string;
export declare const DEFAULT_OUT: string;
export declare function chartModel(runs: SpreadRun[]): ChartModel;
export declare function renderChart(runs: SpreadRun[]): string;
export declare function escapeXml(text: unknown): string;
export declare function defaultInputs(): string[];
export declare function loadRuns(files: string[]): SpreadRun[];
export declare function writeChart(files?: string[], out?: string): string;
