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

/** pushInPlace() answer bits. */
export const IN_PLACE_DONE = 1; // the first chunk is the window adopted earlier, completed in place
export const ADOPTED = 2; // `next` now holds the open window: keep it, unwritten, until it completes

/**
 * One core's engine. Its answers decide memory: the caller sizes outputs from `needed`, but the
 * engine checks that every output region holds exactly what it writes (a coded ERR_REFRAME_INPUT,
 * state unchanged, if not), and the caller hands out an adopted window only when the engine says
 * it completed.
 */
export interface Engine {
  /** Bytes the next chunk still needs before it completes (including a gap to skip). */
  readonly needed: number;
  /** Whole samples received that no chunk has held yet. */
  readonly pending: number;
  /**
   * Consumes one burst and writes the chunks it completes back to back into
   * `out[outOffset, outOffset + outBytes)`, which must be exactly their bytes (`out` is undefined
   * when there are none). Returns how many. Never while a window is in place (see pushInPlace).
   */
  push(input: Uint8Array, out: Uint8Array | undefined, outOffset: number, outBytes: number): number;
  /**
   * Copy-once for large chunks: like push(), but `out` (exactly its length) holds the completed
   * chunks less a window completed in place, and `next` (one chunk of bytes) is offered as memory
   * for a window the burst leaves open, so that it can be handed out later without a second copy.
   * Returns IN_PLACE_DONE | ADOPTED bits; the caller follows them (and only them).
   */
  pushInPlace(input: Uint8Array, out: Uint8Array | undefined, next: Uint8Array): number;
  /** What flush() will do: a FLUSH_* status and how many bytes it writes. */
  planFlush(): readonly [status: number, bytes: number];
  /** Writes exactly the planned bytes into `out`, then starts a fresh stream. Returns the status. */
  flush(out: Uint8Array | undefined): number;
  /** Discards what is buffered; starts a fresh stream. */
  reset(): void;
}

export type EngineFactory = (options: ResolvedOptions) => Engine;

/** Which core runs: the C++ addon or the TypeScript twin. */
export type Backend = 'native' | 'js';
