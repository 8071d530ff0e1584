// The WHATWG face's error, cancel and abort paths: both sides fail with SPEC codes, chunks completed
// before an error come first, cancel and abort reach the engine, and no promise is left unhandled.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChunkerStream, type ChunkerOptions, type SampleType, type StreamsImplementation } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { IMPLEMENTATIONS, settle, streamOf, track } from './support/web.js';
import { seq } from './support/util.js';

const rejection = (promise: Promise<unknown>) => promise.then(() => { throw new Error('resolved'); }, (error: unknown) => error);

// SPEC: no unhandled rejections on any path. Collected for the whole file, checked after each test.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => { process.on('unhandledRejection', onUnhandled); });
afterAll(() => { process.off('unhandledRejection', onUnhandled); });
afterEach(async () => {
  await settle();
  expect(unhandled.splice(0)).toEqual([]);
});

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe.each(IMPLEMENTATIONS)('$name streams', (impl) => {
    const open = <T extends SampleType = 'uint8'>(options: number | (ChunkerOptions<T> & { batch?: false })) => {
      const pair = new ChunkerStream<T, false, StreamsImplementation | undefined>(options, { streams: impl.streams });
      return { pair, writer: pair.writable.getWriter(), reader: pair.readable.getReader() };
    };

    it.each([
      ['a number', 42],
      ['a string (only the Node face and chunks() take strings)', 'abcd'],
      ['a typed array of another type', new Int16Array(4)],
    ])('a burst that is %s: the write rejects ERR_REFRAME_INPUT; the reader gets the chunks before it, then the error', async (_, bad) => {
      const { writer, reader } = open(4);
      await writer.write(seq(6));
      const error = await rejection(writer.write(bad as unknown as Uint8Array));
      expect(error).toMatchObject({ code: 'ERR_REFRAME_INPUT' });
      const first = await reader.read();
      expect(Array.from(first.value!)).toEqual([0, 1, 2, 3]);
      expect(await rejection(reader.read())).toBe(error);
      expect(await rejection(writer.closed)).toBe(error);
      expect(Array.from(first.value!)).toEqual([0, 1, 2, 3]); // handed out before the error: still valid
    });

    it("tail: 'error': close rejects ERR_REFRAME_TAIL with the samples; the reader gets the full chunks first", async () => {
      const { writer, reader } = open({ size: 4, tail: 'error' });
      const written = track(writer.write(seq(10)));
      const closed = rejection(writer.close());
      expect(Array.from((await reader.read()).value!)).toEqual([0, 1, 2, 3]);
      expect(Array.from((await reader.read()).value!)).toEqual([4, 5, 6, 7]);
      const error = await closed;
      expect(error).toMatchObject({ code: 'ERR_REFRAME_TAIL' });
      expect(Array.from((error as { tail: Uint8Array }).tail)).toEqual([8, 9]);
      expect(await rejection(reader.read())).toBe(error);
      await written.promise;
    });

    it('a stream ending inside a sample: close rejects ERR_REFRAME_INPUT, then the reader', async () => {
      const { writer, reader } = open({ size: 4, type: 'float32' });
      await writer.write(new Uint8Array(6));
      const error = await rejection(writer.close());
      expect(error).toMatchObject({ code: 'ERR_REFRAME_INPUT' });
      expect(await rejection(reader.read())).toBe(error);
    });

    it('a bad burst inside pipeThrough: the readable side delivers the chunks before it, then errors; the source is cancelled', async () => {
      let cancelled: unknown;
      const source = new impl.ReadableStream<unknown>({
        start(controller) { controller.enqueue(seq(4)); controller.enqueue(null); },
        cancel(reason) { cancelled = reason; },
      });
      const reader = source.pipeThrough(new ChunkerStream(2, { streams: impl.streams }) as never as ReadableWritablePair<Uint8Array, unknown>).getReader();
      expect(Array.from((await reader.read()).value!)).toEqual([0, 1]);
      expect(Array.from((await reader.read()).value!)).toEqual([2, 3]);
      const error = await rejection(reader.read());
      expect(error).toMatchObject({ code: 'ERR_REFRAME_INPUT' });
      await settle();
      expect(cancelled).toBe(error);
    });

    it("a source's error reaches the readable side through pipeThrough (abort)", async () => {
      const failure = new Error('source failed');
      const source = new impl.ReadableStream<Uint8Array>({
        start(controller) { controller.enqueue(seq(3)); },
        pull(controller) { controller.error(failure); },
      });
      const reader = source.pipeThrough(new ChunkerStream(2, { streams: impl.streams })).getReader();
      let read: ReadableStreamReadResult<Uint8Array> | undefined;
      const error = await rejection((async () => { do read = await reader.read(); while (!read.done); })());
      expect(error).toBe(failure);
    });

    it('cancel on the readable side rejects a write waiting for the consumer and errors the writable side', async () => {
      const { writer, reader } = open(4);
      const pendingWrite = rejection(writer.write(new Uint8Array(4096 * 1024))); // far more than the queue holds
      await settle();
      const reason = new Error('not interested');
      await reader.cancel(reason);
      expect(await pendingWrite).toBe(reason);
      expect(await rejection(writer.write(seq(4)))).toBe(reason);
      expect(await rejection(writer.closed)).toBe(reason);
    });

    it('cancel on the readable side discards what the engine holds', async () => {
      const { pair, writer, reader } = open(4);
      await writer.write(seq(3));
      expect(pair.pending).toBe(3);
      await reader.cancel();
      expect(pair.pending).toBe(0);
      expect(await rejection(writer.closed)).toBeUndefined();
    });

    it('abort on the writable side reaches the engine while a write waits for the consumer', async () => {
      const { writer, reader } = open(4);
      const pendingWrite = rejection(writer.write(new Uint8Array(4096 * 1024)));
      await settle();
      const reason = new Error('producer gave up');
      const aborted = writer.abort(reason);
      expect(await pendingWrite).toBe(reason);
      await aborted;
      expect(await rejection(reader.read())).toBe(reason);
    });

    it('abort with no write in flight discards what the engine holds and errors the readable side', async () => {
      const { pair, writer, reader } = open(4);
      await writer.write(seq(3));
      expect(pair.pending).toBe(3);
      const reason = new Error('stop');
      await writer.abort(reason);
      expect(pair.pending).toBe(0);
      expect(await rejection(reader.read())).toBe(reason);
    });

    it('an error with nobody reading leaves no promise unhandled', async () => {
      const { pair, writer } = open({ size: 4, tail: 'error' });
      void pair;
      await writer.write(seq(6));
      expect(await rejection(writer.close())).toMatchObject({ code: 'ERR_REFRAME_TAIL' });
    });

    it('pipeThrough into a stream that fails leaves no promise unhandled', async () => {
      const readable = streamOf(impl, [seq(4), 'oops' as unknown as Uint8Array, seq(4)])
        .pipeThrough(new ChunkerStream({ size: 4, batch: true }, { streams: impl.streams }));
      const sink = new impl.WritableStream<unknown>();
      expect(await rejection(readable.pipeTo(sink))).toMatchObject({ code: 'ERR_REFRAME_INPUT' });
    });
  });
});
