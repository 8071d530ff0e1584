// Issue 11, case 3, in a process of its own (run by test/growable-sab.test.ts):
//   node test/children/growable-sab.mjs <face>...
// A worker thread grows a growable SharedArrayBuffer (64 KiB up to 4 MiB, in random steps) and
// fills each grown region with the pattern the buffer started with, while this thread writes
// length-tracking views of it (a Uint8Array, a DataView, the buffer itself) into each <face>,
// with 64-byte chunks and with 40,000-byte chunks (copy-once; batch on the stream faces). Its
// length was read at several moments, so JS and the engine disagreed: thousands of uncoded
// "reframe internal error"s, chunks holding bytes never in the input, and under ASan a write into
// freed memory.
// The contract: every burst is framed at the length it had when accepted, so the chunks put back
// together (hop = size, tail 'emit') are the bursts one after the other, each a prefix of the
// buffer: byte 0 is 0xFF (found nowhere else), byte i is 1 + i % 251, or 0 where the worker had
// grown the buffer and not yet filled it (never below the first 64 KiB). No error, no chunk
// changes after it is handed out. Prints `<face> ok ...` or `<face> FAIL ...` per face; exits 0
// when every face is ok.
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

const INIT = 64 * 1024;
const MAX = 4 * 1024 * 1024;
const PATTERN = new Uint8Array(MAX).map((_, i) => (i === 0 ? 0xff : 1 + (i % 251)));

if (!isMainThread) {
  let seed = 1;
  const random = (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  parentPort.on('message', ({ buffer, done }) => {
    for (let length = buffer.byteLength; length < MAX;) {
      const next = Math.min(MAX, length + 1 + random(64 * 1024));
      buffer.grow(next);
      new Uint8Array(buffer, length, next - length).set(PATTERN.subarray(length, next));
      length = next;
      Atomics.wait(pause, 0, 0, 0.05); // ~50 µs: a round lasts long enough for many writes
    }
    Atomics.store(done, 0, 1);
  });
} else {
  const { backend } = await import('../../dist/index.js');
  const { FACES, describeError, fail, run } = await import('./face.mjs');
  const faces = process.argv.slice(2);
  for (const face of faces) if (!FACES.includes(face)) fail(`unknown face ${face}`);
  const worker = new Worker(new URL(import.meta.url));
  worker.unref();

  /** Length-tracking views of growable buffers the worker grows meanwhile, for `ms`. */
  function* bursts(ms, count) {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const buffer = new SharedArrayBuffer(INIT, { maxByteLength: MAX });
      new Uint8Array(buffer).set(PATTERN.subarray(0, INIT));
      const done = new Int32Array(new SharedArrayBuffer(4));
      worker.postMessage({ buffer, done });
      for (let k = 0; Atomics.load(done, 0) === 0 && Date.now() < end; k++) {
        count.n++;
        yield k % 3 === 0 ? new Uint8Array(buffer) : k % 3 === 1 ? new DataView(buffer) : buffer;
      }
      while (Atomics.load(done, 0) === 0) Atomics.wait(done, 0, 0, 10); // the next round gets a fresh buffer
    }
  }

  /** Splits the stream into bursts and checks each; returns a failure or undefined. */
  function check(stream, count) {
    let at = 0;
    let burst = 0;
    for (; at < stream.length; burst++) {
      if (stream[at] !== 0xff) return `burst ${burst} starts with ${stream[at]} at byte ${at} of the stream, not 0xFF`;
      let i = 1;
      for (; at + i < stream.length && stream[at + i] !== 0xff; i++) {
        const b = stream[at + i];
        if (b !== PATTERN[i] && !(b === 0 && i >= INIT)) return `byte ${i} of burst ${burst} is ${b}: never at that place of the buffer`;
      }
      if (i < INIT || i > MAX) return `burst ${burst} has ${i} bytes; the buffer always had ${INIT} to ${MAX}`;
      at += i;
    }
    return burst === count ? undefined : `${burst} bursts in the chunks, ${count} written`;
  }

  /** Runs one face over both chunk sizes: the number of chunks, or what went wrong. */
  async function probe(face) {
    let chunks = 0;
    for (const options of [{ size: 64 }, { size: 40_000, batch: face !== 'chunker' }]) {
      const count = { n: 0 };
      const parts = [];
      const kept = [];
      const error = await run(face, options, bursts(200, count), (chunk) => {
        const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).slice();
        parts.push(bytes);
        if (parts.length % 64 === 0) kept.push([chunk, bytes]);
      });
      if (error !== undefined) return `size ${options.size}: ${describeError(error)}`;
      const short = parts.findIndex((p, i) => p.length !== options.size && i !== parts.length - 1);
      if (short !== -1) return `size ${options.size}: chunk ${short} has ${parts[short].length} bytes`;
      const problem = check(Buffer.concat(parts), count.n);
      if (problem) return `size ${options.size}: ${problem}`;
      for (const [chunk, bytes] of kept) {
        if (!Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).equals(bytes)) return `size ${options.size}: a chunk changed after it was handed out`;
      }
      chunks += parts.length;
    }
    return chunks;
  }

  let failed = false;
  for (const face of faces) {
    process.stdout.write(`${face} start\n`);
    const result = await probe(face);
    failed ||= typeof result === 'string';
    process.stdout.write(typeof result === 'string' ? `${face} FAIL ${result}\n` : `${face} ok ${backend} ${result} chunks\n`);
  }
  process.exitCode = failed ? 1 : 0;
}
