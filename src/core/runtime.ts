// Which core and which allocator the faces use. Defaults are portable (TypeScript core, plain
// Uint8Array); the Node entry installs the native core and Node's allocator before any face runs.
import type { Backend, EngineFactory } from './engine.js';
import { createJsEngine } from './js-engine.js';

export interface Runtime {
  readonly backend: Backend;
  readonly createEngine: EngineFactory;
  /**
   * Output memory for `bytes` bytes (> 0), all of its own ArrayBuffer. The engine overwrites every
   * byte, so it may be uninitialized; it must never be shared with other owners.
   */
  readonly alloc: (bytes: number) => Uint8Array;
  /** Like alloc(), but zeroed: memory that is handed out before all of it is written (the pool). */
  readonly allocZeroed: (bytes: number) => Uint8Array;
  /**
   * Marks an output buffer that holds several chunks as untransferable, where the runtime can
   * (Node's markAsUntransferable: a transfer then copies, or throws, instead of detaching it), so a
   * consumer transferring one chunk's buffer cannot take its siblings or the shared pool away.
   */
  readonly untransferable?: ((buffer: ArrayBufferLike) => void) | undefined;
  /**
   * True when the stream faces should let the event loop turn before taking more input: memory
   * the runtime recycles comes back only on a turn (Node's finalizers of external buffers).
   */
  readonly turnDue?: (() => boolean) | undefined;
}

export const runtime: Runtime = {
  backend: 'js',
  createEngine: createJsEngine,
  alloc: (bytes) => new Uint8Array(bytes),
  allocZeroed: (bytes) => new Uint8Array(bytes),
};

export function useRuntime(next: Runtime): void {
  Object.assign(runtime, next);
}
