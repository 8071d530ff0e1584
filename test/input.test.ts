// Input (SPEC "Input"): raw bytes in every wrapping, the type's own typed array as samples, and
// everything else a coded TypeError that leaves the chunker as it was.
import { describe, expect, it } from 'vitest';
import { Chunker, chunkerStream, type SampleType } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { TYPES, TYPE_NAMES } from './support/reference.js';
import { QUICK, bytesOf, collectNode, seq, thrown } from './support/util.js';


const ARRAYS = [
  Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;

/** Typed arrays that are neither raw bytes nor `type`'s own element type. */
const foreign = (type: SampleType) => ARRAYS.filter((A) => A !== Uint8Array && A !== TYPES[type].array);

const NOT_BURSTS: [string, unknown][] = [
  ['a number', 42], ['a plain object', { length: 4 }], ['an array', [1, 2, 3, 4]], ['null', null],
  ['undefined', undefined], ['a boolean', true], ['a symbol', Symbol('x')], ['a function', () => 0],
  ['a bigint', 4n], ['a lookalike of a view', { buffer: new ArrayBuffer(4), byteOffset: 0, byteLength: 4 }],
  ['an object tagged ArrayBuffer', { [Symbol.toStringTag]: 'ArrayBuffer', length: 2, 0: 1, 1: 2 }],
  ['an object whose tag getter throws', { get [Symbol.toStringTag](): string { throw new Error('user code ran'); } }],
  ['a revoked proxy', (() => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; })()],
  ['a proxy of an ArrayBuffer', new Proxy(new ArrayBuffer(4), {})],
];

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe('accepted', () => {
    it('Uint8Array, Buffer, DataView, ArrayBuffer and SharedArrayBuffer are raw bytes', () => {
      const bytes = seq(16, 100);
      const shared = new SharedArrayBuffer(16);
      new Uint8Array(shared).set(bytes);
      const wraps = [bytes, Buffer.from(bytes), new DataView(bytes.slice().buffer), bytes.slice().buffer, shared];
      for (const burst of wraps) {
        expect(new Chunker({ size: 2, type: 'uint16' }).push(burst).map(bytesOf)).toEqual(
          [0, 4, 8, 12].map((i) => bytes.slice(i, i + 4)),
        );
      }
    });

    it('a view into a larger buffer contributes only its own bytes', () => {
      const big = seq(32);
      const c = new Chunker({ size: 4 });
      expect(c.push(big.subarray(5, 13)).map((x) => Array.from(x))).toEqual([[5, 6, 7, 8], [9, 10, 11, 12]]);
      expect(c.push(new DataView(big.buffer, 20, 4)).map((x) => Array.from(x))).toEqual([[20, 21, 22, 23]]);
    });

    it.each(TYPE_NAMES)('%s: its own typed array is samples, equal to its bytes', (type) => {
      const { array: Own, parts } = TYPES[type];
      const values = new Own(6 * parts);
      new Uint8Array(values.buffer).set(seq(values.buffer.byteLength, 1));
      const typed = new Chunker({ size: 3, type }).push(values as unknown as ArrayBufferView);
      const raw = new Chunker({ size: 3, type }).push(new Uint8Array(values.buffer));
      expect(typed).toHaveLength(2);
      expect(typed.map(bytesOf)).toEqual(raw.map(bytesOf));
    });

    it('a subarray of the own type starts at its byteOffset', () => {
      const values = new Float64Array([1, 2, 3, 4, 5, 6]);
      const out = new Chunker({ size: 2, type: 'float64' }).push(values.subarray(3, 5));
      expect(out.map((x) => Array.from(x))).toEqual([[4, 5]]);
    });

    it('Uint8ClampedArray is raw bytes for uint8', () => {
      const out = new Chunker(2).push(Uint8ClampedArray.of(1, 2, 3, 4));
      expect(out.map((x) => Array.from(x))).toEqual([[1, 2], [3, 4]]);
    });

    it('an empty burst of any wrapping produces nothing and changes nothing', () => {
      const c = new Chunker({ size: 2, type: 'int16' });
      c.push(Uint8Array.of(1, 0, 2));
      for (const empty of [new Uint8Array(0), new ArrayBuffer(0), new DataView(new ArrayBuffer(0)), new Int16Array(0), Buffer.alloc(0)]) {
        expect(c.push(empty)).toEqual([]);
      }
      expect(c.pending).toBe(1);
      expect(c.push(Uint8Array.of(0)).map((x) => Array.from(x))).toEqual([[1, 2]]);
    });
  });

  describe('refused with ERR_REFRAME_INPUT', () => {
    it.each(TYPE_NAMES)('%s: a typed array of another element type', (type) => {
      const c = new Chunker({ size: 2, type });
      for (const A of foreign(type)) thrown(() => c.push(new A(8) as ArrayBufferView), 'ERR_REFRAME_INPUT', TypeError);
    }, QUICK);

    it('Uint8ClampedArray is not samples of a wider type', () => {
      thrown(() => new Chunker({ size: 2, type: 'int16' }).push(new Uint8ClampedArray(4)), 'ERR_REFRAME_INPUT', TypeError);
    }, QUICK);

    it.each(NOT_BURSTS)('%s', (_, burst) => {
      thrown(() => new Chunker(4).push(burst as Uint8Array), 'ERR_REFRAME_INPUT', TypeError);
    }, QUICK);

    it('a string, even for uint8 (the Chunker takes bytes only)', () => {
      thrown(() => new Chunker(4).push('abcd' as unknown as Uint8Array), 'ERR_REFRAME_INPUT', TypeError);
      thrown(() => new Chunker({ size: 4, type: 'int16' }).push('abcd' as unknown as Uint8Array), 'ERR_REFRAME_INPUT', TypeError);
    }, QUICK);

    it('a detached (transferred) buffer, or a view of one: its bytes are gone', () => {
      const detach = <B extends ArrayBufferLike>(buffer: B) => {
        structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
        return buffer;
      };
      const c = new Chunker({ size: 2, type: 'float32' });
      c.push(new Float32Array([1]));
      const views = [new Uint8Array(8), new Uint8Array(8).subarray(2, 6), new Float32Array(2), new DataView(new ArrayBuffer(8))];
      for (const view of views) detach(view.buffer);
      for (const burst of [detach(new ArrayBuffer(8)), ...views]) thrown(() => c.push(burst), 'ERR_REFRAME_INPUT', TypeError);
      expect(c.pending).toBe(1);
      expect(c.push(new Float32Array([2])).map((x) => Array.from(x))).toEqual([[1, 2]]);
    }, QUICK);

    it('a refused burst leaves the state as it was', () => {
      const refused = new Chunker({ size: 4, type: 'int16', hop: 3 });
      const clean = new Chunker({ size: 4, type: 'int16', hop: 3 });
      const bursts = [seq(5), seq(9, 5), seq(4, 14)]; // 18 bytes: 9 samples, split inside samples
      const got: Uint8Array[] = [];
      const want: Uint8Array[] = [];
      for (const burst of bursts) {
        const before = refused.pending;
        for (const bad of [new Float32Array(4), 'xx', 7, [1], null]) {
          thrown(() => refused.push(bad as unknown as Uint8Array), 'ERR_REFRAME_INPUT', TypeError);
        }
        expect(refused.pending).toBe(before);
        got.push(...refused.push(burst).map(bytesOf));
        want.push(...clean.push(burst).map(bytesOf));
      }
      got.push(...refused.flush().map(bytesOf));
      want.push(...clean.flush().map(bytesOf));
      expect(got).toEqual(want);
    }, QUICK);
  });

  describe('Node face', () => {
    it('strings are UTF-8 bytes for uint8', async () => {
      const s = chunkerStream(3);
      const done = collectNode<Buffer>(s);
      s.write('hé');
      s.end('llo');
      const { items, error } = await done;
      expect(error).toBeUndefined();
      expect(Buffer.concat(items)).toEqual(Buffer.from('héllo', 'utf8'));
    });

    it("a string written with an encoding is decoded with it", async () => {
      const s = chunkerStream(2);
      const done = collectNode<Buffer>(s);
      s.write('ff00', 'hex');
      s.end('AQI=', 'base64');
      const { items } = await done;
      expect(items.map((b) => Array.from(b))).toEqual([[0xff, 0x00], [1, 2]]);
    });

    it('a string written without an encoding uses the stream\'s defaultEncoding', async () => {
      const s = chunkerStream(2, { defaultEncoding: 'hex' });
      const done = collectNode<Buffer>(s);
      s.write('ff00');
      s.setDefaultEncoding('base64');
      s.end('AQI=');
      const { items } = await done;
      expect(items.map((b) => Array.from(b))).toEqual([[0xff, 0x00], [1, 2]]);
    });

    it('takes the same raw bytes and own typed arrays as the Chunker', async () => {
      const s = chunkerStream({ size: 2, type: 'int16' });
      const done = collectNode<Int16Array>(s);
      s.write(new Int16Array([1, 2]));
      s.write(new Int16Array([3, -4]).buffer);
      s.write(new DataView(new Int16Array([5, 6]).buffer));
      s.end(new Uint8Array(new Int16Array([7, 8]).buffer));
      const { items, error } = await done;
      expect(error).toBeUndefined();
      expect(items.map((x) => Array.from(x))).toEqual([[1, 2], [3, -4], [5, 6], [7, 8]]);
    });

    it.each([
      ['a string for a non-byte type', { size: 2, type: 'int16' as const }, 'abcd'],
      ['a typed array of another element type', { size: 2, type: 'int16' as const }, new Uint16Array(2)],
      ['a number', { size: 2 }, 5],
      ['a plain object', { size: 2 }, { a: 1 }],
      ['an array', { size: 2 }, [1, 2]],
    ])('%s errors the stream with ERR_REFRAME_INPUT', async (_, options, burst) => {
      const s = chunkerStream(options);
      const done = collectNode(s);
      s.write(burst);
      const { error } = await done;
      expect(error).toBeInstanceOf(TypeError);
      expect(error?.code).toBe('ERR_REFRAME_INPUT');
    }, QUICK);

    it("write(null) is Node's own ERR_STREAM_NULL_VALUES", () => {
      const s = chunkerStream(2);
      s.on('error', () => {});
      thrown(() => s.write(null), 'ERR_STREAM_NULL_VALUES', TypeError);
    }, QUICK);
  });
});
