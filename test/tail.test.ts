// The end of the stream (SPEC "tail"): emit, pad (fill for every type, align), drop and error;
// exact fits; streams ending inside a sample; flush() starting a fresh stream, also after it throws.
import { describe, expect, it } from 'vitest';
import { Chunker, type ChunkerOptions, type SampleType, type TailPolicy } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { TYPES } from './support/reference.js';
import { QUICK, bytesOf, seq, thrown } from './support/util.js';

const POLICIES: TailPolicy[] = ['emit', 'pad', 'drop', 'error'];

/** Chunks of one whole stream pushed in one burst, then flushed; or the flush error. */
function run(options: ChunkerOptions, stream: Uint8Array) {
  const c = new Chunker(options);
  const chunks = c.push(stream).map((x) => Array.from(x as Uint8Array));
  try {
    return { chunks, tail: c.flush().map((x) => Array.from(x as Uint8Array)) };
  } catch (error) {
    return { chunks, error: error as Error & { code: string; tail?: ArrayBufferView } };
  }
}

// One fill value per type, away from 0 so padding is told apart from fresh memory.
const FILLS: [SampleType, number | bigint][] = [
  ['uint8', 7], ['int8', -3], ['uint16', 65535], ['int16', -2], ['uint32', 4e9], ['int32', -5],
  ['float32', 1.5], ['float64', -2.25], ['bigint64', -(2n ** 63n)], ['bigint64', -9], ['biguint64', 2n ** 64n - 1n],
  ['biguint64', 5], ['complex64', 0.5], ['complex128', NaN], ['float32', -0],
];

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe("'emit'", () => {
    it('hands out the last chunk short, whole samples only', () => {
      expect(run({ size: 4 }, seq(6))).toEqual({ chunks: [[0, 1, 2, 3]], tail: [[4, 5]] });
      const c = new Chunker({ size: 4, type: 'complex64', channels: 2 });
      c.push(new Float32Array(4 * 2 * 2 + 3 * 4).map((_, i) => i));
      const [tail] = c.flush();
      expect(tail).toBeInstanceOf(Float32Array);
      expect(Array.from(tail)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]);
    });
  });

  describe("'pad'", () => {
    it.each(FILLS)('%s: fill %s goes into every value of every padded sample', (type, fill) => {
      const { array: Own, parts } = TYPES[type];
      const channels = 2;
      const per = parts * channels; // values per sample
      const c = new Chunker({ size: 4, type, channels, tail: 'pad', fill });
      const first = new Own(per) as unknown as { [i: number]: number | bigint; buffer: ArrayBuffer };
      for (let i = 0; i < per; i++) first[i] = Own === BigInt64Array || Own === BigUint64Array ? BigInt(i + 1) : i + 1;
      expect(c.push(first as unknown as ArrayBufferView)).toEqual([]);
      const [tail] = c.flush();
      expect(tail).toBeInstanceOf(Own);
      expect(tail.length).toBe(4 * per);
      const values = Array.from(tail as ArrayLike<number | bigint>);
      expect(values.slice(0, per)).toEqual(Array.from(first as unknown as ArrayLike<number | bigint>));
      const want = new Own(1) as unknown as { [i: number]: number | bigint };
      want[0] = (Own === BigInt64Array || Own === BigUint64Array) ? BigInt(fill) : Number(fill);
      for (const v of values.slice(per)) expect(Object.is(v, want[0]), `${String(v)} vs ${String(want[0])}`).toBe(true);
    });

    it('pads up to the next multiple of align, never beyond size', () => {
      const lengths = [1, 2, 3, 4, 5, 6, 7].map((n) => run({ size: 8, tail: 'pad', align: 3, fill: 9 }, seq(n)).tail![0].length);
      expect(lengths).toEqual([3, 3, 3, 6, 6, 6, 8]);
      expect(run({ size: 8, tail: 'pad', align: 3, fill: 9 }, seq(4)).tail).toEqual([[0, 1, 2, 3, 9, 9]]);
    });

    it('align: 1 pads nothing; align counts samples, not bytes', () => {
      expect(run({ size: 4, tail: 'pad', align: 1, fill: 9 }, seq(6))).toEqual({ chunks: [[0, 1, 2, 3]], tail: [[4, 5]] });
      const c = new Chunker({ size: 6, type: 'int16', channels: 2, tail: 'pad', align: 4, fill: -1 });
      c.push(new Int16Array([1, 2, 3, 4, 5, 6]));
      expect(c.flush().map((x) => Array.from(x))).toEqual([[1, 2, 3, 4, 5, 6, -1, -1]]);
    });

    it('with overlap, the final window counts from its own start', () => {
      // size 4, hop 2, 7 samples: chunks [0,4) [2,6); the final window [4,7) pads to 4 samples.
      expect(run({ size: 4, hop: 2, tail: 'pad', fill: 99 }, seq(7))).toEqual({
        chunks: [[0, 1, 2, 3], [2, 3, 4, 5]], tail: [[4, 5, 6, 99]],
      });
    });
  });

  describe("'drop'", () => {
    it('discards the last, incomplete chunk', () => {
      expect(run({ size: 4, tail: 'drop' }, seq(7))).toEqual({ chunks: [[0, 1, 2, 3]], tail: [] });
    });

    it('discards stray bytes of a sample too, without an error', () => {
      expect(run({ size: 2, type: 'uint32', tail: 'drop' }, seq(13))).toEqual({ chunks: [Array.from(new Uint32Array(seq(8).buffer))], tail: [] });
      expect(run({ size: 2, type: 'uint32', tail: 'drop' }, seq(3))).toEqual({ chunks: [], tail: [] });
    });
  });

  describe("'error'", () => {
    it('throws ERR_REFRAME_TAIL with a copy of the samples in `tail`', () => {
      const c = new Chunker({ size: 4, type: 'float64', tail: 'error' });
      expect(c.push(new Float64Array([1, 2, 3, 4, 5, 6]))).toHaveLength(1);
      const error = thrown(() => c.flush(), 'ERR_REFRAME_TAIL');
      expect(error.tail).toBeInstanceOf(Float64Array);
      expect(Array.from(error.tail as Float64Array)).toEqual([5, 6]);
      // A copy: later streams do not change it.
      c.push(new Float64Array([7, 8, 9]));
      c.reset();
      expect(Array.from(error.tail as Float64Array)).toEqual([5, 6]);
    });

    it('the tail of a uint8 stream is a Uint8Array of the leftover bytes', () => {
      const { chunks, error } = run({ size: 4, tail: 'error' }, seq(5));
      expect(chunks).toEqual([[0, 1, 2, 3]]);
      expect(error?.code).toBe('ERR_REFRAME_TAIL');
      expect(error?.tail).toBeInstanceOf(Uint8Array);
      expect(Array.from(error?.tail as Uint8Array)).toEqual([4]);
    });
  });

  describe('exact fit: no extra chunk under any policy', () => {
    it.each(POLICIES)('%s', (tail) => {
      expect(run({ size: 4, tail }, seq(8))).toEqual({ chunks: [[0, 1, 2, 3], [4, 5, 6, 7]], tail: [] });
      expect(run({ size: 4, tail }, seq(0))).toEqual({ chunks: [], tail: [] });
      // Overlap: the last window's samples were all held by the chunk before.
      expect(run({ size: 4, hop: 2, tail }, seq(6))).toEqual({ chunks: [[0, 1, 2, 3], [2, 3, 4, 5]], tail: [] });
      // Gap: a stream ending inside the skipped samples leaves nothing pending.
      expect(run({ size: 2, hop: 3, tail }, seq(5))).toEqual({ chunks: [[0, 1], [3, 4]], tail: [] });
      expect(run({ size: 2, hop: 3, tail }, seq(6))).toEqual({ chunks: [[0, 1], [3, 4]], tail: [] });
      // Multi-byte samples.
      expect(run({ size: 2, type: 'complex128', channels: 3, tail }, new Uint8Array(2 * 48)).tail).toEqual([]);
    });
  });

  describe('a stream ending inside a sample', () => {
    const cases: [string, ChunkerOptions, number][] = [
      ['inside an element', { size: 4, type: 'float32' }, 4 * 5 + 3],
      ['between the parts of a complex sample', { size: 4, type: 'complex64' }, 8 * 5 + 4],
      ['between channels', { size: 4, type: 'int16', channels: 3 }, 6 * 5 + 2],
      ['inside the first sample', { size: 4, type: 'uint16' }, 1],
      ['inside the gap between windows', { size: 1, hop: 3, type: 'uint16' }, 2 * 4 + 1],
    ];

    it.each(cases)('%s: ERR_REFRAME_INPUT under emit, pad and error', (_, options, bytes) => {
      for (const tail of ['emit', 'pad', 'error'] as const) {
        const { error } = run({ ...options, tail }, seq(bytes));
        expect(error, tail).toBeInstanceOf(TypeError);
        expect(error?.code, tail).toBe('ERR_REFRAME_INPUT');
      }
    }, QUICK);

    it.each(cases)('%s: drop discards the stray bytes', (_, options, bytes) => {
      expect(run({ ...options, tail: 'drop' }, seq(bytes)).error).toBeUndefined();
    }, QUICK);

    it('the whole samples before the stray bytes are in error.tail', () => {
      const { chunks, error } = run({ size: 4, type: 'uint16' }, seq(2 * 6 + 1));
      expect(chunks).toHaveLength(1);
      expect(error?.code).toBe('ERR_REFRAME_INPUT');
      expect(bytesOf(error!.tail!)).toEqual(seq(4, 8));
    });
  });

  describe('flush() starts a fresh stream', () => {
    // What the first flush gives: the window [2, 4) per policy (pad: to size 3 with the default fill 0).
    const FIRST: Record<TailPolicy, number[][]> = { emit: [[2, 3]], pad: [[2, 3, 0]], drop: [], error: [] };

    it.each(POLICIES)('%s: after a flush, the next bursts frame as a new stream', (tail) => {
      const c = new Chunker({ size: 3, hop: 2, tail });
      c.push(seq(4)); // chunk [0,3), then the window [2,4) holds a new sample
      if (tail === 'error') {
        const error = thrown(() => c.flush(), 'ERR_REFRAME_TAIL');
        expect(bytesOf(error.tail!)).toEqual(seq(2, 2));
      } else {
        expect(c.flush().map((x) => Array.from(x as Uint8Array))).toEqual(FIRST[tail]);
      }
      expect(c.pending).toBe(0);
      expect(c.flush()).toEqual([]);
      const fresh = new Chunker({ size: 3, hop: 2, tail });
      expect(c.push(seq(9, 50)).map(bytesOf)).toEqual(fresh.push(seq(9, 50)).map(bytesOf));
    });

    it('also after it throws ERR_REFRAME_TAIL', () => {
      const c = new Chunker({ size: 4, tail: 'error' });
      c.push(seq(2));
      thrown(() => c.flush(), 'ERR_REFRAME_TAIL');
      expect(c.pending).toBe(0);
      expect(c.flush()).toEqual([]);
      expect(c.push(seq(4, 10)).map((x) => Array.from(x))).toEqual([[10, 11, 12, 13]]);
    });

    it('also after it throws ERR_REFRAME_INPUT (the stray bytes are gone)', () => {
      const c = new Chunker({ size: 2, type: 'uint16' });
      c.push(seq(3));
      thrown(() => c.flush(), 'ERR_REFRAME_INPUT', TypeError);
      expect(c.flush()).toEqual([]);
      expect(c.push(seq(4, 10)).map(bytesOf)).toEqual([seq(4, 10)]);
    });
  });
});
