// The scenario of the C/Python example reframe started from (issue 2): complex64 samples, size 64,
// bursts of 7, 50, 1, 40, 180, 3 samples, each burst filled with its start offset.
import { describe, expect, it } from 'vitest';
import { Chunker, backend } from '../src/index.js';

describe('the original example', () => {
  it('runs on the native core by default', () => {
    expect(backend).toBe(process.env.REFRAME_BACKEND === 'js' ? 'js' : 'native');
  });

  it('completes 0, 0, 0, 1, 3, 0 chunks per burst and leaves 25 samples pending', () => {
    const c = new Chunker({ size: 64, type: 'complex64' });
    const counts: number[] = [];
    const chunks: Float32Array[] = [];
    let offset = 0;
    for (const n of [7, 50, 1, 40, 180, 3]) {
      const out = c.push(new Float32Array(n * 2).fill(offset));
      offset += n;
      counts.push(out.length);
      chunks.push(...out);
    }
    expect(counts).toEqual([0, 0, 0, 1, 3, 0]);
    expect(c.pending).toBe(25);
    // Chunk 0 holds samples 0..63: 7 of burst 0 (value 0), 50 of burst 1 (7), 1 of burst 2 (57), 6 of burst 3 (58).
    const first = Array.from({ length: 64 }, (_, i) => chunks[0][2 * i]);
    expect(first).toEqual([...Array(7).fill(0), ...Array(50).fill(7), 57, ...Array(6).fill(58)]);
    for (const chunk of chunks) expect(chunk).toBeInstanceOf(Float32Array);
    for (const chunk of chunks) expect(chunk.length).toBe(128);
  });

  it('after reset(), 64 zero samples give exactly one chunk', () => {
    const c = new Chunker({ size: 64, type: 'complex64' });
    c.push(new Float32Array(50));
    c.reset();
    expect(c.pending).toBe(0);
    const out = c.push(new Float32Array(128));
    expect(out).toHaveLength(1);
    expect(Array.from(out[0])).toEqual(Array(128).fill(0));
  });

  it('one push of 1,000,000 samples gives 15,625 chunks that stay valid after later pushes', () => {
    const c = new Chunker({ size: 64, type: 'complex64' });
    const samples = new Float32Array(2_000_000).map((_, i) => i);
    const out = c.push(samples);
    expect(out).toHaveLength(15_625);
    samples.fill(-1); // the caller reuses its buffer
    c.push(new Float32Array(2_000_000).fill(-2));
    for (const k of [0, 1, 7_812, 15_624]) {
      expect(out[k][0]).toBe(k * 128);
      expect(out[k][127]).toBe(k * 128 + 127);
    }
  });
});
