// The async-iterator face: chunks of any (async) iterable of bursts, produced as the loop pulls.
// No `node:` imports: browsers load this file too.
import { describe, inputError, optionError } from './errors.js';
import { resolveOptions, type ChunkerOptions } from './options.js';
import { byteLengthOf, toBytes } from './input.js';
import { Reframer } from './reframer.js';
import { turnIfDue } from './memory.js';
import type { AnyChunk, ChunkOf, SampleType } from './types.js';

/** What `chunks()` reads bursts from: an iterable, an async iterable (a Node Readable, an async generator), or a WHATWG ReadableStream. */
export type BurstSource<Burst = unknown> =
  | Iterable<Burst>
  | AsyncIterable<Burst>
  | { getReader(): { read(): PromiseLike<{ done?: boolean; value?: Burst }>; cancel(reason?: unknown): PromiseLike<void>; releaseLock(): void } };

/** What `chunks()` yields: a chunk, or with `batch: true` an array of chunks. */
export type ChunksItemOf<T extends SampleType, B extends boolean> = B extends true ? ChunkOf<T>[] : ChunkOf<T>;

type Reader = ReturnType<Extract<BurstSource, { getReader(): unknown }>['getReader']>;

/** What `chunks()` takes besides the chunker options. */
export interface ChunksOptions {
  /**
   * Ends the loop when aborted: the pending or next `next()` rejects with an `AbortError` (`name`
   * `'AbortError'`, `code` `'ABORT_ERR'`, `cause` the signal's reason) and the source is released
   * at once, also while the loop waits for it.
   */
  signal?: AbortSignal;
}

/** What the abort handling needs of a signal (the platform's AbortSignal has it; so do polyfills). */
interface SignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function checkSignal(signal: unknown): SignalLike | undefined {
  if (signal === undefined) return undefined;
  if (isObject(signal) && typeof signal.aborted === 'boolean' &&
      typeof signal.addEventListener === 'function' && typeof signal.removeEventListener === 'function') {
    return signal as unknown as SignalLike;
  }
  throw optionError('type', 'signal', signal, 'an AbortSignal');
}

/** The error an aborted loop ends with, as Node's own APIs make it (no `node:` import: browsers too). */
function abortError(signal: SignalLike): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

const ignore = (): undefined => undefined;

// A ReadableStream without async iteration (browsers, older polyfills): read it with a reader. An
// iterator rather than a generator, so that return() reaches the stream even while a read is pending
// (a generator would queue it behind that read): it cancels the stream and releases the lock.
function readAll(stream: { getReader(): Reader }): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      const reader = stream.getReader();
      let open = true;
      const close = (): void => {
        open = false;
        reader.releaseLock();
      };
      return {
        async next() {
          let result: { done?: boolean; value?: unknown };
          try {
            result = await reader.read();
          } catch (error) {
            if (open) close();
            throw error;
          }
          if (!result.done) return { done: false, value: result.value };
          if (open) close();
          return { done: true, value: undefined };
        },
        async return() {
          if (open) {
            open = false;
            await Promise.resolve(reader.cancel()).catch(ignore);
            reader.releaseLock();
          }
          return { done: true, value: undefined };
        },
      };
    },
  };
}

// A WHATWG ReadableStream is read with a reader even where it is async-iterable: the platform's
// iterator queues return() behind a pending read (WebIDL), so an abort could not release a stream
// that sends nothing; reader.cancel() ends that read at once.
function bursts(source: unknown): Iterable<unknown> | AsyncIterable<unknown> {
  if (isObject(source) && !ArrayBuffer.isView(source)) {
    if (typeof source.getReader === 'function') return readAll(source as { getReader(): Reader });
    if (typeof source[Symbol.asyncIterator] === 'function') return source as unknown as AsyncIterable<unknown>;
    if (typeof source[Symbol.iterator] === 'function') return source as unknown as Iterable<unknown>;
  }
  throw inputError(`chunks() reads an iterable, an async iterable or a ReadableStream of bursts; got ${describe(source)}` +
    (typeof source === 'string' || ArrayBuffer.isView(source) ? ' (wrap a single burst in an array)' : ''));
}

/**
 * Releases a Node stream (or a streamx one) at once: its async iterator is a generator, which runs
 * return() only after a pending read, and a socket that sends nothing would never get there.
 */
function destroyStream(source: unknown): void {
  if (isObject(source) && typeof source.destroy === 'function' && typeof source.pipe === 'function') {
    (source as { destroy(): unknown }).destroy();
  }
}

