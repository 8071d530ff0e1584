// Counts the output memory the faces allocate (every chunk lives in memory from runtime.alloc), so
// tests can tell how many chunks a face has produced without peeking inside it.
import { afterEach, beforeEach } from 'vitest';
import { runtime, useRuntime } from '../../src/core/runtime.js';

/** Call inside a describe block; `bytes` counts what the faces allocated since the test started. */
export function useAllocationCounter(): { readonly bytes: number } {
  const counter = { bytes: 0 };
  let restore: (() => void) | undefined;
  beforeEach(() => {
    const original = runtime.alloc;
    counter.bytes = 0;
    useRuntime({ ...runtime, alloc: (bytes) => { counter.bytes += bytes; return original(bytes); } });
    restore = () => useRuntime({ ...runtime, alloc: original });
  });
  afterEach(() => restore?.());
  return counter;
}

