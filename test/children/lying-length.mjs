// Issue 11, cases 1 and 2, in a process of its own (run by test/hostile-lying-length.test.ts):
//   node --expose-gc test/children/lying-length.mjs <face> <size>:<lie>,<lie>... [<size>:...]
// For each <size>, pushes 90 bursts of recognisable bytes (0xA0..0xBE) into a new <face> with
// { size } (hop = size, tail 'emit', so the chunks put back together are the stream); every third
// burst is a Uint8Array subclass whose byteLength getter lies (more: +45,000 bytes; less: half;
// zero; nan; neg: -1; huge: 1e9; inf: Infinity; max: 2^53; str: a string of 4,000 more; none:
// the truth, a control). With chunks of 32 KiB or more the native core keeps its window in output
// memory, where a lie once made it write into freed memory; chunks are dropped and collected
// along the way to give a stale pointer the chance to show.
// The contract: the bursts are framed by their real bytes, with no error; no chunk changes after
// it is handed out; a chunk's buffer holds nothing but input bytes and zeros. Prints `ok` and
// exits 0, or prints FAIL and exits 1.
import { backend } from '../../dist/index.js';
import { FACES, describeError, fail as failed, run } from './face.mjs';

const [face, ...groups] = process.argv.slice(2);
if (!FACES.includes(face)) failed(`unknown face ${face}`);
const LIES = {
  none: (n) => n, more: (n) => n + 45_000, less: (n) => n >> 1, zero: () => 0, nan: () => NaN, neg: () => -1,
  huge: () => 1e9, inf: () => Infinity, max: () => 2 ** 53, str: (n) => String(n + 4000),
};

class Liar extends Uint8Array {
  get byteLength() {
    return this.lie === undefined ? super.byteLength : this.lie(super.byteLength);
  }
}

/** Runs the 90 bursts through a new <face> with chunks of `size`; returns the chunk count. */
async function probe(size, lies) {
  const fail = (what) => failed(`size ${size}: ${what}`);
  let seed = 1;
  const random = (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const real = [];
  const bursts = [];
  for (let i = 0; i < 90; i++) {
    const length = 1 + random(i % 5 === 0 ? 3 * size : Math.min(size, 3000));
    const bytes = new Uint8Array(length);
    for (let j = 0; j < length; j++) bytes[j] = 0xa0 + ((i * 13 + j * 7) % 31);
    real.push(bytes);
    const burst = new Liar(length);
    burst.set(bytes);
    if (i % 3 === 1) burst.lie = lies[((i / 3) | 0) % lies.length];
    bursts.push(burst);
  }

  const want = Buffer.concat(real);
  const most = Math.ceil(want.length / size);
  const kept = []; // [chunk, its bytes when handed out]
  const all = [];
  let taken = 0;
  const error = await run(face, { size }, bursts, (chunk) => {
    // Stop a runaway at once (a lie of 1e9 once made a face frame a gigabyte it was never given).
    if (all.length === most) fail(`more chunks than the ${want.length} real bytes make (${most})`);
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).slice();
    all.push(bytes);
    if (all.length % 2 === 0) kept.push([chunk, bytes]); // the others are garbage from here on
  }, () => {
    if (++taken % 10 === 0) globalThis.gc?.();
  });
  if (error !== undefined) fail(`the face failed: ${describeError(error)}`);

  const got = Buffer.concat(all);
  const whole = Math.floor(want.length / size);
  if (all.length !== whole + (want.length % size ? 1 : 0)) fail(`${all.length} chunks; the real bytes make ${whole} full chunks and ${want.length % size} more bytes`);
  all.forEach((c, i) => { if (c.length !== Math.min(size, want.length - i * size)) fail(`chunk ${i} has ${c.length} bytes`); });
  if (!got.equals(want)) {
    let at = 0;
    while (got[at] === want[at]) at++;
    fail(`the chunks differ from the real bytes at byte ${at} (chunk ${Math.floor(at / size)})`);
  }
  for (const [i, [chunk, bytes]] of kept.entries()) {
    if (!Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).equals(bytes)) fail(`kept chunk ${i} changed after it was handed out`);
  }
  for (const [chunk] of kept) {
    const buffer = new Uint8Array(chunk.buffer);
    const foreign = buffer.findIndex((b) => b !== 0 && (b < 0xa0 || b > 0xbe));
    if (foreign !== -1) fail(`a chunk's buffer holds 0x${buffer[foreign].toString(16)}, never input`);
  }
  return all.length;
}

let chunks = 0;
for (const group of groups) {
  const [size, names] = group.split(':');
  chunks += await probe(Number(size), names.split(',').map((name) => LIES[name] ?? failed(`unknown lie ${name}`)));
}
process.stdout.write(`ok ${backend} ${face} ${chunks} chunks\n`);
