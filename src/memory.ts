// Output memory: where chunks live. SPEC: a chunk is its holder's memory for as long as any
// reference to it lives, on any thread; moving one chunk's `buffer` (transfer(), postMessage, a
// byte stream's enqueue) never breaks the chunker and never empties or changes another chunk; a
// chunk's `buffer` shows only this stream's chunks, never another owner's, uninitialised or
// recycled bytes. Two layouts keep that, chosen per chunk size and runtime (docs/design.md):
//
// - own: a chunk is all of an ArrayBuffer of its own (byteOffset 0, buffer.byteLength equal to its
//   own). Moving it moves nothing else. The engine writes a step's chunks into the thread's stage
//   (below), and each is copied out into its own memory at once. Chunks of at most ON_HEAP_BYTES
//   always: V8 keeps such a typed array on its heap, which costs less than a view on a shared buffer.
//   Chunks of OWN_LARGE_BYTES and more always: one allocation per chunk costs nothing at that size
//   (runtime.allocChunk: the addon's recycled memory where that is safe). Every size in between
//   where the runtime cannot pin a shared buffer (runtime.pin absent: Node 20–24, Bun, browsers).
// - shared: the chunks of one engine call (at most SHARED_BYTES of them) share one new buffer,
//   written completely by the engine and pinned (runtime.pin: Node 26 and Deno refuse every move
//   of it), so `chunk.buffer` holds at most SHARED_BYTES of this stream's chunks.
//
// Nothing is pooled per stream: a quiet stream holds no output memory at all.
import { runtime } from './core/runtime.js';

/** Chunks this small are always own: V8 allocates them on its heap (V8_TYPED_ARRAY_MAX_SIZE_IN_HEAP). */
export const ON_HEAP_BYTES = 64;
/** Chunks this large are always own, and copied once (src/reframer.ts IN_PLACE_BYTES). */
export const OWN_LARGE_BYTES = 32 * 1024;
/**
 * One engine call of own chunks writes at most this much into the stage (at least one chunk): the
 * chunks are made from it at once, so a stalled consumer holds at most this much made ahead.
 */
export const STAGE_BYTES = 16 * 1024;
/** The most a shared buffer holds (at least one chunk): the bound on `chunk.buffer`. */
export const SHARED_BYTES = 64 * 1024;

// The thread's stage: engine output that is copied out into own chunks before the engine call's
// caller returns, so one per thread (module instance) serves every chunker; never handed out.
let stage: Uint8Array | undefined;

/** The stage, at least `bytes` long (bytes ≤ STAGE_BYTES, or one chunk). */
export function stageOf(bytes: number): Uint8Array {
  if (stage === undefined || stage.byteLength < bytes) stage = new Uint8Array(Math.max(bytes, STAGE_BYTES));
  return stage;
}

/** True when chunks of `chunkBytes` share a buffer per engine call on this runtime. */
export function sharesBuffers(chunkBytes: number): boolean {
  return runtime.pin !== undefined && chunkBytes > ON_HEAP_BYTES && chunkBytes < OWN_LARGE_BYTES;
}

// setImmediate where the runtime has it (Node, Bun, Deno); turnDue() exists only there.
const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate ??
  ((callback: () => void) => setTimeout(callback, 0));

/**
 * Runs `next` now, or once the event loop has turned if the runtime's recycled memory needs a turn
 * to come back (runtime.turnDue: the native core on Node's main thread, after 16 MiB of recycled
 * output without a turn). The stream faces complete writes through it: a source that never yields
 * (an array piped in) then yields once per 16 MiB, and the addon's slabs are reused instead of
 * fresh memory.
 */
export function afterTurnIfDue(next: () => void): void {
  if (runtime.turnDue?.() === true) immediate(next);
  else next();
}

/** afterTurnIfDue() for a promise-based face: undefined, or a promise settled after the turn. */
export function turnIfDue(): Promise<void> | undefined {
  return runtime.turnDue?.() === true ? new Promise((resolve) => { immediate(resolve); }) : undefined;
}
