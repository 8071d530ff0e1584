// Issue 11, case 9, in a process of its own (run by test/limits-cost.test.ts, which bounds its
// time): cost proportional to the work, near the limits.
//   node --expose-gc test/children/limits-cost.mjs construct
//     Builds every face with one sample of 2^30 channels (and chunks of 2^32 bytes) under every
//     tail policy, and prints the peak resident memory: construction used to materialise a
//     1 GiB sample of `fill` and copy it again (10 s, 2 GiB). A probe with 2^26 channels goes
//     first, so that the old code fails fast instead of taking gigabytes.
//   node --expose-gc test/children/limits-cost.mjs pad
//     Six padded flushes of chunks of 2^27 bytes after a push of 4 samples, checking the
//     fill at 4,096 seeded positions and the last sample of each: padding used to be written
//     sample by sample (1.2 s a flush on the native core, 4.6 s on the TypeScript core, here).
//   node --expose-gc test/children/limits-cost.mjs pad-cost
//     What padding costs against a baseline measured in this process: the fastest of 7 padded
//     flushes of a 4 MiB chunk (4 samples pushed) against the fastest of 7 plain fills of the same
//     4 MiB with the same sample (Buffer#fill) in memory from the same allocator the flush uses
//     (the runtime's alloc: the addon's slabs, or Node's memory; hot or fresh alike, as a collection
//     and a turn between rounds give both back). Bytes, int16, complex64 x2. Prints
//     `ratio <type> <flush/fill>` per shape; the test bounds them (issue 22: padding one sample at
//     a time made them 9-80 on the native core, 260-860 on the TypeScript core; by doubling, ~1).
// Prints `ok ...` and exits 0, or prints FAIL and exits 1.
import { setImmediate as turn } from 'node:timers/promises';
import { Chunker, ChunkerStream, backend, chunkerStream, chunks } from '../../dist/index.js';
import { fail } from './face.mjs';

const what = process.argv[2];

