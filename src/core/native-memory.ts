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
  /** Frees the pool's free slabs, and (glibc) the free memory its arenas keep. */
  trimMemory(): void;
  /**
   * While any thread says busy, glibc keeps freed memory for reuse (returns whether it does: false
   * without glibc, or when the user tuned malloc); not busy on every thread restores its defaults.
   */
  keepFreedMemory(busy: boolean): boolean;
  /** Main thread: `callback` runs each time a worker that loaded the addon has ended. */
  watchWorkers(callback: () => void): void;
  /** [freeBytes, outstandingBytes, mappedBytes, slabsTaken, slabsReused], process-wide. */
  memoryStats(): [number, number, number, number, number];
}

/** The addon's recycled memory for large chunks, and when the event loop should turn for it. */
export interface Recycler {
  /** Memory for one large chunk: a slab of the addon's pool, or Node's memory when it says no. */
  allocChunk(bytes: number): Uint8Array;
  /** True once the event loop should turn for native memory to come back (see TURN_BYTES). */
  turnDue(): boolean;
}

/** Node's own memory: every output of the TypeScript core, and of the native core but recycled large chunks. */
export const jsAlloc = (bytes: number): Uint8Array => Buffer.allocUnsafeSlow(bytes);
// allocUnsafeSlow: never from Node's shared pool, so a chunk's ArrayBuffer holds reframe's bytes only.

/**
 * The addon's memory, for the one thread where recycling it is safe: the main thread, on a runtime
 * where a user's markAsUntransferable cannot make Node abort at exit (docs/design.md › Output
 * memory). Free slabs (at most 128 MiB in the process) are freed once this thread has allocated
 * nothing for IDLE_TRIM_MS, and again each IDLE_TRIM_MS while any slab is out.
 */
export function nativeRecycler(memory: NativeMemory): Recycler {
  const allocated = idleWatch(() => {
    memory.trimMemory();
    // Slabs still out come back as their buffers are collected: trim those too, later.
    const [, outstanding] = memory.memoryStats();
    return outstanding > 0;
  });
  // Bytes allocated since the event loop last turned (an immediate resets it).
  let sinceTurn = 0;
  let turnWatch = false;
  const turned = (): void => {
    sinceTurn = 0;
    turnWatch = false;
  };
  return {
    allocChunk: (bytes) => {
      allocated();
      sinceTurn += bytes;
      if (!turnWatch) {
        turnWatch = true;
        setImmediate(turned).unref();
      }
      return memory.alloc(bytes, false) ?? jsAlloc(bytes);
    },
    turnDue: () => sinceTurn >= TURN_BYTES,
  };
}

/**
 * Runtime.busy for the native core on Node: the first output after an idle spell tells the addon
 * this thread is busy (glibc then keeps what V8 frees, so each new chunk's memory is memory freed a
 * moment ago and already paged in, instead of fresh pages: native/binding.cc KeepFreedMemory);
 * IDLE_TRIM_MS without output, the addon hears it is idle, restores glibc's defaults once no thread
 * is busy, and trims.
 */
export function outputWatch(memory: NativeMemory): () => void {
  const output = idleWatch(() => {
    memory.keepFreedMemory(false);
    memory.trimMemory();
    return false;
  });
  return () => {
    if (output()) memory.keepFreedMemory(true);
  };
}

/**
 * A thread's idle timer: `onIdle` runs once IDLE_TRIM_MS pass without a call of the function this
 * returns, and IDLE_TRIM_MS later again while it returns true. That function returns true when its
 * call starts a busy spell (no timer was running).
 */
function idleWatch(onIdle: () => boolean): () => boolean {
  let calls = 0;
  let seen = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    seen = calls;
    timer = setTimeout(check, IDLE_TRIM_MS);
    timer.unref();
  };
  const check = (): void => {
    timer = undefined;
    if (calls !== seen || onIdle()) arm();
  };
  return () => {
    calls++;
    if (timer !== undefined) return false;
    arm();
    return true;
  };
}

/**
 * The main thread, where the addon loads: a worker's chunks are Node's memory, which glibc keeps in
 * that worker's arena after the worker has ended (40–80 MiB for 256 MiB re-framed here, as for any
 * worker that churns Buffers). IDLE_TRIM_MS after a worker that used reframe ends, the addon trims
 * (malloc_trim), so that memory goes back even though no thread of reframe's is left to notice.
 */
export function trimAfterWorkers(memory: NativeMemory): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  memory.watchWorkers(() => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      memory.trimMemory();
    }, IDLE_TRIM_MS);
    timer.unref();
  });
}
