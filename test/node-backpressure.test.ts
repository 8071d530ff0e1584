// Backpressure inside one burst on the Node face: one huge write into a consumer that reads
// nothing (or reads slowly) makes only about a high-water mark of chunks, and the write's callback
// waits until its burst has been handed out. Chunks are counted where they are made (Reframer.step).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chunkerStream } from '../src/index.js';
import { useChunkCounter } from './support/produced.js';
import { CORES, useCore } from './support/cores.js';
import { settle } from './support/web.js';

const CHUNK = 4096;
const HUGE = 256 * 2 ** 20; // Buffer.allocUnsafe: pages nobody touches cost no memory

function writeTracked(stream: NodeJS.WritableStream, burst: Uint8Array): { readonly settled: boolean; error?: Error | null } {
  const state: { settled: boolean; error?: Error | null } = { settled: false };
  stream.write(burst, (error) => { state.settled = true; state.error = error; });
  return state;
}

describe.each(CORES)('$backend core', (core) => {
  useCore(core);
  const produced = useChunkCounter();

  it('one 256 MiB write into a stalled consumer queues about a high-water mark of chunks and keeps its callback', async () => {
    const stream = chunkerStream(CHUNK);
    const written = writeTracked(stream, Buffer.allocUnsafe(HUGE));
    await settle();
    expect(stream.readableLength).toBeGreaterThanOrEqual(1);
    expect(stream.readableLength).toBeLessThanOrEqual(2 * stream.readableHighWaterMark);
    expect(produced.chunks).toBeLessThanOrEqual(2 * stream.readableHighWaterMark);
    expect(written.settled).toBe(false);
    expect(stream.writableNeedDrain || stream.writableLength > 0).toBe(true);

    for (let i = 0; i < 100; i++) expect(stream.read()).toHaveLength(CHUNK);
    await settle();
    expect(stream.readableLength).toBeLessThanOrEqual(2 * stream.readableHighWaterMark);
    expect(produced.chunks).toBeLessThanOrEqual(100 + 2 * stream.readableHighWaterMark);
    expect(written.settled).toBe(false);
    stream.destroy();
  });

  it('at 64-byte chunks, where one engine call writes 1,024 chunks, a stalled consumer still holds about a high-water mark of chunk objects', async () => {
    const stream = chunkerStream(64);
    const written = writeTracked(stream, Buffer.allocUnsafe(4 * 2 ** 20));
    await settle();
    const hwm = stream.readableHighWaterMark;
    expect(stream.readableLength).toBeGreaterThanOrEqual(1);
    expect(stream.readableLength).toBeLessThanOrEqual(2 * hwm);
    expect(produced.chunks).toBeLessThanOrEqual(2 * hwm);
    expect(written.settled).toBe(false);

    for (let i = 0; i < 1500; i++) expect(stream.read()).toHaveLength(64); // past one engine call's chunks
    await settle();
    expect(produced.chunks).toBeGreaterThanOrEqual(1500);
    expect(produced.chunks).toBeLessThanOrEqual(1500 + 2 * hwm);
    expect(written.settled).toBe(false);
    stream.destroy();
  });

  it('the write callback runs once its burst has been handed out, not before', async () => {
    const stream = chunkerStream(CHUNK);
    const written = writeTracked(stream, new Uint8Array(1000 * CHUNK));
    let read = 0;
    while (read < 900) {
      if (stream.read() !== null) read++;
      else await settle(1);
    }
    await settle();
    expect(written.settled).toBe(false);
    while (read < 1000) {
      if (stream.read() !== null) read++;
      else await settle(1);
    }
    await settle();
    expect(written.settled).toBe(true);
    expect(written.error ?? undefined).toBeUndefined();
    stream.destroy();
  });

  it('readableHighWaterMark sets how far it produces ahead', async () => {
    const stream = chunkerStream(CHUNK, { readableHighWaterMark: 100 });
    const written = writeTracked(stream, Buffer.allocUnsafe(HUGE));
    await settle();
    expect(produced.chunks).toBeGreaterThanOrEqual(100);
    expect(produced.chunks).toBeLessThanOrEqual(200);
    expect(written.settled).toBe(false);
    stream.destroy();
  });

  it('a slow consumer (piped into a sink that takes one chunk at a time) keeps the chunks in flight bounded', async () => {
    const stream = chunkerStream(CHUNK);
    let received = 0;
    let release: (() => void) | undefined;
    const sink = new Writable({
      objectMode: true,
      highWaterMark: 1,
      write(_chunk, _encoding, callback) { received++; release = callback; },
    });
    stream.pipe(sink);
    const written = writeTracked(stream, Buffer.allocUnsafe(HUGE));
    for (let step = 0; step < 200; step++) {
      await settle(2);
      // Queued here, in the sink's buffer, and the one chunk the pipe holds while the sink is full.
      expect(produced.chunks - received).toBeLessThanOrEqual(2 * stream.readableHighWaterMark + 2);
      release!();
    }
    expect(received).toBeGreaterThanOrEqual(200);
    expect(written.settled).toBe(false);
    stream.destroy();
    sink.destroy();
  });

  // With batch an array holds up to 64 KiB of chunks, at least a high-water mark of them and at
  // most 1 MiB: at 64 B 1,024 chunks, at 4096 B 16 (the high-water mark), at 100,000 B 10 (1 MiB).
  it.each([[64, 1024], [4096, 16], [100_000, 10]])(
    'with batch (%i-byte chunks), a stalled consumer holds a high-water mark of arrays of at most %i chunks',
    async (size, most) => {
      const stream = chunkerStream({ size, batch: true });
      const written = writeTracked(stream, Buffer.allocUnsafe(HUGE));
      await settle();
      const hwm = stream.readableHighWaterMark;
      expect(stream.readableLength).toBeGreaterThanOrEqual(1);
      expect(stream.readableLength).toBeLessThanOrEqual(2 * hwm);
      expect(produced.chunks).toBeLessThanOrEqual(2 * hwm * most);
      const batch = stream.read() as Uint8Array[];
      expect(batch).toHaveLength(most); // a fresh stream's first array is a full one
      for (const chunk of batch) expect(chunk).toHaveLength(size);
      await settle();
      expect(produced.chunks).toBeLessThanOrEqual(2 * hwm * most + most);
      expect(written.settled).toBe(false);
      stream.destroy();
    },
  );

  it('destroy stops producing a burst that waits for the consumer', async () => {
    const stream = chunkerStream(CHUNK);
    stream.on('error', () => {});
    const written = writeTracked(stream, Buffer.allocUnsafe(HUGE + 5));
    await settle();
    // Production paused at the consumer: a few chunks made of the burst's 65,536, the write pending.
    const before = produced.chunks;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before, 'chunks made before destroy').toBeLessThanOrEqual(2 * stream.readableHighWaterMark);
    expect(written.settled).toBe(false);
    stream.destroy(new Error('gone'));
    stream.read();
    await settle();
    expect(produced.chunks).toBe(before);
    expect(written.settled, 'the pending write is called back').toBe(true);
  });
});
