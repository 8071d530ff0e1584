// Large bursts (issue 2: "no fixed capacity"): one burst completing more chunks than one output
// allocation holds, and chunks larger than one allocation, frame exactly like the reference.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Chunker, chunkerStream, type ChunkerOptions } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { frame, sampleBytes } from './support/reference.js';
import { noise } from './support/bytes.mjs';
import { bytesOf, collectNode, expectChunks, scaled } from './support/util.js';

const CASES: [string, ChunkerOptions, number][] = [
  ['many small overlapping chunks in one burst', { size: 100, hop: 99 }, 3 << 20],
  ['many tiny chunks with gaps', { size: 3, hop: 5, type: 'int16' }, 2 << 20],
  ['chunks larger than 1 MiB', { size: 300_000, hop: 250_000, type: 'float32', tail: 'pad', fill: 1 }, 5_000_000],
];

// Chunks of 32 KiB and more may be assembled in their own final memory across bursts (copy-once):
// random large chunks, split across random bursts with flushes between, must still equal the
// reference, stay independent of the input and of each other, and never change later.
const bigCase = fc
  .record({
    type: fc.constantFrom('uint8' as const, 'float32' as const, 'complex128' as const),
    channels: fc.integer({ min: 1, max: 2 }),
    chunkBytes: fc.integer({ min: 32 * 1024 - 64, max: 48 * 1024 }),
    hopFraction: fc.constantFrom(0.25, 0.5, 0.999, 1, 1.001, 1.5),
    tail: fc.constantFrom('emit' as const, 'pad' as const, 'drop' as const, 'error' as const),
    chunksInStream: fc.double({ min: 0, max: 4, noNaN: true }),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }),
    flushes: fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }),
    seed: fc.integer({ min: 1 }),
  })
  .map((c) => {
    const partial: ChunkerOptions = { size: 1, type: c.type, channels: c.channels };
    const B = sampleBytes(partial);
    const size = Math.max(1, Math.round(c.chunkBytes / B));
    const options: ChunkerOptions = { ...partial, size, hop: Math.max(1, Math.round(size * c.hopFraction)), tail: c.tail, fill: 3 };
    const stream = noise(Math.round(c.chunksInStream * size) * B, c.seed);
    const points = c.cuts.map((x) => Math.floor(x * (stream.length + 1))).sort((a, b) => a - b);
    const bursts = [...points, stream.length].map((to, i, all) => stream.slice(i === 0 ? 0 : all[i - 1], to));
    // Streams between flushes, and what the reference makes of each.
    const streams: { bursts: Uint8Array[]; want: ReturnType<typeof frame> }[] = [];
    let current: Uint8Array[] = [];
    bursts.forEach((burst, i) => {
      current.push(burst);
      if (i === bursts.length - 1 || c.flushes[i]) {
        const whole = new Uint8Array(current.reduce((n, b) => n + b.length, 0));
        current.reduce((at, b) => (whole.set(b, at), at + b.length), 0);
        streams.push({ bursts: current, want: frame(whole, options) });
        current = [];
      }
    });
    return { options, streams };
  });

const codeOf = (end: ReturnType<typeof frame>['end']) =>
  end.kind === 'ok' ? undefined : end.kind === 'tail' ? 'ERR_REFRAME_TAIL' : 'ERR_REFRAME_INPUT';

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
  }, scaled(20_000));

  it('Node face: a burst of 256 KiB into 1-byte chunks, batched', async () => {
    const s = chunkerStream({ size: 1, batch: true });
    const done = collectNode<Buffer[]>(s);
    const stream = noise(1 << 18, 7);
    s.end(stream);
    const { items, error } = await done;
    expect(error).toBeUndefined();
    let at = 0;
    let mismatch = -1;
    for (const array of items) for (const chunk of array) if (chunk[0] !== stream[at++] && mismatch < 0) mismatch = at - 1;
    expect(at).toBe(stream.length);
    expect(mismatch).toBe(-1);
  }, scaled(20_000));

  it('Chunker: large chunks across random bursts and flushes equal the reference and stay independent', () => {
    fc.assert(
      fc.property(bigCase, ({ options, streams }) => {
        const c = new Chunker(options);
        const kept: ArrayBufferView[] = [];
        const want: Uint8Array[] = [];
        for (const { bursts, want: ref } of streams) {
          const got: ArrayBufferView[] = [];
          for (const burst of bursts) {
            const input = burst.slice();
            got.push(...c.push(input));
            input.fill(0x5a); // the caller reuses its buffer
          }
          let code: string | undefined;
          try {
            got.push(...c.flush());
          } catch (error) {
            code = (error as { code: string }).code;
          }
          expectChunks(got, ref.chunks);
          expect(code).toBe(codeOf(ref.end));
          kept.push(...got);
          want.push(...ref.chunks);
        }
        // Nothing later changed an earlier chunk; writing into one changes no other.
        expectChunks(kept, want);
        kept.forEach((chunk, i) => {
          new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).fill(0xee);
          if (i + 1 < kept.length) expectChunks([kept[i + 1]], [want[i + 1]], `chunk ${i + 1} after writing chunk ${i}`);
        });
      }),
      { numRuns: 40 },
    );
  }, scaled(30_000));

  it('Node face: large chunks across random bursts equal the reference', async () => {
    await fc.assert(
      fc.asyncProperty(bigCase, fc.integer({ min: 1, max: 3 }), async ({ options, streams }, highWaterMark) => {
        const [{ bursts, want }] = streams; // one stream: no flushes
        const got: ArrayBufferView[] = [];
        let code: string | undefined;
        try {
          await pipeline(Readable.from(bursts), chunkerStream(options, { highWaterMark }), async (source: AsyncIterable<ArrayBufferView>) => {
            for await (const chunk of source) got.push(chunk);
          });
        } catch (error) {
          code = (error as { code: string }).code;
        }
        expectChunks(got, want.chunks);
        expect(code).toBe(codeOf(want.end));
      }),
      { numRuns: 20 },
    );
  }, scaled(30_000));

  it('reset() with a large window open mid-burst: the next stream starts clean', () => {
    const options: ChunkerOptions = { size: 40_000, hop: 30_000 };
    const c = new Chunker(options);
    const first = c.push(noise(50_000, 3));
    const keep = first.map(bytesOf);
    c.push(noise(20_000, 4)); // the window is open (in place) when reset() comes
    c.reset();
    const stream = noise(130_000, 5);
    const got = [...c.push(stream.subarray(0, 45_000)), ...c.push(stream.subarray(45_000)), ...c.flush()];
    expectChunks(got, frame(stream, options).chunks);
    expectChunks(first, keep);
  });
});
