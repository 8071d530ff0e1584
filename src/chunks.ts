// The async-iterator face: chunks of any (async) iterable of bursts, produced as the loop pulls.
// No `node:` imports: browsers load this file too.
import { describe, inputError } from './errors.js';
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

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

// A ReadableStream without async iteration (browsers, older polyfills): read it with a reader,
// and cancel it when the loop stops early.
async function* readAll(stream: { getReader(): Reader }): AsyncGenerator<unknown> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const result = await reader.read();
      if (result.done) {
        done = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (!done) await Promise.resolve(reader.cancel()).catch(() => undefined);
    reader.releaseLock();
  }
}

function bursts(source: unknown): Iterable<unknown> | AsyncIterable<unknown> {
  if (isObject(source) && !ArrayBuffer.isView(source)) {
    if (typeof source[Symbol.asyncIterator] === 'function') return source as unknown as AsyncIterable<unknown>;
    if (typeof source.getReader === 'function') return readAll(source as { getReader(): Reader });
    if (typeof source[Symbol.iterator] === 'function') return source as unknown as Iterable<unknown>;
  }
  throw inputError(`chunks() reads an iterable, an async iterable or a ReadableStream of bursts; got ${describe(source)}` +
    (typeof source === 'string' || ArrayBuffer.isView(source) ? ' (wrap a single burst in an array)' : ''));
}

async function* generate(source: Iterable<unknown> | AsyncIterable<unknown>, reframer: Reframer): AsyncGenerator<AnyChunk | AnyChunk[]> {
  // A sync iterable is read with for...of: for await would await every burst it yields (a thenable
  // check on each, which runs a Proxy's traps and can throw), and a burst is never a promise.
  const iterable = typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
  // After each burst, the event loop turns if the runtime's recycled memory needs it (memory.ts).
  if (iterable) {
    for await (const burst of source as AsyncIterable<unknown>) {
      yield* reframe(burst, reframer);
      const turn = turnIfDue();
      if (turn) await turn;
    }
  } else {
    for (const burst of source as Iterable<unknown>) {
      yield* reframe(burst, reframer);
      const turn = turnIfDue();
      if (turn) await turn;
    }
  }
  const tail = reframer.flush();
  if (tail) yield reframer.options.batch ? [tail] : tail;
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
 * leaving the loop early releases the source (return() on its iterator, cancel() on a stream).
 *
 * @throws TypeError | RangeError with `code: 'ERR_REFRAME_OPTION'` for bad options, and a TypeError
 *   with `code: 'ERR_REFRAME_INPUT'` for a source that is not iterable, at the call.
 */
export function chunks<T extends SampleType = 'uint8', B extends boolean = false>(
  source: BurstSource,
  options: number | (ChunkerOptions<T> & { batch?: B }),
): AsyncGenerator<ChunksItemOf<T, B>, void, undefined> {
  const reframer = new Reframer(resolveOptions(options));
  return generate(bursts(source), reframer) as AsyncGenerator<ChunksItemOf<T, B>, void, undefined>;
}
