// The Chunker's state between bursts (SPEC "Faces"): pending, reset() and empty bursts.
import { describe, expect, it } from 'vitest';
import { Chunker } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { bytesOf, seq } from './support/util.js';

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe('pending', () => {
    it('is 0 for a new chunker', () => {
      expect(new Chunker(4).pending).toBe(0);
    });

    it('counts whole samples received that no chunk has held', () => {
      const c = new Chunker({ size: 4, type: 'uint16' });
      const seen: number[] = [];
      for (const n of [1, 1, 3, 4, 0, 2, 5]) {
        c.push(seq(n));
        seen.push(c.pending);
      }
      // bytes so far: 1, 2, 5, 9, 9, 11, 16 → whole samples 0, 1, 2, 4→0 (a chunk), 0, 1, 4→0.
      expect(seen).toEqual([0, 1, 2, 0, 0, 1, 0]);
    });

    it('is 0 again after a chunk completes exactly', () => {
      const c = new Chunker(3);
      c.push(seq(3));
      expect(c.pending).toBe(0);
    });
  });

  describe('reset()', () => {
    it('discards what is buffered, a partial sample included', () => {
      const c = new Chunker({ size: 2, type: 'uint32' });
      c.push(seq(7));
      c.reset();
      expect(c.pending).toBe(0);
      expect(c.flush()).toEqual([]); // no stray bytes left to complain about
      expect(c.push(seq(8, 40)).map(bytesOf)).toEqual([seq(8, 40)]);
    });

    it('restarts hop counting: the next stream starts at sample 0', () => {
      const c = new Chunker({ size: 2, hop: 5 });
      c.push(seq(3)); // chunk [0,2), then inside the gap
      c.reset();
      expect(c.push(seq(2, 10)).map((x) => Array.from(x))).toEqual([[10, 11]]);
    });

    it('keeps chunks handed out before it intact', () => {
      const c = new Chunker({ size: 4, hop: 2 });
      const before = c.push(seq(6));
      const copy = before.map(bytesOf);
      c.push(seq(3, 100));
      c.reset();
      c.push(new Uint8Array(40).fill(0xff));
      expect(before.map(bytesOf)).toEqual(copy);
    });

    it('on a fresh chunker changes nothing', () => {
      const c = new Chunker(2);
      c.reset();
      expect(c.push(seq(2)).map((x) => Array.from(x))).toEqual([[0, 1]]);
    });
  });

  describe('empty bursts', () => {
    it('produce nothing, at any point of the stream', () => {
      const c = new Chunker({ size: 2, type: 'complex64', hop: 3 });
      expect(c.push(new Float32Array(0))).toEqual([]);
      c.push(new Uint8Array(9)); // inside a sample
      expect(c.push(new Uint8Array(0))).toEqual([]);
      expect(c.pending).toBe(1);
    });

    it('a stream of empty bursts ends with nothing under every policy', () => {
      for (const tail of ['emit', 'pad', 'drop', 'error'] as const) {
        const c = new Chunker({ size: 2, tail });
        for (let i = 0; i < 5; i++) expect(c.push(new Uint8Array(0))).toEqual([]);
        expect(c.flush()).toEqual([]);
      }
    });
  });
});