if (what === 'construct') {
  // First a cheap probe: a Chunker of one sample of 2^26 channels must not take memory in
  // proportion (the old code committed 64 MiB for the sample of fill, and as much again in C++).
  const before = process.memoryUsage().rss;
  const probe = new Chunker({ size: 1, channels: 2 ** 26, tail: 'pad', fill: 7 });
  const grew = process.memoryUsage().rss - before;
  if (grew > 32 * 2 ** 20) fail(`constructing a Chunker of 2^26 channels took ${Math.round(grew / 2 ** 20)} MiB`);
  void probe.pending;
  const tails = ['emit', 'pad', 'drop', 'error'];
  const shapes = [{ size: 1, channels: 2 ** 30 }, { size: 2 ** 20, channels: 2 ** 12 }, { size: 2 ** 32 }];
  let made = 0;
  for (const shape of shapes) {
    for (const tail of tails) {
      const options = { ...shape, tail, fill: 7 };
      const c = new Chunker(options);
      if (c.pending !== 0) fail(`pending ${c.pending} on a new Chunker`);
      c.push(new Uint8Array(64).fill(0xa5)); // at most one sample of 64 bytes: no chunk memory needed
      c.reset();
      chunkerStream(options).destroy();
      void new ChunkerStream(options).writable;
      void chunks([], options);
      made += 4;
    }
  }
  process.stdout.write(`ok ${backend} ${made} faces; maxRSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`);
} else if (what === 'pad') {
  const CHUNK = 2 ** Number(process.argv[3] ?? 27); // a smaller chunk by hand: pad 20
  const Arrays = { uint8: Uint8Array, int16: Int16Array, uint32: Uint32Array, float64: Float64Array, complex64: Float32Array };
  const shapes = [
    ...Array.from({ length: 2 }, (_, i) => ({ type: 'uint8', channels: 1, fill: 7 + i })),
    { type: 'int16', channels: 5, fill: -2 },
    { type: 'uint32', channels: 3, fill: 0x01020304 },
    { type: 'float64', channels: 1, fill: -1.5 },
    { type: 'complex64', channels: 2, fill: 0.25 },
  ];
  let seed = 99;
  const random = (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 4) % n;
  for (const { type, channels, fill } of shapes) {
    const Values = Arrays[type];
    const parts = type === 'complex64' ? 2 : 1;
    const sampleBytes = Values.BYTES_PER_ELEMENT * parts * channels;
    const one = new Uint8Array(new Values(parts * channels).fill(fill).buffer); // a sample of fill
    const size = Math.floor(CHUNK / sampleBytes);
    const input = new Uint8Array(4 * sampleBytes).map((_, i) => 0xa0 + (i % 31));
    const c = new Chunker({ size, type, channels, tail: 'pad', fill });
    if (c.push(input).length !== 0) fail(`${type}: a chunk from 4 samples`);
    const [chunk, ...more] = c.flush();
    if (!chunk || more.length) fail(`${type}: flush gave ${more.length + (chunk ? 1 : 0)} chunks`);
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (bytes.length !== size * sampleBytes) fail(`${type}: the padded chunk has ${bytes.length} bytes, not ${size * sampleBytes}`);
    if (!Buffer.from(bytes.subarray(0, input.length)).equals(input)) fail(`${type}: the pushed samples are not at the front`);
    const at = (p) => {
      if (bytes[p] !== one[p % sampleBytes]) fail(`${type}: byte ${p} is ${bytes[p]}, fill has ${one[p % sampleBytes]} there`);
    };
    for (let i = 0; i < 4096; i++) at(input.length + random(bytes.length - input.length));
    for (let p = bytes.length - sampleBytes; p < bytes.length; p++) at(p);
    for (let p = input.length; p < input.length + 4 * sampleBytes; p++) at(p);
    if (c.pending !== 0) fail(`${type}: pending ${c.pending} after flush`);
    globalThis.gc?.();
  }
  process.stdout.write(`ok ${backend} ${shapes.length} padded chunks of ${CHUNK} bytes\n`);
} else if (what === 'pad-cost') {
  const BYTES = 4 * 2 ** 20;
  const Arrays = { uint8: Uint8Array, int16: Int16Array, complex64: Float32Array };
  const shapes = [{ type: 'uint8', channels: 1, fill: 7 }, { type: 'int16', channels: 1, fill: -2 }, { type: 'complex64', channels: 2, fill: 0.25 }];
  const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
  const { runtime } = await import('../../dist/core/runtime.js');
  for (const { type, channels, fill } of shapes) {
    const Values = Arrays[type];
    const parts = type === 'complex64' ? 2 : 1;
    const sampleBytes = Values.BYTES_PER_ELEMENT * parts * channels;
    const one = Buffer.from(new Values(parts * channels).fill(fill).buffer); // a sample of fill
    const size = Math.floor(BYTES / sampleBytes);
    const input = new Uint8Array(4 * sampleBytes).fill(0xa5);
    let flush = Infinity;
    let plain = Infinity;
    for (let round = 0; round < 7; round++) {
      const c = new Chunker({ size, type, channels, tail: 'pad', fill });
      c.push(input);
      let t = now();
      const [chunk] = c.flush();
      flush = Math.min(flush, now() - t);
      t = now();
      const memory = runtime.alloc(size * sampleBytes);
      const baseline = Buffer.from(memory.buffer, memory.byteOffset, size * sampleBytes).fill(one);
      plain = Math.min(plain, now() - t);
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (!bytes.subarray(input.length).equals(baseline.subarray(input.length))) fail(`${type}: the padding is not the fill`);
      globalThis.gc?.();
      await turn();
      globalThis.gc?.();
      await turn();
    }
    process.stdout.write(`ratio ${type} ${(flush / plain).toFixed(2)} (flush ${flush.toFixed(2)} ms, fill ${plain.toFixed(2)} ms)\n`);
  }
  process.stdout.write(`ok ${backend} ${shapes.length} padded flushes of ${BYTES} bytes timed\n`);
} else {
  fail(`unknown case ${what}`);
}
