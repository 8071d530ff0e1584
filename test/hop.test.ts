// hop (SPEC "Options", "Output"): chunk k holds samples [k·hop, k·hop + size). hop < size overlaps
// windows, hop > size skips the samples between them; hop counts samples, never bytes or values.
import { beforeAll, describe, expect, it } from 'vitest';
import { Chunker, type ChunkerOptions } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { describeRun, ensureDist, runScript } from './support/child.js';
import { QUICK, bytesOf, memoryDuring, scaled, seq } from './support/util.js';

const arrays = (chunks: ArrayLike<number>[]) => chunks.map((x) => Array.from(x));

/** The chunks of `stream` pushed one byte at a time. */
function byteByByte(options: ChunkerOptions, stream: Uint8Array): Uint8Array[] {
  const c = new Chunker(options);
  const out: Uint8Array[] = [];
  for (let i = 0; i < stream.length; i++) out.push(...c.push(stream.subarray(i, i + 1)).map(bytesOf));
  return out;
}

beforeAll(() => ensureDist(), 120_000); // the child of 'never hangs' runs dist/

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe('overlap (hop < size)', () => {
    it('hop 1 slides the window one sample at a time', () => {
      expect(arrays(new Chunker({ size: 3, hop: 1 }).push(seq(6)))).toEqual([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]);
    });

    it('hop 3 of size 4 shares one sample between neighbours', () => {
      expect(arrays(new Chunker({ size: 4, hop: 3 }).push(seq(11)))).toEqual([[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]);
    });

    it('the same chunks whatever the bursts', () => {
      const options = { size: 5, hop: 2 };
      expect(byteByByte(options, seq(40))).toEqual(new Chunker(options).push(seq(40)).map(bytesOf));
      const c = new Chunker(options);
      const split = [...c.push(seq(3)), ...c.push(seq(30, 3)), ...c.push(seq(7, 33))].map(bytesOf);
      expect(split).toEqual(new Chunker(options).push(seq(40)).map(bytesOf));
    });

    it('pending counts only samples no chunk has held', () => {
      const c = new Chunker({ size: 4, hop: 2 });
      c.push(seq(5)); // chunk [0,4); sample 4 is new
      expect(c.pending).toBe(1);
      c.push(seq(1, 5)); // chunk [2,6); samples 4 and 5 were held by it
      expect(c.pending).toBe(0);
      c.push(seq(1, 6));
      expect(c.pending).toBe(1);
    });
  });

  describe('gaps (hop > size)', () => {
    it('keeps size samples of every hop', () => {
      expect(arrays(new Chunker({ size: 2, hop: 5 }).push(seq(17)))).toEqual([[0, 1], [5, 6], [10, 11], [15, 16]]);
    });

    it('the skipped samples are not pending', () => {
      const c = new Chunker({ size: 2, hop: 5 });
      c.push(seq(2));
      expect(c.pending).toBe(0);
      c.push(seq(3, 2)); // all inside the gap
      expect(c.pending).toBe(0);
      c.push(seq(1, 5));
      expect(c.pending).toBe(1);
    });

    it('the same chunks whatever the bursts, bursts ending inside the gap included', () => {
      const options: ChunkerOptions = { size: 3, hop: 7, type: 'uint16' };
      const stream = seq(2 * 50);
      expect(byteByByte(options, stream)).toEqual(new Chunker(options).push(stream).map(bytesOf));
    });

    it('a huge hop does not allocate for the gap', () => {
      const c = new Chunker({ size: 2, hop: 2 ** 40 });
      const pushed = memoryDuring(() => [c.push(seq(1000)), c.push(new Uint8Array(1 << 16))]);
      expect(pushed.result.map(arrays)).toEqual([[[0, 1]], []]);
      expect(pushed.virtual, 'address space reserved while inside a gap of 2^40 samples').toBeLessThan(64 * 2 ** 20);
      expect(pushed.arrayBuffers).toBeLessThan(2 ** 20);
      expect(c.pending).toBe(0);
      expect(c.flush()).toEqual([]);
    }, QUICK);

    // In a child process under a time bound: a synchronous call that walks the gap never returns,
    // and no test timeout interrupts it in-process.
    it('a huge hop never hangs: bursts inside a gap of 2^40 samples return at once', async () => {
      const run = await runScript(`
        import { Chunker } from './dist/index.js';
        const c = new Chunker({ size: 2, hop: 2 ** 40 });
        const got = [c.push(new Uint8Array(1000).map((_, i) => i)), c.push(new Uint8Array(1 << 16))].map((cs) => cs.map((x) => Array.from(x)));
        console.log(JSON.stringify({ got, pending: c.pending, flushed: c.flush().length }));
      `, { env: { REFRAME_BACKEND: core.backend }, timeout: scaled(10_000) });
      expect(run.timedOut, describeRun(run)).toBe(false);
      expect(run.code, describeRun(run)).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ got: [[[0, 1]], []], pending: 0, flushed: 0 });
    }, scaled(15_000));
  });

  it('hop = size is the default', () => {
    expect(new Chunker({ size: 3, hop: 3 }).push(seq(10)).map(bytesOf)).toEqual(new Chunker(3).push(seq(10)).map(bytesOf));
  });

  it('hop counts samples: channels and element size scale it', () => {
    // int16 stereo: a sample is 4 bytes; size 2, hop 3 → values [0..4) of every 6.
    const values = new Int16Array(24).map((_, i) => i);
    expect(arrays(new Chunker({ size: 2, hop: 3, type: 'int16', channels: 2 }).push(values))).toEqual([
      [0, 1, 2, 3], [6, 7, 8, 9], [12, 13, 14, 15], [18, 19, 20, 21],
    ]);
    // complex64 with overlap: a sample is a (re, im) pair.
    const iq = new Float32Array(10).map((_, i) => i);
    expect(arrays(new Chunker({ size: 3, hop: 1, type: 'complex64' }).push(iq))).toEqual([
      [0, 1, 2, 3, 4, 5], [2, 3, 4, 5, 6, 7], [4, 5, 6, 7, 8, 9],
    ]);
  });
});
