// The demo (`npm run demo`): the scenario of the C/Python example reframe started from, then a
// real file re-framed from disk.
//
// Part 1 pushes complex64 samples in bursts of 7, 50, 1, 40, 180 and 3 samples into a Chunker of
// 64 samples. Every burst is filled with its own start offset, so each value in a chunk says which
// burst it came from. Part 2 pipes this very file through chunkerStream(1024).
//
//   node examples/original.mjs
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Chunker, chunkerStream, backend } from 'reframer';

const SIZE = 64; // samples per chunk; a complex64 chunk is a Float32Array of 128 values (re, im)
const BURSTS = [7, 50, 1, 40, 180, 3];
const fmt = (n) => n.toLocaleString('en-US');

const STARTS = BURSTS.map((_, b) => BURSTS.slice(0, b).reduce((a, n) => a + n, 0));

// "7×0 · 50×7 · 1×57  ← bursts 0, 1, 2": the runs of equal values in a chunk (count × value,
// real parts; the imaginary parts are equal), and the bursts those values are the offsets of.
function runs(chunk) {
  const out = [];
  for (let i = 0; i < chunk.length; i += 2) {
    const last = out.at(-1);
    if (last && last.value === chunk[i]) last.count++;
    else out.push({ value: chunk[i], count: 1 });
  }
  const text = out.map(({ value, count }) => `${count}×${value}`).join(' · ');
  const from = out.map(({ value }) => STARTS.indexOf(value));
  return `${text.padEnd(24)} ← burst${from.length > 1 ? 's' : ''} ${from.join(', ')}`;
}

console.log(`reframe demo · backend: ${backend}\n`);
console.log(`1. The original example: complex64 samples, chunks of ${SIZE}, each burst filled with its start offset`);
console.log('   (a chunk is shown as count×value runs: the value is the offset of the burst it came from)');

const c = new Chunker({ size: SIZE, type: 'complex64' });
const perBurst = [];
let offset = 0;
let index = 0;
for (const [b, n] of BURSTS.entries()) {
  const chunks = c.push(new Float32Array(n * 2).fill(offset));
  perBurst.push(chunks.length);
  const noun = chunks.length === 1 ? 'chunk' : 'chunks';
  console.log(`   burst ${b}: ${String(n).padStart(3)} sample${n === 1 ? ' ' : 's'} at offset ${String(offset).padStart(3)} → ${chunks.length} ${noun}`);
  for (const chunk of chunks) console.log(`     chunk ${index++}: ${runs(chunk)}`);
  offset += n;
}
console.log(`   chunks per burst: ${perBurst.join(', ')} · pending: ${c.pending} samples`);

c.reset();
const zeros = c.push(new Float32Array(SIZE * 2));
const allZero = zeros.length === 1 && zeros[0].every((v) => v === 0);
console.log(`   reset() → pending ${c.pending}; then ${SIZE} zero samples → ${zeros.length} chunk${allZero ? ', all zeros' : ''}`);

// One huge burst: sample s holds (2s, 2s + 1). The caller then reuses its buffer and pushes more.
c.reset();
const big = new Float32Array(2_000_000).map((_, i) => i);
const million = c.push(big);
big.fill(-1);
c.push(big);
c.push(new Float32Array(SIZE * 2 * 3).fill(-2));
const intact = million.every((chunk, k) => chunk[0] === k * SIZE * 2 && chunk[SIZE * 2 - 1] === (k + 1) * SIZE * 2 - 1);
console.log(`   one push of ${fmt(1_000_000)} samples → ${fmt(million.length)} chunks, ` +
  `${intact ? 'all still valid' : 'SOME CHANGED'} after later pushes`);
console.log('   (the original handed out views that went stale on the next call, took bursts of at most');
console.log('    192 samples and capped one call\'s output at 256; every reframe chunk is an independent copy)\n');

// Part 2: this file, read in 700-byte bursts, re-framed into 1024-byte chunks.
const file = fileURLToPath(import.meta.url);
const sizes = [];
let bursts = 0;
let last;
await pipeline(
  fs.createReadStream(file, { highWaterMark: 700 }),
  async function* (source) {
    for await (const burst of source) {
      bursts++;
      yield burst;
    }
  },
  chunkerStream(1024),
  async (chunks) => {
    for await (const chunk of chunks) {
      sizes.push(chunk.length);
      last = chunk;
    }
  },
);
const total = sizes.reduce((a, b) => a + b, 0);
const full = sizes.filter((n) => n === 1024).length;
console.log(`2. A real file: ${file.split(/[\\/]/).slice(-2).join('/')} (${fmt(fs.statSync(file).size)} bytes)`);
console.log(`   read in ${bursts} bursts of ≤ 700 bytes → chunkerStream(1024) → ${sizes.length} chunks: ` +
  `${full} × 1024 bytes + a tail of ${sizes.length > full ? sizes.at(-1) : 0} bytes (${fmt(total)} in all)`);
console.log(`   the last chunk is a ${last.constructor.name} ending in ${JSON.stringify(last.toString('utf8').slice(-40))}`);
