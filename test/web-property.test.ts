// Property: whatever the options, the burst splits, the high-water mark, batch and the reader's
// pace, the WHATWG face (on both implementations) and chunks() hand out exactly the chunks
// Chunker.push/flush makes for the same bursts (the property suite checks Chunker against a naive
// reference), and end with the same error code when the stream's end is an error. On both cores.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Chunker, ChunkerStream, chunks, type AnyChunk, type ChunkerOptions } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { IMPLEMENTATIONS } from './support/web.js';
import { bytesOf } from './support/util.js';

interface Case {
  options: ChunkerOptions;
  bursts: Uint8Array[];
  highWaterMark: number;
  impl: number;
  pauses: number[]; // before each read: 0 none, 1 a microtask, 2 an event-loop turn
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  options: fc.record({
    size: fc.integer({ min: 1, max: 9 }),
    hop: fc.integer({ min: 1, max: 13 }),
    type: fc.constantFrom('uint8', 'int16', 'float32', 'complex64', 'float64' as const),
    tail: fc.constantFrom('emit', 'pad', 'drop', 'error' as const),
    batch: fc.boolean(),
  }),
  bursts: fc.array(fc.uint8Array({ maxLength: 60 }), { maxLength: 12 }),
  highWaterMark: fc.integer({ min: 0, max: 20 }),
  impl: fc.integer({ min: 0, max: IMPLEMENTATIONS.length - 1 }),
  pauses: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 8 }),
});

/** A chunk's bytes as a plain array (what the expectations hold). */
const byteList = (chunk: AnyChunk) => Array.from(bytesOf(chunk));

/** What Chunker makes of the bursts: the chunks' bytes, and the code of the error at the end, if any. */
function expected({ options, bursts }: Case): { chunks: number[][]; code?: string } {
  const chunker = new Chunker({ ...options, batch: false });
  const out: number[][] = [];
  for (const burst of bursts) for (const chunk of chunker.push(burst)) out.push(byteList(chunk));
  try {
    for (const chunk of chunker.flush()) out.push(byteList(chunk));
  } catch (error) {
    return { chunks: out, code: (error as { code: string }).code };
  }
  return { chunks: out };
}

const pause = (kind: number) =>
  kind === 0 ? undefined : kind === 1 ? Promise.resolve() : new Promise((resolve) => setImmediate(resolve));

async function throughWeb(c: Case): Promise<{ chunks: number[][]; code?: string; closeCode?: string }> {
  const pair = new ChunkerStream(c.options, { streams: IMPLEMENTATIONS[c.impl].streams, highWaterMark: c.highWaterMark });
  const writer = pair.writable.getWriter();
  const reader = pair.readable.getReader();
  const writing = (async () => {
    for (const burst of c.bursts) await writer.write(burst);
    await writer.close();
  })().then(() => undefined, (error: { code: string }) => error.code);
  const out: number[][] = [];
  let code: string | undefined;
  try {
    for (let i = 0; ; i++) {
      await pause(c.pauses[i % c.pauses.length]);
      const { done, value } = await reader.read();
      if (done) break;
      const items = (c.options.batch ? value : [value]) as AnyChunk[];
      expect(items.length).toBeGreaterThan(0);
      for (const chunk of items) out.push(byteList(chunk));
    }
  } catch (error) {
    code = (error as { code: string }).code;
  }
  return { chunks: out, code, closeCode: await writing };
}

async function throughChunks(c: Case): Promise<{ chunks: number[][]; code?: string }> {
  const out: number[][] = [];
  try {
    for await (const item of chunks(c.bursts, c.options)) {
      const items = (c.options.batch ? item : [item]) as AnyChunk[];
      expect(items.length).toBeGreaterThan(0);
      for (const chunk of items) out.push(byteList(chunk));
    }
  } catch (error) {
    return { chunks: out, code: (error as { code: string }).code };
  }
  return { chunks: out };
}

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  it('the WHATWG face hands out what Chunker makes, at any pace, and fails both sides with the same code', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const want = expected(c);
      const got = await throughWeb(c);
      expect(got.chunks).toEqual(want.chunks);
      expect(got.code).toBe(want.code);
      expect(got.closeCode).toBe(want.code);
    }), { numRuns: 150 });
  });

  it('chunks() hands out what Chunker makes, and ends with the same code', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const want = expected(c);
      const got = await throughChunks(c);
      expect(got.chunks).toEqual(want.chunks);
      expect(got.code).toBe(want.code);
    }), { numRuns: 150 });
  });
});
