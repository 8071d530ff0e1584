// Property: for random data, random options and random burst splits, the chunks of both faces on
// both cores equal the naive reference framing of the whole stream (test/support/reference.ts).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Chunker, chunkerStream, type ChunkerOptions, type SampleType } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { noise } from './support/bytes.mjs';
import { TYPES, TYPE_NAMES, frame, sampleBytes } from './support/reference.js';
import { bytesOf, collectNode } from './support/util.js';

const fillFor = (type: SampleType): fc.Arbitrary<number | bigint> => {
  switch (type) {
    case 'uint8': return fc.integer({ min: 0, max: 0xff });
    case 'int8': return fc.integer({ min: -0x80, max: 0x7f });
    case 'uint16': return fc.integer({ min: 0, max: 0xffff });
    case 'int16': return fc.integer({ min: -0x8000, max: 0x7fff });
    case 'uint32': return fc.integer({ min: 0, max: 0xffffffff });
    case 'int32': return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'bigint64': return fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer());
    case 'biguint64': return fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat());
    default: return fc.oneof(fc.double(), fc.integer());
  }
};

const optionsArb: fc.Arbitrary<ChunkerOptions> = fc
  .record({
    type: fc.constantFrom(...TYPE_NAMES),
    channels: fc.integer({ min: 1, max: 3 }),
    size: fc.integer({ min: 1, max: 9 }),
    hop: fc.integer({ min: 1, max: 13 }),
    tail: fc.constantFrom('emit', 'pad', 'drop', 'error' as const),
    alignFraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    defaults: fc.record({ hop: fc.boolean(), channels: fc.boolean(), align: fc.boolean(), fill: fc.boolean() }),
  })
  .chain((o) => fillFor(o.type).map((fill) => {
    const options: ChunkerOptions = { size: o.size, type: o.type, tail: o.tail };
    if (!o.defaults.hop) options.hop = o.hop;
    if (!o.defaults.channels) options.channels = o.channels;
    if (!o.defaults.align) options.align = 1 + Math.floor(o.alignFraction * o.size);
    if (!o.defaults.fill) options.fill = fill;
    return options;
  }));

/** How one burst reaches the chunker: raw bytes in several wrappings, or the type's own typed array. */
type Wrap = 'u8' | 'offset' | 'arraybuffer' | 'dataview' | 'own';

interface Case {
  options: ChunkerOptions;
  stream: Uint8Array;
  bursts: { bytes: Uint8Array; wrap: Wrap }[];
}

const caseArb: fc.Arbitrary<Case> = optionsArb.chain((options) => {
  const B = sampleBytes(options);
  return fc
    .record({
      samples: fc.integer({ min: 0, max: 40 }),
      stray: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: B - 1 > 0 ? B - 1 : 1 }) }),
      seed: fc.integer(),
      cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
      wraps: fc.array(fc.constantFrom<Wrap>('u8', 'offset', 'arraybuffer', 'dataview', 'own'), { minLength: 13, maxLength: 13 }),
    })
    .map(({ samples, stray, seed, cuts, wraps }) => {
      const length = samples * B + (B > 1 ? stray % B : 0);
      const stream = noise(length, seed);
      // Cut points anywhere (inside samples, values and complex pairs too); repeats make empty bursts.
      const points = cuts.map((c) => Math.floor(c * (length + 1)) % (length + 1)).sort((a, b) => a - b);
      const bursts: Case['bursts'] = [];
      let at = 0;
      [...points, length].forEach((to, i) => {
        bursts.push({ bytes: stream.slice(at, to), wrap: wraps[i] });
        at = to;
      });
      return { options, stream, bursts };
    });
});

/** Wraps a burst in a fresh buffer; falls back to raw bytes where the type's array cannot hold it. */
function wrap({ bytes, wrap }: Case['bursts'][number], options: ChunkerOptions): ArrayBufferView | ArrayBuffer {
  const Own = TYPES[options.type ?? 'uint8'].array;
  switch (wrap) {
    case 'offset': {
      const big = new Uint8Array(bytes.length + 7).fill(0xee);
      big.set(bytes, 3);
      return big.subarray(3, 3 + bytes.length);
    }
    case 'arraybuffer':
      return bytes.slice().buffer;
    case 'dataview': {
      const big = new Uint8Array(bytes.length + 2).fill(0xee);
      big.set(bytes, 1);
      return new DataView(big.buffer, 1, bytes.length);
    }
    case 'own':
      if (bytes.length % Own.BYTES_PER_ELEMENT === 0) {
        const buffer = bytes.slice().buffer;
        return new (Own as unknown as new (b: ArrayBufferLike) => ArrayBufferView)(buffer);
      }
      return bytes.slice();
    default:
      return bytes.slice();
  }
}

/** Overwrites a burst's memory after the write that brought it: no chunk may change. */
function scribble(burst: ArrayBufferView | ArrayBuffer): void {
  const view = ArrayBuffer.isView(burst) ? new Uint8Array(burst.buffer, burst.byteOffset, burst.byteLength) : new Uint8Array(burst);
  view.fill(0xa5);
}

/** A case with a mid-stream flush() after some bursts: each flush ends one stream and starts the next. */
const flushCaseArb = fc.tuple(caseArb, fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }));

