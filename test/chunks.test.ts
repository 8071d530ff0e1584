// chunks(): any (async) iterable of bursts becomes chunks as the loop pulls; leaving the loop
// releases the source. On both cores.
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chunks, type AnyChunk } from '../src/index.js';
import { SLAB_BYTES } from '../src/reframer.js';
import { useChunkCounter } from './support/produced.js';
import { CORES, useCore } from './support/cores.js';
import { IMPLEMENTATIONS, streamOf } from './support/web.js';
import { seq } from './support/util.js';

const values = (items: AnyChunk[]) => items.map((c) => Array.from(c as Uint8Array));

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const rejection = (promise: Promise<unknown>) => promise.then(() => { throw new Error('resolved'); }, (error: unknown) => error);

describe.each(CORES)('$backend core', (core) => {
  useCore(core);
  const produced = useChunkCounter();
  const expected = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]];

  describe('reads every kind of source', () => {
    it('an array of buffers, yielding Uint8Arrays (not Buffers)', async () => {
      const out = await all(chunks([Buffer.from(seq(3)), seq(0), seq(7, 3)], 4));
      expect(values(out)).toEqual(expected);
      for (const chunk of out) expect(Object.getPrototypeOf(chunk)).toBe(Uint8Array.prototype);
    });

    it('a sync generator', async () => {
      function* source() { yield seq(5); yield seq(5, 5); }
      expect(values(await all(chunks(source(), 4)))).toEqual(expected);
    });

    it('an async generator', async () => {
      async function* source() { yield seq(1); await Promise.resolve(); yield seq(9, 1); }
      expect(values(await all(chunks(source(), 4)))).toEqual(expected);
    });

    it('a Node Readable in object mode, and a byte Readable from a file', async () => {
      expect(values(await all(chunks(Readable.from([seq(6), seq(4, 6)]), 4)))).toEqual(expected);
      const file = join(mkdtempSync(join(tmpdir(), 'reframe-')), 'data.bin');
      writeFileSync(file, seq(10_000));
      const out = await all(chunks(createReadStream(file, { highWaterMark: 999 }), 4096));
      expect(out.map((c) => c.length)).toEqual([4096, 4096, 10_000 - 8192]);
      expect(out[2][0]).toBe(8192 & 0xff);
    });

    it.each(IMPLEMENTATIONS)('a WHATWG ReadableStream ($name)', async (impl) => {
      expect(values(await all(chunks(streamOf(impl, [seq(2), seq(8, 2)]), 4)))).toEqual(expected);
    });

    it('a stream that offers only getReader() (no async iteration, as in older browsers)', async () => {
      const stream = streamOf(IMPLEMENTATIONS[0], [seq(10)]);
      const readerOnly = { getReader: () => stream.getReader() };
      expect(values(await all(chunks(readerOnly, 4)))).toEqual(expected);
      expect(stream.locked).toBe(false);
    });

    it('strings as UTF-8 bytes for uint8', async () => {
      const out = await all(chunks(['hé', 'llo'], 2));
      expect(values(out)).toEqual([[0x68, 0xc3], [0xa9, 0x6c], [0x6c, 0x6f]]);
    });

    it('typed samples, yielding typed chunks', async () => {
      const out = await all(chunks([Float64Array.of(1, 2, 3), Float64Array.of(4)], { size: 1, channels: 2, type: 'float64' }));
      expect(out.map((c) => Array.from(c))).toEqual([[1, 2], [3, 4]]);
      for (const chunk of out) expect(chunk).toBeInstanceOf(Float64Array);
    });
  });

  describe('batch', () => {
    it('yields the chunks each burst completed as one array, never an empty one', async () => {
      const out = await all(chunks([seq(3), seq(1, 3), seq(9, 4), seq(1, 13)], { size: 4, batch: true }));
      expect(out.map(values)).toEqual([[[0, 1, 2, 3]], [[4, 5, 6, 7], [8, 9, 10, 11]], [[12, 13]]]);
    });

    it('splits a huge burst into arrays of at most one slab', async () => {
      const burst = new Uint8Array(4 * SLAB_BYTES + 100);
      const out = await all(chunks([burst], { size: 4096, batch: true }));
      expect(out.length).toBeGreaterThan(4);
      for (const batch of out) expect(batch.length * 4096).toBeLessThanOrEqual(SLAB_BYTES);
      expect(out.flat().length).toBe(Math.ceil(burst.length / 4096));
    });
  });

  describe('is lazy and releases its source', () => {
    it('re-frames a huge burst as the loop pulls: one chunk taken, at most one slab made', async () => {
      const huge = Buffer.allocUnsafe(256 * 2 ** 20); // untouched pages: cheap until read
      const iterator = chunks([huge], 4096);
      const first = await iterator.next();
      expect(first.value).toHaveLength(4096);
      expect(produced.chunks).toBeGreaterThan(0);
      expect(produced.chunks * 4096).toBeLessThanOrEqual(SLAB_BYTES);
      await iterator.return();
    });

    it('breaking out of the loop calls return() on a generator source', async () => {
      let finished = false;
      function* source() { try { for (;;) yield seq(8); } finally { finished = true; } }
      for await (const chunk of chunks(source(), 4)) {
        expect(chunk).toHaveLength(4);
        break;
      }
      expect(finished).toBe(true);
    });

    it('breaking out of the loop destroys a Node Readable', async () => {
      const readable = new Readable({ read() { this.push(seq(8)); } });
      for await (const chunk of chunks(readable, 4)) {
        expect(chunk).toHaveLength(4);
        break;
      }
      expect(readable.destroyed).toBe(true);
    });

    it.each(IMPLEMENTATIONS)('breaking out of the loop cancels a ReadableStream ($name)', async (impl) => {
      let cancelled = false;
      const stream = new impl.ReadableStream<Uint8Array>({
        pull(controller) { controller.enqueue(seq(8)); },
        cancel() { cancelled = true; },
      });
      for await (const chunk of chunks(stream, 4)) {
        expect(chunk).toHaveLength(4);
        break;
      }
      expect(cancelled).toBe(true);
    });

    it('breaking out of the loop cancels a reader-only stream and releases its lock', async () => {
      let cancelled = false;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) { controller.enqueue(seq(8)); },
        cancel() { cancelled = true; },
      });
      for await (const chunk of chunks({ getReader: () => stream.getReader() }, 4)) {
        expect(chunk).toHaveLength(4);
        break;
      }
      expect(cancelled).toBe(true);
      expect(stream.locked).toBe(false);
    });
  });

  describe('errors', () => {
    it('a bad burst: the chunks before it, then ERR_REFRAME_INPUT, and the source is released', async () => {
      let finished = false;
      function* source() { try { yield seq(5); yield 42; yield seq(5); } finally { finished = true; } }
      const got: AnyChunk[] = [];
      const error = await rejection((async () => { for await (const c of chunks(source() as Iterable<Uint8Array>, 4)) got.push(c); })());
      expect(values(got)).toEqual([[0, 1, 2, 3]]);
      expect(error).toMatchObject({ code: 'ERR_REFRAME_INPUT' });
      expect(finished).toBe(true);
    });

    it('a string for a non-byte type is ERR_REFRAME_INPUT', async () => {
      expect(await rejection(all(chunks(['abcd'], { size: 1, type: 'int16' })))).toMatchObject({ code: 'ERR_REFRAME_INPUT' });
    });

    it("tail: 'error' ends the loop with ERR_REFRAME_TAIL holding the samples, after the full chunks", async () => {
      const got: AnyChunk[] = [];
      const error = await rejection((async () => { for await (const c of chunks([seq(6)], { size: 4, tail: 'error' })) got.push(c); })());
      expect(values(got)).toEqual([[0, 1, 2, 3]]);
      expect(error).toMatchObject({ code: 'ERR_REFRAME_TAIL' });
      expect(Array.from((error as { tail: Uint8Array }).tail)).toEqual([4, 5]);
    });

    it('an error of the source reaches the loop after the chunks before it', async () => {
      async function* source() { yield seq(4); throw Object.assign(new Error('source failed'), { code: 'SOURCE' }); }
      const got: AnyChunk[] = [];
      const error = await rejection((async () => { for await (const c of chunks(source(), 4)) got.push(c); })());
      expect(values(got)).toEqual([[0, 1, 2, 3]]);
      expect(error).toMatchObject({ code: 'SOURCE' });
    });

    it.each([
      ['a single Uint8Array', seq(4)],
      ['a string', 'abcd'],
      ['a number', 4],
      ['null', null],
      ['a plain object', {}],
    ])('a source that is %s throws ERR_REFRAME_INPUT at the call', (_, source) => {
      expect(() => chunks(source as never, 4)).toThrow(expect.objectContaining({ code: 'ERR_REFRAME_INPUT' }));
    });

    it('bad options throw ERR_REFRAME_OPTION at the call, before the loop starts', () => {
      expect(() => chunks([], { size: 4, hop: 0 })).toThrow(expect.objectContaining({ code: 'ERR_REFRAME_OPTION' }));
      expect(() => chunks([], 2.5)).toThrow(expect.objectContaining({ code: 'ERR_REFRAME_OPTION' }));
    });
  });
});
