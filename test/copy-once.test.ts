// Copy-once for large chunks (src/reframer.ts IN_PLACE_BYTES): a burst that ends inside a chunk
// leaves it in that chunk's own final memory, and a later burst completes it there. These tests
// guard what that must not change: the chunks (against the SPEC reference framing), their
// independence from input and from each other, that a chunk's ArrayBuffer is exactly the chunk
// (never a partly written or foreign buffer), and pending/flush/reset mid-window.
import { describe, expect, it } from 'vitest';
import { Chunker, chunkerStream, type ChunkerOptions } from '../src/index.js';
import { IN_PLACE_BYTES } from '../src/reframer.js';
import { CORES, useCore } from './support/cores.js';
import { frame } from './support/reference.js';
import { Buffer } from 'node:buffer';
import { bytesOf, collectNode } from './support/util.js';

const SIZE = IN_PLACE_BYTES + 1008; // chunks of this many bytes are accumulated in place

/** Byte-exact comparison that stays fast for chunks of tens of KiB. */
const same = (view: ArrayBufferView, bytes: Uint8Array): boolean =>
  Buffer.from(view.buffer, view.byteOffset, view.byteLength).equals(bytes);

/** A stream whose every byte depends on its position (so a misplaced byte shows). */
function stream(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + (i >> 9) + (i >> 17)) & 0xff;
  return bytes;
}

/** Burst lengths from a small seeded generator: tiny, medium, around one chunk, several chunks. */
function bursts(total: number, seed: number): number[] {
  let x = seed;
  const next = (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n);
  const out: number[] = [];
  for (let at = 0; at < total;) {
    const len = Math.min(total - at, 1 + next([64, 5000, SIZE + 50, 3 * SIZE][next(4)]));
    out.push(len);
    at += len;
  }
  return out;
}

const CASES: [string, ChunkerOptions][] = [
  ['back to back', { size: SIZE }],
  ['overlapping', { size: SIZE, hop: SIZE - 777 }],
  ['half overlapping', { size: SIZE, hop: SIZE >> 1 }],
  ['with gaps', { size: SIZE, hop: SIZE + 333 }],
  ['padded tail', { size: SIZE, tail: 'pad', fill: 9 }],
  ['float64 samples, 2 channels', { size: Math.ceil(SIZE / 16), type: 'float64', channels: 2 }],
];

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  it.each(CASES)('%s: random bursts give the reference chunks; reused input changes none', (_, options) => {
    for (const seed of [1, 2, 3, 4]) {
      const length = Math.floor(SIZE * 4.5) + seed * 101;
      const data = stream(length - (length % 16)); // whole samples of every case's type
      const c = new Chunker(options);
      const chunks: ArrayBufferView[] = [];
      let at = 0;
      for (const len of bursts(data.length, seed)) {
        const burst = data.slice(at, at + len); // the caller's buffer, refilled right after
        chunks.push(...c.push(burst));
        burst.fill(0xee);
        at += len;
      }
      chunks.push(...c.flush());
      const want = frame(data, options).chunks;
      expect(chunks.length, `seed ${seed}`).toBe(want.length);
      chunks.forEach((chunk, i) => expect(same(chunk, want[i]), `seed ${seed}, chunk ${i}`).toBe(true));
    }
  });

  it('every full chunk owns exactly its ArrayBuffer, and writing into one changes no other', () => {
    const data = stream(SIZE * 5);
    const c = new Chunker(SIZE);
    const chunks: ArrayBufferView[] = [];
    for (let at = 0; at < data.length; at += 3000) chunks.push(...c.push(data.subarray(at, at + 3000)));
    expect(chunks).toHaveLength(5);
    const want = chunks.map(bytesOf);
    for (const chunk of chunks) expect(chunk.buffer.byteLength).toBe(SIZE);
    for (let i = 0; i < chunks.length; i++) {
      new Uint8Array(chunks[i].buffer, chunks[i].byteOffset, chunks[i].byteLength).fill(0xee);
      for (let j = i + 1; j < chunks.length; j++) expect(same(chunks[j], want[j])).toBe(true);
    }
  });

  it('pending, flush and reset in the middle of a window kept in place', () => {
    const data = stream(SIZE * 2);
    const c = new Chunker({ size: SIZE, tail: 'emit' });
    expect(c.push(data.subarray(0, 100))).toEqual([]);
    expect(c.pending).toBe(100);
    const [tail] = c.flush();
    expect(bytesOf(tail)).toEqual(data.subarray(0, 100));
    expect(tail.buffer.byteLength).toBe(100);
    // A fresh stream: the window given up by flush is never written into nor handed out.
    expect(c.push(data.subarray(0, SIZE - 1))).toEqual([]);
    c.reset();
    expect(c.pending).toBe(0);
    const [whole] = c.push(data.subarray(SIZE, 2 * SIZE));
    expect(same(whole, data.subarray(SIZE, 2 * SIZE))).toBe(true);
    expect(bytesOf(tail)).toEqual(data.subarray(0, 100));
  });

  it('Node face: the same chunks through a stream', async () => {
    const data = stream(SIZE * 3 + 17);
    const s = chunkerStream(SIZE);
    const done = collectNode<Buffer>(s);
    let at = 0;
    for (const len of bursts(data.length, 7)) {
      s.write(data.slice(at, at + len));
      at += len;
    }
    s.end();
    const { items, error } = await done;
    expect(error).toBeUndefined();
    const want = frame(data, { size: SIZE }).chunks;
    expect(items).toHaveLength(want.length);
    items.forEach((item, i) => expect(same(item, want[i]), `chunk ${i}`).toBe(true));
  });
});
