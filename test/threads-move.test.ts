// Issue 19, H11: a chunk moved out of a worker (zero-copy where the runtime allows) stays its
// holder's memory after the worker ends: the worker's teardown runs the finalizers of every
// external buffer it made, and today the native core's finalizer hands the slab back to the pool
// even though the buffer now lives on the main thread (which then sees another stream's bytes in
// it, or SIGSEGV once the memory is unmapped). Each case runs in a child process
// (test/children/threads-move.mjs says what it does) on both cores, under Node 20, Node 26 and Bun.
import { describe } from 'vitest';
import { IN_MATRIX, threadsCase } from './support/threads.js';
import { KNOWN_FAILING } from './support/threads-known.js';

const noTransfer = (target: { transfer: boolean; version?: string }) =>
  target.transfer ? undefined : `${target.version} has no ArrayBuffer.prototype.transfer`;

const HOWS = [
  ['bytes-stream', 'enqueued into a byte stream, posted with its buffer in the transfer list'],
  ['transfer', 'chunk.buffer.transfer(), posted in the transfer list'],
  ['transfer-list', 'postMessage(chunk, [chunk.buffer])'],
  ['post-copy', 'postMessage(chunk) without a transfer list'],
  ['structured-clone', 'structuredClone with a transfer list, then posted'],
] as const;

describe.skipIf(IN_MATRIX).concurrent('H11: a chunk moved out of a worker that ended keeps its bytes', () => {
  for (const [how, says] of HOWS) {
    threadsCase({
      finding: 'H11', what: `${how} churn`, script: 'threads-move.mjs', args: [how, 'churn'], timeout: 60_000,
      says: `a 16 KiB chunk ${says}; the worker ends; 32 MiB of 16 KiB pushes of 0x22, a 2.6 s idle, 8 MiB more: it still reads 0x11, no crash`,
      skip: how === 'transfer' ? noTransfer : undefined,
    }, KNOWN_FAILING);
  }
  // A chunk over the pool's largest slab class (64 MiB), moved by the two ways that keep its memory.
  for (const [how, says] of HOWS.slice(0, 2)) {
    threadsCase({
      finding: 'H11', what: `${how} big`, script: 'threads-move.mjs', args: [how, 'big'], timeout: 90_000,
      says: `a 65 MiB chunk ${says}; the worker ends; 16 MiB of 16 KiB pushes and a 1.2 s idle: it still reads 0x11, no crash`,
      skip: how === 'transfer' ? noTransfer : undefined,
    }, KNOWN_FAILING);
  }
});
