// Which core and which memory the faces use. Defaults are portable (TypeScript core, plain
// Uint8Array, every chunk in a buffer of its own); the Node entry installs the native core and
// Node's memory before any face runs.
import type { Backend, EngineFactory } from './engine.js';
import { createJsEngine } from './js-engine.js';

export interface Runtime {
  readonly backend: Backend;
  readonly createEngine: EngineFactory;
  /**
   * Memory for `bytes` bytes (> 0): all of a new ArrayBuffer of exactly that length, which nothing
   * else refers to. The engine overwrites every byte, so it may be uninitialised.
   */
  readonly alloc: (bytes: number) => Uint8Array;
  /**
   * alloc() for one large chunk (src/memory.ts OWN_LARGE_BYTES and more): where the runtime can
   * recycle memory safely (the native core on a thread that outlives every holder), memory it
   * takes back once the ArrayBuffer is gone.
   */
  readonly allocChunk?: ((bytes: number) => Uint8Array) | undefined;
  /**
   * Pins a buffer that holds several chunks so that no consumer can move it away from under its
   * siblings. Present only where pinning stops every move (transfer(), postMessage's transfer
   * list, structuredClone's, a byte stream's enqueue): Node 26 and Deno mark it untransferable.
   * Where it is absent, every chunk gets a buffer of its own.
   */
  readonly pin?: ((buffer: ArrayBufferLike) => void) | undefined;
  /**
   * True when the stream faces should let the event loop turn before taking more input: memory
   * the runtime recycles comes back only on a turn (Node's finalizers of external buffers).
   */
  readonly turnDue?: (() => boolean) | undefined;
  /**
   * Called as a chunker makes output (once per engine call that completes chunks): where present
   * (the native core on Node), the allocator keeps freed memory for the next chunks while output
   * flows, and gives it back about a second after it stops (src/core/native-memory.ts outputWatch).
   */
  readonly busy?: (() => void) | undefined;
}

export const runtime: Runtime = {
  backend: 'js',
  createEngine: createJsEngine,
  alloc: (bytes) => new Uint8Array(bytes),
};

export function useRuntime(next: Runtime): void {
  const target = runtime as { -readonly [K in keyof Runtime]: Runtime[K] };
  target.allocChunk = undefined;
  target.pin = undefined;
  target.turnDue = undefined;
  target.busy = undefined;
  Object.assign(target, next);
}
