// Sample types and channels (SPEC "Options" type/channels, "Output"): every type's chunk is its typed
// array with size × channels (× 2 for complex) values, element-aligned, and bursts may split a
// sample anywhere: inside an element, between complex parts, between channels.
import { describe, expect, it } from 'vitest';
import { Chunker, type SampleType } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { TYPES, TYPE_NAMES } from './support/reference.js';
import { bytesOf, seq } from './support/util.js';

/** `count` values of `type`'s element, distinct and exactly representable. */
function values(type: SampleType, count: number): ArrayBufferView & ArrayLike<number | bigint> {
  const Own = TYPES[type].array;
  const big = Own === BigInt64Array || Own === BigUint64Array;
  const out = new Own(count) as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < count; i++) out[i] = big ? BigInt(i * 3 + 1) : (type.startsWith('int') ? -i : i * 3 + 1);
  return out as unknown as ArrayBufferView & ArrayLike<number | bigint>;
}

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe.each(TYPE_NAMES)('%s', (type) => {
    const { array: Own, parts } = TYPES[type];

    it.each([1, 2, 3])('channels %i: chunks of size × channels × parts values, in order', (channels) => {
      const per = parts * channels;
      const input = values(type, 5 * per + per - 1); // 5 samples and most of a sixth
      const c = new Chunker({ size: 2, type, channels });
      const out = c.push(input);
      expect(out).toHaveLength(2);
      out.forEach((chunk, k) => {
        expect(chunk).toBeInstanceOf(Own);
        expect(chunk.length).toBe(2 * per);
        expect(chunk.byteOffset % Own.BYTES_PER_ELEMENT).toBe(0);
        expect(Array.from(chunk as ArrayLike<number | bigint>)).toEqual(Array.from(input).slice(k * 2 * per, (k + 1) * 2 * per));
      });
      expect(c.pending).toBe(1);
    });

    it('a burst split at every byte gives the same chunks', () => {
      const channels = 2;
      const stream = seq(Own.BYTES_PER_ELEMENT * parts * channels * 7);
      const whole = new Chunker({ size: 3, type, channels }).push(stream).map(bytesOf);
      for (const step of [1, 3, Own.BYTES_PER_ELEMENT * parts + 1]) {
        const c = new Chunker({ size: 3, type, channels });
        const got: Uint8Array[] = [];
        for (let at = 0; at < stream.length; at += step) got.push(...c.push(stream.subarray(at, at + step)).map(bytesOf));
        expect(got, `bursts of ${step} bytes`).toEqual(whole);
      }
    });

    it('the short tail is element-aligned too', () => {
      const c = new Chunker({ size: 4, type });
      c.push(new Uint8Array(Own.BYTES_PER_ELEMENT * parts * 6));
      const [tail] = c.flush();
      expect(tail).toBeInstanceOf(Own);
      expect(tail.length).toBe(2 * parts);
      expect(tail.byteOffset % Own.BYTES_PER_ELEMENT).toBe(0);
    });
  });

  it('uint8 chunks from the Chunker are plain Uint8Arrays, not Buffers (the tail too)', () => {
    const c = new Chunker(4);
    const chunks = [...c.push(Buffer.from(seq(6))), ...c.flush()];
    expect(chunks).toHaveLength(2);
    for (const chunk of chunks) {
      expect(Object.getPrototypeOf(chunk)).toBe(Uint8Array.prototype);
      expect(Buffer.isBuffer(chunk)).toBe(false);
    }
  });

  it('complex64: a burst may end between re and im', () => {
    const c = new Chunker({ size: 2, type: 'complex64' });
    expect(c.push(new Float32Array([1, -1, 2]))).toEqual([]); // 1.5 samples
    expect(c.pending).toBe(1);
    expect(c.push(new Float32Array([-2])).map((x) => Array.from(x))).toEqual([[1, -1, 2, -2]]);
  });

  it('channels: a burst may end between the channels of a sample', () => {
    const c = new Chunker({ size: 1, type: 'int32', channels: 3 });
    expect(c.push(new Int32Array([1, 2]))).toEqual([]);
    expect(c.pending).toBe(0);
    expect(c.push(new Int32Array([3, 4])).map((x) => Array.from(x))).toEqual([[1, 2, 3]]);
    expect(c.push(new Int32Array([5, 6])).map((x) => Array.from(x))).toEqual([[4, 5, 6]]);
  });

  it('64-bit integer types keep their full range', () => {
    const big = new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]);
    expect(Array.from(new Chunker({ size: 2, type: 'bigint64' }).push(big)[0])).toEqual([-(2n ** 63n), 2n ** 63n - 1n]);
    const ubig = new BigUint64Array([2n ** 64n - 1n, 0n]);
    expect(Array.from(new Chunker({ size: 2, type: 'biguint64' }).push(ubig)[0])).toEqual([2n ** 64n - 1n, 0n]);
  });

  it('raw bytes are in platform byte order', () => {
    const samples = new Uint32Array([0x01020304, 0xa0b0c0d0]);
    const [chunk] = new Chunker({ size: 2, type: 'uint32' }).push(new Uint8Array(samples.buffer));
    expect(Array.from(chunk)).toEqual([0x01020304, 0xa0b0c0d0]);
  });

  it('float NaN payloads pass bit for bit', () => {
    const bits = new Uint32Array([0x7fc00001, 0xffc12345, 0x7f800001]);
    const [chunk] = new Chunker({ size: 3, type: 'float32' }).push(new Float32Array(bits.buffer));
    expect(Array.from(new Uint32Array(chunk.buffer, chunk.byteOffset, 3))).toEqual(Array.from(bits));
  });
});
