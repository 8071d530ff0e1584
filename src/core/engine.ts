// The contract both cores keep: the native engine (native/engine.cc behind native/binding.cc) and
// its TypeScript twin (js-engine.ts). Faces only ever talk to this interface.
import type { ResolvedOptions } from '../options.js';

/** flush() statuses, shared with native/engine.h's FlushStatus. */
export const FLUSH_OK = 0;
/** `tail: 'error'` and a partial chunk: the flushed bytes are the tail for the error. */
export const FLUSH_TAIL = 1;
/** The stream ended inside a sample: the flushed bytes are the whole samples, if any. */
export const FLUSH_STRAY = 2;

/** Tail policy numbers, shared with native/engine.h's TailPolicy. */
export const TAIL_CODES = { emit: 0, pad: 1, drop: 2, error: 3 } as const;

export interface Engine {
  /** Bytes the next chunk still needs before it completes (including a gap to skip). */
  readonly needed: number;
  /** Whole samples received that no chunk has held yet. */
  readonly pending: number;
  /**
   * True while the window lives in caller memory adopted by push() (`next`): if the next push
   * completes a chunk, its first chunk is that memory, completed in place and left out of `out`.
   */
  readonly windowInPlace: boolean;
  /**
   * True when every push() has a fixed cost worth saving (the native core: one crossing into C++),
   * so the Reframer gathers small bursts that complete no chunk and pushes them together.
   */
  readonly costlyPush: boolean;
  /**
   * Consumes one burst and writes the chunks it completes back to back into `out` from
   * `outOffset` on (default 0; `out` is `undefined` when it writes none), less the first one when
   * `windowInPlace` (completed in place). The caller sizes `out` from `needed` and the hop.
   *
   * Copy-once for large chunks: `next` (optional, exactly one chunk of bytes) is memory where a
   * burst that ends inside a window keeps it, instead of the engine's own buffer, so that the
   * caller can later hand that very memory out as the chunk. Returns true when `next` was adopted;
   * the caller then keeps it, unwritten, until it completes, flush() or reset().
   */
  push(input: Uint8Array, out: Uint8Array | undefined, outOffset?: number, next?: Uint8Array): boolean;
  /** What flush() will do: a FLUSH_* status and how many bytes it writes. */
  planFlush(): readonly [status: number, bytes: number];
  /** Writes the planned bytes into `out`, then starts a fresh stream. Returns the status. */
  flush(out: Uint8Array | undefined): number;
  /** Discards what is buffered; starts a fresh stream. */
  reset(): void;
}

export type EngineFactory = (options: ResolvedOptions) => Engine;

/** Which core runs: the C++ addon or the TypeScript twin. */
export type Backend = 'native' | 'js';
