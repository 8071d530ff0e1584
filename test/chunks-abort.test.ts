// chunks(source, { size, signal }) (SPEC "Faces": an AbortSignal ends it, with an AbortError): the
// signal is validated at the call; an abort ends the loop with an AbortError whose cause is the
// signal's reason and releases the source at once, also while the loop waits for the source; an
// already-aborted signal rejects the first next(). On both cores.
import { getEventListeners } from 'node:events';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chunks } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { IMPLEMENTATIONS } from './support/web.js';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);
const rejection = (promise: Promise<unknown>) => promise.then(() => { throw new Error('resolved'); }, (error: unknown) => error);
const ABORT = { name: 'AbortError', code: 'ABORT_ERR' };

/** An async iterator over endless bursts whose next() never settles once `stall` is set; counts return() calls. */
function stallingSource() {
  const state = { stall: false, returns: 0, nexts: 0 };
  const iterable: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        state.nexts++;
        return state.stall ? new Promise<IteratorResult<Uint8Array>>(() => {}) : Promise.resolve({ done: false, value: bytes(8) });
      },
      return: () => {
        state.returns++;
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  return { iterable, state };
}

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe('the signal option', () => {
    it('is accepted: a signal that never aborts changes nothing, and its listener is gone after the loop', async () => {
      const controller = new AbortController();
      const out: number[] = [];
      for await (const chunk of chunks([bytes(6), bytes(4)], { size: 4, signal: controller.signal })) out.push(chunk.length);
      expect(out).toEqual([4, 4, 2]);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('the listener is gone after a break, too', async () => {
      const controller = new AbortController();
      for await (const chunk of chunks([bytes(8)], { size: 4, signal: controller.signal })) {
        expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
        expect(chunk).toHaveLength(4);
        break;
      }
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it.each([
      ['null', null], ['a string', 'abort'], ['a plain object', {}], ['true', true],
      ['an AbortController', new AbortController()],
    ])('%s as signal is ERR_REFRAME_OPTION (TypeError) at the call', (_, signal) => {
      expect(() => chunks([], { size: 4, signal: signal as AbortSignal })).toThrow(
        expect.objectContaining({ code: 'ERR_REFRAME_OPTION', name: 'TypeError' }),
      );
    });

    it('signal: undefined is no signal', async () => {
      const out = [];
      for await (const chunk of chunks([bytes(4)], { size: 4, signal: undefined })) out.push(chunk);
      expect(out).toHaveLength(1);
    });
  });

  describe('an abort', () => {
    it('between chunks of one burst: the next next() rejects with an AbortError (cause: the reason) and the source is released', async () => {
      let finished = false;
      function* source() { try { yield bytes(16); yield bytes(16); } finally { finished = true; } }
      const controller = new AbortController();
      const reason = new Error('enough');
      const got: Uint8Array[] = [];
      const error = await rejection((async () => {
        for await (const chunk of chunks(source(), { size: 4, signal: controller.signal })) {
          got.push(chunk);
          if (got.length === 2) controller.abort(reason);
        }
      })());
      expect(error).toMatchObject(ABORT);
      expect((error as Error).cause).toBe(reason);
      expect(got).toHaveLength(2); // no chunk after the abort, though the burst held two more
      expect(finished).toBe(true);
    });

    it('while the loop waits on the source: the pending next() rejects at once and return() is called on the source', async () => {
      const { iterable, state } = stallingSource();
      const controller = new AbortController();
      const iterator = chunks(iterable, { size: 8, signal: controller.signal });
      expect((await iterator.next()).value).toHaveLength(8);
      state.stall = true;
      const pending = iterator.next();
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(state.nexts).toBe(2); // the loop is waiting on the source
      controller.abort();
      const error = await rejection(pending);
      expect(error).toMatchObject(ABORT);
      expect((error as Error).cause).toBe(controller.signal.reason); // the default reason, a DOMException
      expect(state.returns).toBe(1);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
      expect(state.returns).toBe(1);
    });

    it('while waiting on a Node Readable that sends nothing: the Readable is destroyed', async () => {
      const readable = new Readable({ read() {} });
      const controller = new AbortController();
      const pending = chunks(readable, { size: 4, signal: controller.signal }).next();
      await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      expect(await rejection(pending)).toMatchObject(ABORT);
      await new Promise((resolve) => setImmediate(resolve));
      expect(readable.destroyed).toBe(true);
    });

    // Aborts a loop waiting on `source` (over `stream`, which sends nothing): an AbortError, and the
    // stream cancelled and unlocked.
    async function abortWhileWaiting(stream: ReadableStream<Uint8Array>, source: unknown, cancelled: () => boolean): Promise<void> {
      const controller = new AbortController();
      const pending = chunks(source as ReadableStream<Uint8Array>, { size: 4, signal: controller.signal }).next();
      await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      expect(await rejection(pending)).toMatchObject(ABORT);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(cancelled()).toBe(true);
      expect(stream.locked).toBe(false);
    }

    it.each(IMPLEMENTATIONS)('while waiting on a ReadableStream ($name) that sends nothing: the stream is cancelled and unlocked', async (impl) => {
      let cancelled = false;
      const stream = new impl.ReadableStream<Uint8Array>({ cancel() { cancelled = true; } });
      await abortWhileWaiting(stream, stream, () => cancelled);
    });

    it('while waiting on a reader-only stream: the stream is cancelled with a pending read, and unlocked', async () => {
      let cancelled = false;
      const stream = new ReadableStream<Uint8Array>({ cancel() { cancelled = true; } });
      await abortWhileWaiting(stream, { getReader: () => stream.getReader() }, () => cancelled);
    });

    it('before the loop starts: the first next() rejects with an AbortError and the source is released', async () => {
      const { iterable, state } = stallingSource();
      const controller = new AbortController();
      controller.abort('stop');
      const iterator = chunks(iterable, { size: 8, signal: controller.signal });
      const error = await rejection(iterator.next());
      expect(error).toMatchObject(ABORT);
      expect((error as Error).cause).toBe('stop');
      expect(state.nexts).toBe(0);
      expect(state.returns).toBe(1);
    });

    it('after the loop ended changes nothing', async () => {
      const controller = new AbortController();
      const out = [];
      for await (const chunk of chunks([bytes(4)], { size: 4, signal: controller.signal })) out.push(chunk);
      controller.abort();
      expect(out).toHaveLength(1);
    });
  });
});
