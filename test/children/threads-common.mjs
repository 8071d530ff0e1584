// What the threads-*.mjs children share (issue 19; run by test/threads-*.test.ts through
// test/support/threads.ts, under Node 20, Node 26 and Bun, REFRAME_BACKEND choosing the core).
// A child prints one `ok …` or `FAIL …` line and exits 0 or 1; a crash or an abort is its exit status.
import { Buffer } from 'node:buffer';
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';

export { sleep, turn };

/** True under Bun (no --expose-gc there: Bun.gc). */
export const BUN = typeof globalThis.Bun !== 'undefined';

/** A full collection where the runtime offers one (Node: --expose-gc; Bun: Bun.gc). */
export function gc() {
  if (BUN) globalThis.Bun.gc(true);
  else globalThis.gc?.();
}

/** Collections and event-loop turns until the finalizers of dropped buffers have run. */
export async function settle(rounds = 4) {
  for (let i = 0; i < rounds; i++) {
    gc();
    await turn();
  }
}

export const MiB = 1 << 20;

/** This process's resident memory now. */
export const rss = () => process.memoryUsage.rss();

export const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;

/** The package as users import it (dist/). */
export const load = () => import('../../dist/index.js');

/** ArrayBuffer.prototype.transfer, where the runtime has it (not Node 20). */
export const HAS_TRANSFER = typeof ArrayBuffer.prototype.transfer === 'function';

const BLOCK = 1 << 20;
const filled = new Map();

/** The first index where `view` does not hold `byte`, -1 if it holds it throughout (memcmp per MiB). */
export function firstNot(view, byte) {
  let reference = filled.get(byte);
  if (reference === undefined) filled.set(byte, (reference = Buffer.alloc(BLOCK, byte)));
  const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  for (let i = 0; i < bytes.length; i += BLOCK) {
    const part = bytes.subarray(i, Math.min(bytes.length, i + BLOCK));
    if (part.equals(reference.subarray(0, part.length))) continue;
    return i + part.findIndex((b) => b !== byte);
  }
  return -1;
}

/** Prints the result line of the case and exits with its status. */
export function finish(name, result) {
  const line = `${name} ${result}`;
  process.stdout.write(`${line}\n`);
  process.exitCode = result.startsWith('ok') ? 0 : 1;
}

/** Runs `body` and reports its result (a throw is a FAIL). Returns nothing: the process then ends by itself. */
export async function run(name, body) {
  let result;
  try {
    result = await body();
  } catch (error) {
    result = `FAIL threw ${error?.code ?? ''} ${String(error?.stack ?? error).split('\n').slice(0, 4).join(' | ')}`;
  }
  finish(name, result);
}

/**
 * A worker's messages in order: `next()` resolves with the next one (buffered: a port may deliver
 * several in one go), rejects on the worker's error or on its exit before that message came.
 */
export function messages(worker) {
  const queue = [];
  const waiting = [];
  let failure;
  const fail = (error) => {
    failure ??= error;
    while (waiting.length) waiting.shift().reject(failure);
  };
  worker.on('message', (message) => (waiting.length ? waiting.shift().resolve(message) : queue.push(message)));
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the worker exited (${code}) before it posted`)));
  return {
    next: () => (queue.length ? Promise.resolve(queue.shift()) : failure ? Promise.reject(failure) : new Promise((resolve, reject) => waiting.push({ resolve, reject }))),
  };
}

/** Resolves with the worker's exit code. */
export function exited(worker) {
  return new Promise((resolve) => worker.once('exit', resolve));
}
