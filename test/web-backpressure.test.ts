// Backpressure inside one burst on the WHATWG face: one huge write into a consumer that reads
// nothing (or reads slowly) makes only about a high-water mark of chunks, and the write's promise
// waits until its burst has been handed out. Chunks are counted where they are made (Reframer.step).
import { describe, expect, it } from 'vitest';
import { ChunkerStream } from '../src/index.js';
import { useChunkCounter } from './support/produced.js';
import { CORES, useCore } from './support/cores.js';
import { IMPLEMENTATIONS, settle, track } from './support/web.js';

const CHUNK = 4096;
const HUGE = 256 * 2 ** 20; // Buffer.allocUnsafe: pages nobody touches cost no memory

describe.each(CORES)('$backend core', (core) => {
  useCore(core);
  const produced = useChunkCounter();
  const made = () => produced.chunks;

  describe.each(IMPLEMENTATIONS)('$name streams', (impl) => {
    it('one 256 MiB write into a stalled reader makes about a high-water mark of chunks and stays pending', async () => {
      const { readable, writable } = new ChunkerStream(CHUNK, { streams: impl.streams });
      const writer = writable.getWriter();
      const reader = readable.getReader();
      const written = track(writer.write(Buffer.allocUnsafe(HUGE)));
      await settle();
      expect(made()).toBeGreaterThanOrEqual(16);
      expect(made()).toBeLessThanOrEqual(32);
      expect(written.settled).toBe(false);
      expect(writer.desiredSize).toBeLessThanOrEqual(0); // the producer is told to wait

      for (let i = 0; i < 100; i++) expect((await reader.read()).value).toHaveLength(CHUNK);
      await settle();
      expect(made()).toBeLessThanOrEqual(100 + 32);
      expect(written.settled).toBe(false);

      await reader.cancel();
      await settle();
      expect(written.settled).toBe(true); // rejected by the cancel, and released
      await expect(written.promise).rejects.toBeUndefined();
    });

    it("the write's promise settles once its burst has been handed out, not before", async () => {
      const { readable, writable } = new ChunkerStream(CHUNK, { streams: impl.streams });
      const writer = writable.getWriter();
      const reader = readable.getReader();
      const written = track(writer.write(new Uint8Array(1000 * CHUNK)));
      let read = 0;
      for (; read < 900; read++) await reader.read();
      await settle();
      expect(written.settled).toBe(false);
      for (; read < 1000; read++) await reader.read();
      await written.promise;
      const closed = writer.close();
      expect((await reader.read()).done).toBe(true);
      await closed;
    });

    it('highWaterMark sets how far it produces ahead: 0 makes nothing until a read', async () => {
      const { readable, writable } = new ChunkerStream(CHUNK, { streams: impl.streams, highWaterMark: 0 });
      const writer = writable.getWriter();
      const reader = readable.getReader();
      const written = track(writer.write(Buffer.allocUnsafe(HUGE)));
      await settle();
      expect(made()).toBe(0);
      expect((await reader.read()).value).toHaveLength(CHUNK);
      await settle();
      expect(made()).toBe(1);
      await writer.abort();
      await expect(written.promise).rejects.toMatchObject({ name: 'AbortError' });
    });

    it('highWaterMark 100 fills a queue of about 100 chunks', async () => {
      const { readable, writable } = new ChunkerStream(CHUNK, { streams: impl.streams, highWaterMark: 100 });
      const writer = writable.getWriter();
      const written = track(writer.write(Buffer.allocUnsafe(HUGE)));
      await settle();
      expect(made()).toBeGreaterThanOrEqual(100);
      expect(made()).toBeLessThanOrEqual(200);
      await readable.cancel();
      await expect(written.promise).rejects.toBeUndefined();
    });

    it('a slow consumer (pipeTo into a sink that takes one chunk at a time) keeps the chunks in flight bounded', async () => {
      const { readable, writable } = new ChunkerStream(CHUNK, { streams: impl.streams });
      let received = 0;
      let release: (() => void) | undefined;
      const sink = new impl.WritableStream<Uint8Array>({
        write: () => new Promise<void>((resolve) => { received++; release = resolve; }),
      });
      const piped = track(readable.pipeTo(sink));
      const writer = writable.getWriter();
      const written = track(writer.write(Buffer.allocUnsafe(HUGE)));
      for (let step = 0; step < 200; step++) {
        await settle(2);
        expect(made() - received).toBeLessThanOrEqual(32 + 2); // queued here + in the sink's queue
        release!();
      }
      expect(received).toBeGreaterThanOrEqual(200);
      expect(written.settled).toBe(false);
      await writer.abort();
      await expect(written.promise).rejects.toMatchObject({ name: 'AbortError' });
      await expect(piped.promise).rejects.toMatchObject({ name: 'AbortError' });
    });

    // Regression guard for one engine call writing up to 64 KiB of chunks ahead (1,024 at 64 B): the
    // chunk objects are still made only as the queue has room, never a step's worth at once.
    it('small chunks: a stalled reader holds a high-water mark of chunk objects, though one engine call writes 1,024', async () => {
      const { readable, writable } = new ChunkerStream(64, { streams: impl.streams });
      const writer = writable.getWriter();
      const reader = readable.getReader();
      const written = track(writer.write(Buffer.allocUnsafe(HUGE)));
      await settle();
      expect(made()).toBe(16);
      for (let i = 0; i < 100; i++) expect((await reader.read()).value).toHaveLength(64);
      await settle();
      expect(made()).toBeLessThanOrEqual(100 + 16);
      expect(written.settled).toBe(false);
      await reader.cancel();
      await expect(written.promise).rejects.toBeUndefined();
    });

    it('writes settle while the queue has room, even with no reader; the write that fills it waits', async () => {
      const { readable, writable } = new ChunkerStream(CHUNK, { streams: impl.streams });
      const writer = writable.getWriter();
      for (let i = 0; i < 5; i++) await writer.write(new Uint8Array(3 * CHUNK)); // 15 chunks queued
      const written = track(writer.write(new Uint8Array(3 * CHUNK)));
      await settle();
      expect(written.settled).toBe(false); // 16 queued, 2 chunks of its burst not yet handed out
      const reader = readable.getReader();
      for (let i = 0; i < 18; i++) expect((await reader.read()).value).toHaveLength(CHUNK);
      await written.promise;
      const closed = writer.close();
      expect((await reader.read()).done).toBe(true);
      await closed;
    });

    // With batch an array holds up to 64 KiB of chunks, at least highWaterMark of them and at most
    // 1 MiB; the queue counts chunks, so a stalled reader holds about highWaterMark chunks or one array.
    it.each([[64, 16, 1024], [4096, 64, 64], [100_000, 16, 10]])(
      'with batch (%i-byte chunks, highWaterMark %i), a stalled reader gets arrays of at most %i chunks, about one array or a high-water mark in all',
      async (size, highWaterMark, most) => {
        const { readable, writable } = new ChunkerStream({ size, batch: true }, { streams: impl.streams, highWaterMark });
        const writer = writable.getWriter();
        const reader = readable.getReader();
        const written = track(writer.write(Buffer.allocUnsafe(HUGE)));
        await settle();
        const bound = Math.max(highWaterMark, most);
        expect(made()).toBeGreaterThanOrEqual(most);
        expect(made()).toBeLessThanOrEqual(2 * bound);
        for (let i = 0; i < 10; i++) {
          const { value } = await reader.read();
          expect(value).toHaveLength(most); // one burst far larger than an array: every array is full
          for (const chunk of value!) expect(chunk).toHaveLength(size);
        }
        await settle();
        expect(made()).toBeLessThanOrEqual(10 * most + 2 * bound);
        expect(written.settled).toBe(false);
        await reader.cancel();
        await expect(written.promise).rejects.toBeUndefined();
      },
    );
  });
});
