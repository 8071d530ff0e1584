import type { Face, FaceRun } from './faces.mjs';
export declare const MEMORY: { pool: number; slab: number; nativeSlab: number; nativeFree: number };
export declare function sampleBytes(options: object): number;
export interface KeptOptions { size: number; hop?: number; type?: string; channels?: number; tail?: 'emit' | 'pad' | 'drop' }
export declare function layout(options: KeptOptions, total: number): { count: number; from(k: number): number; have(k: number): number; length(k: number): number };
export interface KeptStats { chunks: number; kept: number; bytesIn: number; bytesOut: number; checks: number; foreign: number }
export declare function keptScenario(scenario: {
  run: FaceRun;
  api: { Chunker: new (options: never) => { push(burst: Uint8Array): unknown[] } };
  face: Face;
  options: KeptOptions;
  total: number;
  burst: (i: number) => number;
  keep: readonly number[];
  salt: number;
  every: number;
  settle?: () => Promise<void>;
  after?: number;
}): Promise<KeptStats>;
