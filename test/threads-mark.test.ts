// Issue 19, H12: nothing a user does to a chunk's buffer aborts the process. The user marks chunks'
// buffers untransferable (markAsUntransferable) and keeps them; the thread ends and the process
// exits by itself: exit status 0. Today Node 26 aborts (SIGABRT: FATAL v8::FromJust in
// Environment::RunCleanup) on the native core, whose chunks are external buffers. Each case runs in
// a child process (test/children/threads-mark.mjs) on both cores, under Node 20, Node 26 and Bun.
import { describe } from 'vitest';
import { IN_MATRIX, threadsCase } from './support/threads.js';
import { KNOWN_FAILING } from './support/threads-known.js';

describe.skipIf(IN_MATRIX).concurrent('H12: a user marking chunks untransferable never aborts the process', () => {
  threadsCase({
    finding: 'H12', what: 'worker', script: 'threads-mark.mjs', args: ['worker'], timeout: 30_000,
    says: 'a worker marks chunks of 64, 4,096 and 40,000 bytes untransferable, keeps them and ends; the process exits 0',
  }, KNOWN_FAILING);
  threadsCase({
    finding: 'H12', what: 'main', script: 'threads-mark.mjs', args: ['main'], timeout: 30_000,
    says: 'the main thread marks chunks untransferable, keeps them, and the process exits by itself: status 0',
  }, KNOWN_FAILING);
});
