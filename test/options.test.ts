// Options (SPEC "Options"): every default, the bare-number shorthand, and every bad value a coded
// TypeError (wrong kind) or RangeError (out of range), thrown at construction by both faces.
import { describe, expect, it } from 'vitest';
import { Chunker, chunkerStream, type ChunkerOptions, type SampleType } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { TYPES, TYPE_NAMES } from './support/reference.js';
import { bytesOf, collect, memoryDuring, seq, thrown } from './support/util.js';

const T = 2000; // per-test time bound: no option may hang

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
    const done = collect(s);
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

// Each entry: options, and whether the value is of the wrong kind (TypeError) or out of range (RangeError).
type Bad = [label: string, options: unknown, kind: ErrorConstructor];

const INTEGER_EXAMPLES: [unknown, ErrorConstructor][] = [
  [0, RangeError], [-1, RangeError], [2.5, RangeError], [NaN, RangeError], [Infinity, RangeError],
  [-Infinity, RangeError], [2 ** 53, RangeError], ['16', TypeError], [16n, TypeError], [null, TypeError],
  [true, TypeError], [[16], TypeError], [{ valueOf: () => 16 }, TypeError],
];

const BAD: Bad[] = [
  ['no options', undefined, TypeError],
  ['null options', null, TypeError],
  ['a string', '16', TypeError],
  ['an array', [16], TypeError],
  ['no size', {}, TypeError],
  ...INTEGER_EXAMPLES.map(([v, k]): Bad => [`bare size ${String(v)}`, v, typeof v === 'number' ? k : TypeError]),
  ...(['size', 'hop', 'channels', 'align'] as const).flatMap((name) =>
    INTEGER_EXAMPLES.map(([v, k]): Bad => [`${name}: ${typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v)}`, { size: 16, [name]: v }, k])),
  ['unknown type', { size: 4, type: 'float16' }, RangeError],
  ['type in capitals', { size: 4, type: 'UINT8' }, RangeError],
  ["type 'complex'", { size: 4, type: 'complex' }, RangeError],
  ['type as a constructor', { size: 4, type: Float32Array }, TypeError],
  ['type null', { size: 4, type: null }, TypeError],
  ['unknown tail', { size: 4, tail: 'truncate' }, RangeError],
  ['tail true', { size: 4, tail: true }, TypeError],
  ['align 0', { size: 4, tail: 'pad', align: 0 }, RangeError],
  ['align above size', { size: 4, tail: 'pad', align: 5 }, RangeError],
  ['align above size without pad', { size: 4, align: 5 }, RangeError],
  ['batch as a string', { size: 4, batch: 'true' }, TypeError],
  ['batch as 1', { size: 4, batch: 1 }, TypeError],
  ['batch null', { size: 4, batch: null }, TypeError],
  ['an unknown key', { size: 4, sizes: 8 }, TypeError],
  ['a stream option among the options', { size: 4, highWaterMark: 2 }, TypeError],
  ['a misspelt key', { size: 4, chanels: 2 }, TypeError],
  ['a uint8 chunk over 2³² bytes', { size: 2 ** 32 + 1 }, RangeError],
  ['a float64 chunk over 2³² bytes', { size: 2 ** 29 + 1, type: 'float64' }, RangeError],
  ['a complex128 chunk over 2³² bytes', { size: 2 ** 28 + 1, type: 'complex128' }, RangeError],
  ['channels making the chunk too large', { size: 2 ** 16, channels: 2 ** 16 + 1 }, RangeError],
  ['channels making one sample too large', { size: 1, type: 'float64', channels: 2 ** 30 }, RangeError],
];

const BAD_FILL: [SampleType, unknown, ErrorConstructor][] = [
  ['uint8', -1, RangeError], ['uint8', 256, RangeError], ['uint8', 1.5, RangeError], ['uint8', NaN, RangeError],
  ['uint8', Infinity, RangeError], ['uint8', '0', TypeError], ['uint8', null, TypeError], ['uint8', 256n, RangeError],
  ['int8', -129, RangeError], ['int8', 128, RangeError],
  ['uint16', 65536, RangeError], ['uint16', -1, RangeError],
  ['int16', 32768, RangeError], ['int16', -32769, RangeError],
  ['uint32', 2 ** 32, RangeError], ['uint32', -1, RangeError],
  ['int32', 2 ** 31, RangeError], ['int32', -(2 ** 31) - 1, RangeError], ['int32', 0.5, RangeError],
  ['float32', '0', TypeError], ['float32', 0n, TypeError], ['float32', null, TypeError],
  ['float64', '1', TypeError], ['float64', 1n, TypeError],
  ['complex64', 0n, TypeError], ['complex64', '0', TypeError],
  ['complex128', 1n, TypeError], ['complex128', [1, 2], TypeError],
  ['bigint64', 2n ** 63n, RangeError], ['bigint64', -(2n ** 63n) - 1n, RangeError], ['bigint64', 2 ** 53, RangeError],
  ['bigint64', 1.5, RangeError], ['bigint64', NaN, RangeError], ['bigint64', '0', TypeError],
  ['biguint64', -1n, RangeError], ['biguint64', 2n ** 64n, RangeError], ['biguint64', -1, RangeError],
  ['biguint64', Infinity, RangeError], ['biguint64', '1', TypeError],
];

const GOOD_FILL: [SampleType, number | bigint][] = [
  ['uint8', 0], ['uint8', 255], ['int8', -128], ['int8', 127], ['uint16', 65535], ['int16', -32768],
  ['uint32', 2 ** 32 - 1], ['int32', -(2 ** 31)], ['int32', 2 ** 31 - 1], ['uint8', 7n],
  ['float32', NaN], ['float32', Infinity], ['float32', -0], ['float32', 1e40], ['float64', -1.5],
  ['complex64', 0.25], ['complex128', -Infinity],
  ['bigint64', -(2n ** 63n)], ['bigint64', 2n ** 63n - 1n], ['bigint64', -(2 ** 53 - 1)],
  ['biguint64', 2n ** 64n - 1n], ['biguint64', 2 ** 53 - 1],
];

describe.each(CORES)('$backend core: bad options', (core) => {
  useCore(core);

  it.each(BAD)('%s: coded error from both faces', (_, options, kind) => {
    thrown(() => new Chunker(options as ChunkerOptions), 'ERR_REFRAME_OPTION', kind);
    thrown(() => chunkerStream(options as ChunkerOptions), 'ERR_REFRAME_OPTION', kind);
  }, T);

  it.each(BAD_FILL)('fill for %s: %s is refused', (type, fill, kind) => {
    thrown(() => new Chunker({ size: 4, type, tail: 'pad', fill } as ChunkerOptions), 'ERR_REFRAME_OPTION', kind);
    thrown(() => chunkerStream({ size: 4, type, tail: 'pad', fill } as ChunkerOptions), 'ERR_REFRAME_OPTION', kind);
  }, T);

  it('fill is checked even when tail is not pad', () => {
    thrown(() => new Chunker({ size: 4, fill: 256 }), 'ERR_REFRAME_OPTION', RangeError);
  }, T);

  it.each(GOOD_FILL)('fill for %s: %s is accepted', (type, fill) => {
    expect(() => new Chunker({ size: 4, type, tail: 'pad', fill })).not.toThrow();
  }, T);

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
  }, T);
});
