// Types of hostile.mjs (plain JavaScript so that scripts/hostile-fuzz.mjs runs it without a build).
import type { Framing } from './reference.js';

/** Faces a scenario runs on. */
export declare const FACES: readonly ['chunker', 'node', 'web-platform', 'web-polyfill', 'chunks'];
export type Face = (typeof FACES)[number];

export interface Finding {
  seed: number;
  face: Face | '?';
  /** e.g. bytes, count, outcome, uncoded, internal, hang, changed, overlap, input-modified, own-getter, pending, type, option */
  category: string;
  detail: string;
}

export interface Stats {
  chunks: number;
  items: number;
  errors: Record<string, number>;
  mutations: Record<string, number>;
  views: Record<string, number>;
  ownReads: number;
  tagReads: number;
  transfers: number;
  /** Chunks moved, by how (clone, transfer, enqueue). */
  moves: Record<string, number>;
  /** Worker threads that re-framed, moved their chunks here and ended. */
  workers: number;
  /** Re-checks of the kept sample, moved and workers' chunks. */
  rechecks: number;
  /** What KNOWN_ISSUE_19 (or env.known) let pass, by category. */
  known: Record<string, number>;
}

export interface Env {
  /** The package's faces: Chunker, chunkerStream, ChunkerStream, chunks. */
  api: unknown;
  /** web-streams-polyfill's exports. */
  polyfill: unknown;
  /** The reference framing (test/support/reference.ts). */
  frame: (bytes: Uint8Array, options: any) => Framing;
  face?: Face;
  /** Draw lies of 1e9, Infinity and 2^53 (default true); false keeps every lie finite. */
  extreme?: boolean;
  /** Bound for every callback and promise of a scenario (default 5000 ms). */
  timeoutMs?: number;
  gc?: () => void;
  /** The package's module URL for worker threads (dist/index.js); without it, no worker steps. */
  workerModule?: string;
  /** Replaces KNOWN_ISSUE_19: what today's main is known to get wrong (an empty set: hold everything to SPEC). */
  known?: ReadonlySet<string>;
  /** Log every step (debugging a seed). */
  trace?: boolean;
}

export interface Result {
  seed: number;
  face: Face;
  findings: Finding[];
  stats: Stats;
}

/** What today's main is known to get wrong (issue 19): 'worker-zero-copy', 'move-siblings'. */
export declare const KNOWN_ISSUE_19: Set<string>;

export declare function rng(seed: number): {
  float(): number;
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(list: readonly T[]): T;
  weighted<T>(table: readonly (readonly [T, number])[]): T;
};
export declare function makePlan(seed: number, options?: { face?: Face; extreme?: boolean }): Record<string, unknown>;
export declare function runScenario(seed: number, env: Env): Promise<Result>;
export declare function formatFinding(finding: Finding): string;
export declare function describePlan(seed: number, options?: { face?: Face; extreme?: boolean }): string;