/** What each stream between flushes should give, from the reference. */
function segments({ options, bursts }: Case, flushes: boolean[]) {
  const out: { bursts: Case['bursts']; ref: ReturnType<typeof frame> }[] = [];
  let current: Case['bursts'] = [];
  const close = () => {
    const bytes = new Uint8Array(current.reduce((n, b) => n + b.bytes.length, 0));
    let at = 0;
    for (const b of current) {
      bytes.set(b.bytes, at);
      at += b.bytes.length;
    }
    out.push({ bursts: current, ref: frame(bytes, options) });
    current = [];
  };
  bursts.forEach((burst, i) => {
    current.push(burst);
    if (flushes[i] && i < bursts.length - 1) close();
  });
  close();
  return out;
}

const endCode = (end: ReturnType<typeof frame>['end']) =>
  end.kind === 'ok' ? undefined : end.kind === 'tail' ? 'ERR_REFRAME_TAIL' : 'ERR_REFRAME_INPUT';

const RUNS = 400;

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  it('Chunker: chunks, pending and the end equal the reference framing', () => {
    fc.assert(
      fc.property(caseArb, ({ options, stream, bursts }) => {
        const c = new Chunker(options);
        const got: Uint8Array[] = [];
        const kept: ArrayBufferView[] = [];
        let seen = 0;
        for (const burst of bursts) {
          const input = wrap(burst, options);
          const out = c.push(input);
          scribble(input);
          kept.push(...out);
          got.push(...out.map(bytesOf));
          seen += burst.bytes.length;
          expect(c.pending).toBe(frame(stream.subarray(0, seen), options).pending);
        }
        const ref = frame(stream, options);
        let end: unknown;
        try {
          const tail = c.flush();
          kept.push(...tail);
          got.push(...tail.map(bytesOf));
        } catch (error) {
          end = error;
        }
        expect(got).toEqual(ref.chunks);
        // Later pushes and the caller's scribbling changed no chunk handed out earlier.
        expect(kept.map(bytesOf)).toEqual(ref.chunks);
        if (ref.end.kind === 'ok') expect(end).toBeUndefined();
        else {
          expect((end as { code: string }).code).toBe(ref.end.kind === 'tail' ? 'ERR_REFRAME_TAIL' : 'ERR_REFRAME_INPUT');
          if (ref.end.kind === 'tail') expect(bytesOf((end as { tail: ArrayBufferView }).tail)).toEqual(ref.end.tail);
        }
        // flush() started a fresh stream, even after an error.
        expect(c.pending).toBe(0);
        expect(c.flush()).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('Node face: items (single or batched) equal the reference framing', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.boolean(), fc.integer({ min: 1, max: 4 }), async ({ options, stream, bursts }, batch, highWaterMark) => {
        const s = chunkerStream({ ...options, batch }, { highWaterMark });
        const items: unknown[] = [];
        let end: unknown;
        try {
          await pipeline(
            Readable.from(bursts.map((b) => wrap(b, options))),
            s,
            async (source: AsyncIterable<unknown>) => {
              for await (const item of source) items.push(item);
            },
          );
        } catch (error) {
          end = error;
        }
        const chunks = (batch ? (items as ArrayBufferView[][]).flat() : items) as ArrayBufferView[];
        if (batch) for (const item of items) expect((item as unknown[]).length).toBeGreaterThan(0);
        const ref = frame(stream, options);
        expect(chunks.map(bytesOf)).toEqual(ref.chunks);
        for (const chunk of chunks) expect(chunk).toBeInstanceOf(options.type === 'uint8' || options.type === undefined ? Buffer : TYPES[options.type].array);
        if (ref.end.kind === 'ok') expect(end).toBeUndefined();
        else expect((end as { code: string }).code).toBe(ref.end.kind === 'tail' ? 'ERR_REFRAME_TAIL' : 'ERR_REFRAME_INPUT');
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('Chunker: flush() mid-stream ends one stream and starts a fresh one, also after it throws', () => {
    fc.assert(
      fc.property(flushCaseArb, ([c0, flushes]) => {
        const c = new Chunker(c0.options);
        for (const { bursts, ref } of segments(c0, flushes)) {
          const got: Uint8Array[] = [];
          for (const burst of bursts) got.push(...c.push(wrap(burst, c0.options)).map(bytesOf));
          let code: string | undefined;
          try {
            got.push(...c.flush().map(bytesOf));
          } catch (error) {
            code = (error as { code: string }).code;
          }
          expect(got).toEqual(ref.chunks);
          expect(code).toBe(endCode(ref.end));
          expect(c.pending).toBe(0);
        }
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it("Node face: flush() mid-stream gives each stream's chunks; the first failing end errors the stream", async () => {
    await fc.assert(
      fc.asyncProperty(flushCaseArb, fc.boolean(), fc.integer({ min: 1, max: 4 }), async ([c0, flushes], batch, highWaterMark) => {
        const s = chunkerStream({ ...c0.options, batch }, { highWaterMark });
        const done = collectNode(s);
        c0.bursts.forEach((burst, i) => {
          s.write(wrap(burst, c0.options));
          if (flushes[i] && i < c0.bursts.length - 1) s.flush();
        });
        s.end();
        const { items, error } = await done;
        const want: Uint8Array[] = [];
        let code: string | undefined;
        for (const { ref } of segments(c0, flushes)) {
          want.push(...ref.chunks);
          code = endCode(ref.end);
          if (code) break;
        }
        const chunks = (batch ? (items as ArrayBufferView[][]).flat() : items) as ArrayBufferView[];
        expect(chunks.map(bytesOf)).toEqual(want);
        expect(error?.code).toBe(code);
      }),
      { numRuns: RUNS / 4 },
    );
  });
});
