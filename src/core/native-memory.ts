// Output memory on the native core (Node): slabs the addon owns (native/memory.h), handed out as
// external ArrayBuffers and taken back once V8 frees them; JavaScript's own allocation whenever the
// addon says no. docs/performance.md › Output memory on the native core says what is kept and when it is released.
import { Buffer } from 'node:buffer';

/** After this long without an allocation, the pool's free slabs are freed. */
export const IDLE_TRIM_MS = 1000;

/**
 * Native output allocated since the event loop last turned, beyond which the stream faces let it
 * turn (they complete a write through setImmediate): Node returns an external buffer's memory only
 * on a turn, and a source that never yields (an in-memory array piped through) would otherwise
 * leave every slab waiting, and the pool would fall back to fresh memory.
 */
export const TURN_BYTES = 16 * 1024 * 1024;

/** The addon's memory functions (native/binding.cc). */
export interface NativeMemory {
  /**
   * A view of an external ArrayBuffer of exactly `bytes` over a pooled slab (zeroed if asked), or
   * undefined: use JS memory. (A Buffer: Node makes external memory as one.)
   */
  alloc(bytes: number, zero: boolean): Uint8Array | undefined;
  /** Tests: behave as a runtime that refuses external buffers (the fallback). */
  refuseExternal(refuse: boolean): void;
  /** Frees the pool's free slabs. */
  trimMemory(): void;
  /** [freeBytes, outstandingBytes, mappedBytes, slabsTaken, slabsReused], process-wide. */
  memoryStats(): [number, number, number, number, number];
}

export interface Allocator {
  alloc(bytes: number): Uint8Array;
  allocZeroed(bytes: number): Uint8Array;
  /** True once the event loop should turn for native memory to come back (see TURN_BYTES). */
  turnDue(): boolean;
}

/** Node's own memory: what the TypeScript core uses, and the native core's fallback. */
export const jsAllocator: Allocator = {
  // allocUnsafeSlow: never from Node's shared pool, so a chunk's ArrayBuffer holds reframe's bytes only.
  alloc: (bytes) => Buffer.allocUnsafeSlow(bytes),
  allocZeroed: (bytes) => new Uint8Array(bytes),
  turnDue: () => false,
};

/** Below this, an output is not worth a slab (and a crossing): flushed tails, mostly. */
const SMALLEST = 4096;

/**
 * The addon's memory, per thread (each worker loads the addon and gets its own allocator over the
 * process's one pool). Free slabs (at most 128 MiB in the process) are freed once this thread has
 * allocated nothing for IDLE_TRIM_MS.
 */
export function nativeAllocator(memory: NativeMemory): Allocator {
  let allocations = 0;
  let seen = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = (): void => {
    timer = undefined;
    if (allocations !== seen) {
      arm();
      return;
    }
    memory.trimMemory();
    // Slabs still out come back as their buffers are collected: trim those too, later.
    const [, outstanding] = memory.memoryStats();
    if (outstanding > 0) arm();
  };
  const arm = (): void => {
    seen = allocations;
    timer = setTimeout(idle, IDLE_TRIM_MS);
    timer.unref();
  };
  // Bytes allocated since the event loop last turned (an immediate resets it).
  let sinceTurn = 0;
  let turnWatch = false;
  const turned = (): void => {
    sinceTurn = 0;
    turnWatch = false;
  };
  const fallback = (bytes: number, zero: boolean): Uint8Array =>
    zero ? jsAllocator.allocZeroed(bytes) : jsAllocator.alloc(bytes);
  const take = (bytes: number, zero: boolean): Uint8Array => {
    if (bytes < SMALLEST) return fallback(bytes, zero);
    allocations++;
    if (timer === undefined) arm();
    sinceTurn += bytes;
    if (!turnWatch) {
      turnWatch = true;
      setImmediate(turned).unref();
    }
    return memory.alloc(bytes, zero) ?? fallback(bytes, zero);
  };
  return {
    alloc: (bytes) => take(bytes, false),
    allocZeroed: (bytes) => take(bytes, true),
    turnDue: () => sinceTurn >= TURN_BYTES,
  };
}
