// Output memory: where one chunker's chunks live. The Reframer decides what to write; this module
// decides where, under one rule: a chunk's `buffer` shows only this stream's chunks, bytes the engine
// has written, or zeros — never another owner's bytes, uninitialised or recycled memory.
//
// Memory comes from the runtime (core/runtime.ts): on the native core, slabs the addon owns and takes
// back once the ArrayBuffer over them is gone (native/memory.h); elsewhere, plain allocations.
import { byteLengthOf } from './input.js';
import { runtime } from './core/runtime.js';

/**
 * Small outputs (one engine call's chunks totalling less than POOL_STEP_BYTES) are carved from a
 * pool of POOL_BYTES that this chunker alone writes: one ArrayBuffer per ~4,000 64-byte chunks
 * instead of one per engine call (allocating and collecting ArrayBuffers was a third of the time at
 * 64-byte chunks). The pool is zeroed when made, so a chunk's `buffer` shows only zeros and other
 * chunks of the same stream.
 *
 * Larger outputs get an allocation of exactly their size, uninitialised, which the engine then
 * overwrites completely (the engine checks that it writes every byte of the region it is given).
 */
export const POOL_BYTES = 256 * 1024;
export const POOL_STEP_BYTES = 8 * 1024;

/** One chunker's output memory. */
export class OutputMemory {
  #pool: Uint8Array | undefined; // [0, #poolUsed) handed out; the rest zeros
  #poolUsed = 0;
  #spare: Uint8Array | undefined; // one chunk of memory for a copy-once window, until adopted
  /** Where the region reserve() returned starts in its array. */
  at = 0;

  /**
   * Memory for one engine call's `count` chunks (`bytes` in all), which the engine writes
   * completely: returns the array, with the region starting at `this.at`.
   */
  reserve(bytes: number, count: number): Uint8Array {
    if (bytes >= POOL_STEP_BYTES) {
      this.at = 0;
      return shared(runtime.alloc(bytes), count);
    }
    let pool = this.#pool;
    // A new pool when this one is full, or was detached (a consumer transferred a chunk's buffer
    // where the runtime cannot forbid it): its chunks went with it, the chunker goes on.
    if (pool === undefined || this.#poolUsed + bytes > POOL_BYTES || byteLengthOf(pool) !== POOL_BYTES) {
      this.#pool = pool = shared(runtime.allocZeroed(POOL_BYTES), 2);
      this.#poolUsed = 0;
    }
    this.at = this.#poolUsed;
    this.#poolUsed += bytes;
    return pool;
  }

  /** One chunk of memory offered to the engine for a copy-once window (the same one until adopted). */
  window(bytes: number): Uint8Array {
    return (this.#spare ??= runtime.alloc(bytes));
  }

  /** The engine adopted the window: the next one is new memory. */
  adopted(): void {
    this.#spare = undefined;
  }

  /** Exactly `bytes`, written completely by the caller before anyone sees them (a flushed tail). */
  exact(bytes: number): Uint8Array {
    return runtime.alloc(bytes);
  }
}

// Several chunks in one buffer: where the runtime can, the buffer cannot be transferred away from
// under its siblings (Node: markAsUntransferable).
function shared(memory: Uint8Array, count: number): Uint8Array {
  if (count > 1) runtime.untransferable?.(memory.buffer);
  return memory;
}

// setImmediate where the runtime has it (Node, Bun, Deno); turnDue() exists only there.
const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate ??
  ((callback: () => void) => setTimeout(callback, 0));

/**
 * Runs `next` now, or once the event loop has turned if the runtime's recycled memory needs a turn
 * to come back (runtime.turnDue: the native core on Node, after 16 MiB of output without a turn).
 * The stream faces complete writes through it: a source that never yields (an array piped in)
 * then yields once per 16 MiB, and the addon's slabs are reused instead of fresh memory.
 */
export function afterTurnIfDue(next: () => void): void {
  if (runtime.turnDue?.() === true) immediate(next);
  else next();
}

/** afterTurnIfDue() for a promise-based face: undefined, or a promise settled after the turn. */
export function turnIfDue(): Promise<void> | undefined {
  return runtime.turnDue?.() === true ? new Promise((resolve) => { immediate(resolve); }) : undefined;
}
