// Output memory on the native core (Node): the addon's pooled slabs (native/memory.h), with
// JavaScript's own allocations as the fallback whenever the addon says no.
import { Buffer } from 'node:buffer';
import { markAsUntransferable } from 'node:worker_threads';
import type { NativeMemory } from './native-engine.js';

/** After this long without an allocation, the pool's free slabs are freed. */
export const IDLE_TRIM_MS = 1000;

/**
 * True where marking a buffer untransferable also makes it non-detachable (V8's detach key: Node 26;
 * Node 20-24 only refuse to transfer it by postMessage, while transfer() and byte streams still
 * detach it). Only then may a collected buffer's memory be reused before its finalizer has run: a
 * detachable one could have handed that memory to another ArrayBuffer first.
 */
export function detachIsBlocked(): boolean {
  const probe = new ArrayBuffer(1);
  markAsUntransferable(probe);
  const transfer = (probe as { transfer?: () => ArrayBuffer }).transfer;
  if (typeof transfer !== 'function') return false; // Node 20: no transfer(), but byte streams detach
  try {
    transfer.call(probe);
    return false;
  } catch {
    return true;
  }
}

export interface Allocator {
  alloc(bytes: number): Uint8Array;
  allocZeroed(bytes: number): Uint8Array;
}

/** Node's own memory: what the TypeScript core uses, and the native core's fallback. */
export const jsAllocator: Allocator = {
  // allocUnsafeSlow: never from Node's shared pool, so a chunk's ArrayBuffer holds reframe's bytes only.
  alloc: (bytes) => Buffer.allocUnsafeSlow(bytes),
  allocZeroed: (bytes) => new Uint8Array(bytes),
};

/**
 * The addon's memory. Every buffer is marked untransferable: its slab returns to the pool when the
 * buffer is collected, so it must never move to another owner. The pool's free slabs (at most
 * 16 MiB) are freed once nothing was allocated for IDLE_TRIM_MS.
 */
export function nativeAllocator(memory: NativeMemory): Allocator {
  memory.configureMemory(process.env.REFRAME_EXP_WEAK === '1' && detachIsBlocked(), false);
  let allocations = 0;
  let seen = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    seen = allocations;
    timer = setTimeout(idle, IDLE_TRIM_MS);
    timer.unref?.();
  };
  const idle = () => {
    timer = undefined;
    if (allocations !== seen) {
      arm();
      return;
    }
    memory.trimMemory();
    // Slabs still out come back as their buffers are collected: trim those too, later.
    const [free, outstanding] = memory.memoryStats();
    if (free + outstanding > 0) arm();
  };
  const take = (bytes: number, zero: boolean): Uint8Array => {
    allocations++;
    if (timer === undefined) arm();
    const buffer = memory.alloc(bytes, zero);
    if (buffer === undefined) return zero ? jsAllocator.allocZeroed(bytes) : jsAllocator.alloc(bytes);
    if (process.env.REFRAME_EXP_MARK === '1') markAsUntransferable(buffer);
    return new Uint8Array(buffer);
  };
  return {
    alloc: (bytes) => take(bytes, false),
    allocZeroed: (bytes) => take(bytes, true),
  };
}