async function* generate(
  source: Iterable<unknown> | AsyncIterable<unknown>, reframer: Reframer, signal: SignalLike | undefined,
): AsyncGenerator<AnyChunk | AnyChunk[]> {
  // A sync iterable is read synchronously: awaiting every burst it yields would run a thenable check
  // on each (which runs a Proxy's traps and can throw), and a burst is never a promise.
  const sync = typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function';
  const iterator = sync
    ? (source as Iterable<unknown>)[Symbol.iterator]()
    : (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  // Whether the source may still be released: not once it ended or failed (as for...of), nor twice.
  let open = true;
  const release = (): unknown => {
    if (!open) return undefined;
    open = false;
    return iterator.return?.();
  };
  // With a signal: the abort releases the source at once (without waiting for its return(), which a
  // source that is busy reading may settle only later) and rejects the read the loop waits on.
  let aborted: Promise<never> | undefined;
  let onAbort: (() => void) | undefined;
  if (signal !== undefined) {
    const stop = (): void => {
      Promise.resolve(release()).catch(ignore);
      destroyStream(source);
    };
    if (signal.aborted) {
      stop();
      throw abortError(signal);
    }
    aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        reject(abortError(signal));
        if (open) stop();
      };
    });
    aborted.catch(ignore);
    signal.addEventListener('abort', onAbort!, { once: true });
  }
  const stopIfAborted = (): void => {
    if (signal?.aborted) throw abortError(signal);
  };
  try {
    for (;;) {
      let result: IteratorResult<unknown>;
      try {
        if (sync) {
          result = (iterator as Iterator<unknown>).next();
        } else {
          const next = (iterator as AsyncIterator<unknown>).next();
          if (aborted !== undefined) Promise.resolve(next).catch(ignore); // settles after an abort, unread
          result = await (aborted === undefined ? next : Promise.race([next, aborted]));
        }
        if (!isObject(result)) throw new TypeError(`the source's iterator returned ${describe(result)}, not an object`);
      } catch (error) {
        if (!signal?.aborted) open = false; // the source failed: it is not released (as for...of)
        throw error;
      }
      if (result.done) {
        open = false;
        break;
      }
      for (const item of reframe(result.value, reframer)) {
        yield item;
        stopIfAborted();
      }
      // After each burst, the event loop turns if the runtime's recycled memory needs it (memory.ts).
      const turn = turnIfDue();
      if (turn) await turn;
      stopIfAborted();
    }
    const tail = reframer.flush();
    if (tail) yield reframer.options.batch ? [tail] : tail;
  } finally {
    if (onAbort !== undefined) signal!.removeEventListener('abort', onAbort);
    // Leaving early (break, a throw, a bad burst) releases the source and waits for it, as for...of
    // does; after an abort the release already started and is not waited for.
    const released = release();
    if (released !== undefined && !signal?.aborted) await released;
  }
}

// The chunks of one burst, one engine call at a time: at most one slab of chunks is alive here while
// the loop consumes it. The loop's body may detach or shrink the burst's buffer meanwhile: step()
// then throws, coded.
function* reframe(burst: unknown, reframer: Reframer): Generator<AnyChunk | AnyChunk[]> {
  const { options } = reframer;
  const bytes = toBytes(burst, options, true);
  const end = byteLengthOf(bytes);
  let offset = 0;
  while (offset < end) {
    const step: AnyChunk[] = [];
    offset = reframer.step(bytes, offset, end, reframer.slabChunks, step);
    if (step.length === 0) continue;
    if (options.batch) yield step;
    else yield* step;
  }
}

/**
 * Re-frames any iterable or async iterable of bursts (arrays of buffers, Node Readables, WHATWG
 * ReadableStreams, async generators) into chunks: `for await (const chunk of chunks(socket, 1500))`.
 * Strings are UTF-8 bytes when `type` is `'uint8'`. A huge burst is re-framed as the loop pulls;
 * leaving the loop early releases the source (return() on its iterator, cancel() on a stream), and so
 * does aborting `signal`, which ends the loop with an `AbortError`.
 *
 * @throws TypeError | RangeError with `code: 'ERR_REFRAME_OPTION'` for bad options (`signal` not an
 *   AbortSignal among them), and a TypeError with `code: 'ERR_REFRAME_INPUT'` for a source that is not
 *   iterable, at the call.
 */
export function chunks<T extends SampleType = 'uint8', B extends boolean = false>(
  source: BurstSource,
  options: number | (ChunkerOptions<T> & { batch?: B } & ChunksOptions),
): AsyncGenerator<ChunksItemOf<T, B>, void, undefined> {
  const resolved = resolveOptions(options, ['signal']);
  const signal = typeof options === 'object' ? checkSignal(options.signal) : undefined;
  const reframer = new Reframer(resolved);
  return generate(bursts(source), reframer, signal) as AsyncGenerator<ChunksItemOf<T, B>, void, undefined>;
}
