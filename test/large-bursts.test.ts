// Large bursts (issue 2: "no fixed capacity"): one burst completing more chunks than one output
// allocation holds, and chunks larger than one allocation, frame exactly like the reference.
import { describe, expect, it } from 'vitest';
import { Chunker, chunkerStream, type ChunkerOptions } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { frame } from './support/reference.js';
import { bytesOf, collect } from './support/util.js';

/** `count` pseudo-random bytes (xorshift32 from `seed`): no period that a framing bug could hide in. */
function noise(count: number, seed = 1): Uint8Array {
  const out = new Uint8Array(count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const CASES: [string, ChunkerOptions, number][] = [
  ['many small overlapping chunks in one burst', { size: 100, hop: 99 }, 3 << 20],
  ['many tiny chunks with gaps', { size: 3, hop: 5, type: 'int16' }, 2 << 20],
  ['chunks larger than 1 MiB', { size: 300_000, hop: 250_000, type: 'float32', tail: 'pad', fill: 1 }, 5_000_000],
];

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  it.each(CASES)('Chunker: %s', (_, options, bytes) => {
    const stream = noise(bytes);
    const c = new Chunker(options);
    const got = [...c.push(stream), ...c.push(stream.subarray(0, 0)), ...c.flush()];
    const want = frame(stream, options).chunks;
    expect(got.length).toBe(want.length);
    for (let k = 0; k < want.length; k++) {
      const chunk = bytesOf(got[k]);
      if (!chunk.every((b, i) => b === want[k][i]) || chunk.length !== want[k].length) {
        expect(chunk, `chunk ${k}`).toEqual(want[k]);
      }
    }
  }, 20_000);

  it('Node face: a burst of 256 KiB into 1-byte chunks, batched', async () => {
    const s = chunkerStream({ size: 1, batch: true });
    const done = collect<Buffer[]>(s);
    const stream = noise(1 << 18, 7);
    s.end(stream);
    const { items, error } = await done;
    expect(error).toBeUndefined();
    let at = 0;
    let mismatch = -1;
    for (const array of items) for (const chunk of array) if (chunk[0] !== stream[at++] && mismatch < 0) mismatch = at - 1;
    expect(at).toBe(stream.length);
    expect(mismatch).toBe(-1);
  }, 20_000);
});
