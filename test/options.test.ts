// Options (SPEC "Options"): every default, the bare-number shorthand, fill at the edges of each
// type, and the largest values that fit. Every bad value (a coded TypeError or RangeError at
// construction, on every face) is in test/support/bad-options.ts, run by test/bad-input.test.ts.
import { describe, expect, it } from 'vitest';
import { Chunker, chunkerStream, type ChunkerOptions, type SampleType } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { TYPES, TYPE_NAMES } from './support/reference.js';
import { GOOD_FILL } from './support/bad-options.js';
import { QUICK, bytesOf, collectNode, memoryDuring, seq, thrown } from './support/util.js';

describe.each(CORES)('$backend core: defaults', (core) => {
  useCore(core);

  it('a bare number is { size }', () => {
    const a = new Chunker(4);
    const b = new Chunker({ size: 4 });
    expect(a.push(seq(10)).map(bytesOf)).toEqual(b.push(seq(10)).map(bytesOf));
    expect(a.flush().map(bytesOf)).toEqual(b.flush().map(bytesOf));
  });

  it('hop defaults to size: back-to-back chunks', () => {
    const out = new Chunker({ size: 3 }).push(seq(9));
    expect(out.map((c) => Array.from(c))).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
  });

  it("type defaults to 'uint8': Uint8Array chunks of size bytes", () => {
    const [chunk] = new Chunker({ size: 4 }).push(Uint8Array.of(1, 2, 250, 255));
    expect(chunk).toBeInstanceOf(Uint8Array);
    expect(Array.from(chunk)).toEqual([1, 2, 250, 255]);
  });

  it('channels defaults to 1: size values per chunk', () => {
    const [chunk] = new Chunker({ size: 2, type: 'int16' }).push(new Int16Array([1, -2, 3]));
    expect(Array.from(chunk)).toEqual([1, -2]);
  });

  it("tail defaults to 'emit': the last chunk comes out short", () => {
    const c = new Chunker({ size: 4 });
    c.push(seq(6));
    expect(c.flush().map((x) => Array.from(x))).toEqual([[4, 5]]);
  });

  it('fill defaults to 0 (0n for 64-bit types), align to size', () => {
    for (const type of TYPE_NAMES) {
      const c = new Chunker({ size: 4, type, tail: 'pad' });
      c.push(new Uint8Array(TYPES[type].array.BYTES_PER_ELEMENT * TYPES[type].parts).fill(0x11));
      const [tail] = c.flush();
      expect(tail.length, type).toBe(4 * TYPES[type].parts);
      expect(Array.from(tail as ArrayLike<number | bigint>).slice(TYPES[type].parts), type).toEqual(Array(3 * TYPES[type].parts).fill(type.startsWith('big') ? 0n : 0));
    }
  });

  it('batch defaults to false on the Node face: one chunk per item', async () => {
    const s = chunkerStream(2);
    const done = collectNode(s);
    s.end(seq(4));
    const { items } = await done;
    expect(items.map((c) => Array.from(c as Buffer))).toEqual([[0, 1], [2, 3]]);
  });

  it('batch: true on the Chunker changes nothing (push already returns arrays)', () => {
    const a = new Chunker({ size: 3, batch: true });
    const b = new Chunker({ size: 3 });
    expect(a.push(seq(10)).map(bytesOf)).toEqual(b.push(seq(10)).map(bytesOf));
    expect(a.flush().map(bytesOf)).toEqual(b.flush().map(bytesOf));
  });

  it('an option given as undefined takes its default', () => {
    const c = new Chunker({ size: 2, hop: undefined, type: undefined, channels: undefined, tail: undefined, fill: undefined, align: undefined, batch: undefined });
    expect(c.push(seq(5)).map(bytesOf)).toEqual([seq(2), seq(2, 2)]);
    expect(c.flush().map(bytesOf)).toEqual([seq(1, 4)]);
  });
});

// Every bad option value, on every face: test/bad-input.test.ts over test/support/bad-options.ts.
describe.each(CORES)('$backend core: fill and the largest values', (core) => {
  useCore(core);

  it('fill is checked even when tail is not pad', () => {
    thrown(() => new Chunker({ size: 4, fill: 256 }), 'ERR_REFRAME_OPTION', RangeError);
  }, QUICK);

  it.each(GOOD_FILL)('fill for %s: %s is accepted', (type, fill) => {
    expect(() => new Chunker({ size: 4, type, tail: 'pad', fill })).not.toThrow();
  }, QUICK);

  it('the largest values that fit are accepted and do not allocate up front', () => {
    // Chunks of 4 GiB: construction reserves none of it (memory comes with the samples).
    const made = memoryDuring(() => [
      new Chunker({ size: 2 ** 32 }),
      new Chunker({ size: 1, hop: 2 ** 52 }),
      new Chunker({ size: 2 ** 28, type: 'complex128' }),
    ]);
    expect(made.result).toHaveLength(3);
    expect(made.virtual, 'address space reserved by construction').toBeLessThan(64 * 2 ** 20);
    expect(made.arrayBuffers, 'ArrayBuffer memory made by construction').toBeLessThan(2 ** 20);
  }, QUICK);
});
