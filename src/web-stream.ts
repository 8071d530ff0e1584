// The WHATWG face: a { readable, writable } pair that moves chunks, honours backpressure inside a
// burst and routes errors. All framing happens in the Reframer. No `node:` imports and no Buffer:
// browsers load this file too.
import { noStreamsError, optionError } from './errors.js';
import { checkKeys, resolveOptions, type ChunkerOptions } from './options.js';
import { byteLengthOf, toBytes } from './input.js';
import { Reframer, batchChunks } from './reframer.js';
import { afterTurnIfDue, turnIfDue } from './memory.js';
import type { AnyChunk, ChunkOf, SampleType } from './types.js';

/** A WHATWG streams implementation: the platform's (`globalThis`), the polyfill's, or any other. */
export interface StreamsImplementation {
  /** Its `ReadableStream` class: a pair's readable side is one. */
  readonly ReadableStream: abstract new (...args: any[]) => unknown;
  /** Its `WritableStream` class: a pair's writable side is one. */
  readonly WritableStream: abstract new (...args: any[]) => unknown;
  /** Its `TransformStream` class (a pair is built from the other two). */
  readonly TransformStream: abstract new (...args: any[]) => unknown;
}

/** The second argument of `new ChunkerStream(options, init)`. */
export interface ChunkerStreamInit {
  /**
   * Build the pair on this implementation (default: the platform's; where it has none, the one
   * `import 'reframer/polyfill'` registered: web-streams-polyfill's ponyfill).
   */
  streams?: StreamsImplementation;
  /**
   * Chunks the readable side queues before it stops producing (default 16). One engine call
   * writes up to 64 KiB of chunks (at least one, and at least `highWaterMark` of them; never more
   * than 1 MiB); without `batch` their chunk objects are made only as the queue has room. With
   * `batch`, those chunks are one array, and production stops once the queue holds
   * `highWaterMark` chunks or one array.
   */
  highWaterMark?: number;
}

/** What a ChunkerStream's readable side hands out: a chunk, or with `batch: true` an array of chunks. */
export type WebItemOf<T extends SampleType, B extends boolean> = B extends true ? ChunkOf<T>[] : ChunkOf<T>;

/** What a ChunkerStream's writable side takes: raw bytes, or typed samples of the option's element type. */
export type WebBurst = ArrayBufferView | ArrayBufferLike;

// The pair's types follow `streams` without naming any implementation's package (the published
// types must not need web-streams-polyfill, the user's opt-in install): the platform's streams,
// typed by item, where `streams` is left out, is the platform's or has classes the platform's
// streams fit; otherwise that implementation's own classes (`streams.ReadableStream.prototype`'s
// type), whose items TypeScript cannot re-type from here (they are `any`).
/** The readable side's type on implementation `S`. */
export type WebReadableOf<S, R> = S extends { readonly ReadableStream: { readonly prototype: infer I } }
  ? (ReadableStream<any> extends I ? ReadableStream<R> : I)
  : ReadableStream<R>;
/** The writable side's type on implementation `S`. */
export type WebWritableOf<S, W> = S extends { readonly WritableStream: { readonly prototype: infer I } }
  ? (WritableStream<any> extends I ? WritableStream<W> : I)
  : WritableStream<W>;

const DEFAULT_HIGH_WATER_MARK = 16;
const INIT_KEYS = ['streams', 'highWaterMark'];

// The second argument, validated like the first: an object (or nothing) of known keys only, so
// that a typo ({ hwm: 4 }) or a chunker option in the wrong place is an error, not a default.
function checkInit(init: unknown = {}): ChunkerStreamInit {
  checkKeys(init, INIT_KEYS, 'init', 'an object');
  return init;
}

// What a pair falls back on where the platform has no streams: set only by `reframer/polyfill`
// (src/polyfill.ts), so that the polyfill is bundled only by apps that import it.
let fallback: StreamsImplementation | undefined;

/** Registers the implementation pairs fall back on where the platform has no streams (internal). */
export function useFallbackStreams(streams: StreamsImplementation): void {
  fallback = streams;
}

function pickStreams(streams: StreamsImplementation | undefined): StreamsImplementation {
  if (streams === undefined) {
    const platform = globalThis as Partial<StreamsImplementation>;
    if (typeof platform.ReadableStream === 'function' && typeof platform.WritableStream === 'function') {
      return platform as StreamsImplementation;
    }
    if (fallback !== undefined) return fallback;
    throw noStreamsError();
  }
  if (typeof streams !== 'object' || streams === null ||
      typeof streams.ReadableStream !== 'function' || typeof streams.WritableStream !== 'function') {
    throw optionError('type', 'streams', streams, 'an object with ReadableStream and WritableStream');
  }
  return streams;
}

interface Work {
  readonly bytes: Uint8Array; // a snapshot (toBytes), `end` bytes long when accepted
  readonly end: number;
  offset: number;
  failure: { error: unknown } | undefined; // the burst was detached or shrunk while being read
  // The write's promise, made only if the burst outlives the write() call that brought it.
  resolve: (() => void) | undefined;
  reject: ((reason: unknown) => void) | undefined;
}

/**
 * A WHATWG `{ readable, writable }` pair re-framing bursts into fixed-size chunks:
 * `response.body.pipeThrough(new ChunkerStream({ size: 188 }))`. Chunks are produced as the
 * readable side's queue has room, so one huge write keeps only about `highWaterMark` chunks alive
 * (and at most one engine call's 64 KiB of bytes written ahead); its promise settles once the whole
 * burst has been handed to the readable side.
 */
export class ChunkerStream<
  T extends SampleType = 'uint8',
  B extends boolean = false,
  S extends StreamsImplementation | undefined = StreamsImplementation | undefined,
> {
  /** The side chunks are read from: one chunk per item, or with `batch: true` an array of chunks. */
  readonly readable: WebReadableOf<S, WebItemOf<T, B>>;
  /** The side bursts are written to: raw bytes, or typed samples of the option's element type. */
  readonly writable: WebWritableOf<S, WebBurst>;
  readonly #reframer: Reframer;
  readonly #highWaterMark: number; // production stops once the queue holds this many chunks
  // The readable side's own high-water mark: desiredSize equals it exactly when the queue is empty,
  // and the queue holds `#queueMark - desiredSize` chunks. Without batch it is 1 (0 for a
  // highWaterMark of 0), so the stream pulls only once its queue is empty and each pull refills it
  // to #highWaterMark. A queue that drains to empty stays short: Node's queue shifts every entry left
  // on each read (a write barrier each), which at a constant 16–31 entries was 7 % of the profile.
  readonly #queueMark: number;
  readonly #max: number; // chunks per engine call: up to 64 KiB of them (batchChunks); one array with batch
  readonly #batch: boolean;
  #chunks: AnyChunk[] = []; // with batch, the array one engine call fills; handed out as is
  #readable!: ReadableStreamDefaultController<WebItemOf<T, B>>;
  #writable!: WritableStreamDefaultController;
  #work: Work | undefined; // the burst being produced; its write settles once all its chunks are queued
  #parked: (() => void) | undefined; // a pull waiting for the next burst: the stream is "pulling"
  #failure: { error: unknown } | undefined; // errors the readable side once its queue is read

  /**
   * @throws TypeError | RangeError with `code: 'ERR_REFRAME_OPTION'` for bad options in either
   * argument (`init` takes `streams` and `highWaterMark` only); Error with `code:
   * 'ERR_REFRAME_NO_STREAMS'` where the platform has no streams, none was passed as `streams` and
   * `reframer/polyfill` was not imported.
   */
  constructor(options: number | (ChunkerOptions<T> & { batch?: B }), init?: ChunkerStreamInit & { streams?: S }) {
    const resolved = resolveOptions(options);
    const { streams, highWaterMark = DEFAULT_HIGH_WATER_MARK } = checkInit(init) as ChunkerStreamInit & { streams?: S };
    if (!Number.isSafeInteger(highWaterMark) || highWaterMark < 0) {
      throw optionError(typeof highWaterMark === 'number' ? 'range' : 'type', 'highWaterMark', highWaterMark, 'an integer ≥ 0');
    }
    const { ReadableStream: Readable, WritableStream: Writable } = pickStreams(streams) as unknown as typeof globalThis;
    this.#reframer = new Reframer(resolved);
    this.#highWaterMark = highWaterMark;
    this.#batch = resolved.batch;
    this.#queueMark = resolved.batch ? highWaterMark : Math.min(highWaterMark, 1);
    this.#max = batchChunks(resolved.chunkBytes, highWaterMark);
    const readable = new Readable<WebItemOf<T, B>>({
      start: (controller) => { this.#readable = controller; },
      pull: () => this.#pull(),
      cancel: (reason) => {
        this.#release(reason);
        this.#writable.error(reason);
      },
    }, resolved.batch
      ? { highWaterMark, size: (item) => (item as AnyChunk[]).length }
      : { highWaterMark: this.#queueMark });
    const writable = new Writable<WebBurst>({
      start: (controller) => {
        this.#writable = controller;
        // An abort must reach the engine even while a write waits for the consumer (the sink's
        // abort() would only run after that write settles).
        controller.signal?.addEventListener('abort', () => this.#abort(controller.signal.reason));
      },
      write: (burst) => this.#write(burst),
      close: () => this.#close(),
      abort: (reason) => this.#abort(reason),
    }, { highWaterMark: 1 });
    this.readable = readable as WebReadableOf<S, WebItemOf<T, B>>;
    this.writable = writable as WebWritableOf<S, WebBurst>;
  }

  /** Whole samples received that no chunk has held yet. */
  get pending(): number {
    return this.#reframer.pending;
  }

  #write(burst: unknown): Promise<void> | undefined {
    let bytes: Uint8Array;
    try {
      bytes = toBytes(burst, this.#reframer.options, false);
    } catch (error) {
      this.#fail(error);
      return Promise.reject(error);
    }
    const work: Work = { bytes, end: byteLengthOf(bytes), offset: 0, failure: undefined, resolve: undefined, reject: undefined };
    this.#work = work;
    // Produce at once if a pull is parked (the stream is pulling, so enqueue() cannot re-enter), or
    // if the queue has room: a stream that is not pulling holds at least #queueMark chunks and no
    // waiting read, so enqueuing more cannot make it call pull() from inside enqueue().
    const parked = this.#parked;
    if ((parked !== undefined || this.#queued() < this.#highWaterMark) && this.#produce() && parked !== undefined) {
      this.#unpark();
    }
    // Consumed at once (a burst that fits the queue's room): no promise to make or settle.
    if (this.#work !== work) return work.failure ? Promise.reject(work.failure.error) : turnIfDue();
    return new Promise<void>((resolve, reject) => {
      work.resolve = resolve;
      work.reject = reject;
    });
  }

  // The readable side wants items: produce, or with nothing to produce stay pulling (so
  // enqueue() cannot re-enter) until the next write or the end.
  #pull(): Promise<void> | undefined {
    if (this.#failure) {
      if (this.#readable.desiredSize === this.#queueMark) this.#readable.error(this.#failure.error);
      return undefined;
    }
    if (this.#produce()) return undefined;
    return new Promise((resolve) => { this.#parked = resolve; });
  }

  // Chunks in the readable side's queue (an array counts its chunks); Infinity once it is errored.
  #queued(): number {
    const desiredSize = this.#readable.desiredSize;
    return desiredSize === null ? Infinity : this.#queueMark - desiredSize;
  }

  // Hands out the current burst until the queue holds #highWaterMark chunks (at least one item) or
  // the burst is consumed and handed out, which settles its write. Only where enqueue() cannot
  // re-enter (see #write). Returns whether anything was enqueued.
  #produce(): boolean {
    const work = this.#work;
    try {
      return this.#batch ? this.#produceArrays() : this.#produceChunks();
    } catch (error) {
      // Only the reframer throws in there (enqueue cannot, where #produce runs): the burst was
      // detached or shrunk while it was being read. Its write fails, after the chunks before it.
      if (work === undefined || this.#work !== work) throw error;
      this.#work = undefined;
      work.failure = { error };
      this.#fail(error);
      work.reject?.(error);
      return true;
    }
  }

  // One engine call (fill) writes up to 64 KiB of chunks; chunk objects are made (take) only as the
  // queue has room, so a stalled reader holds #highWaterMark chunk objects and one step's bytes.
  // At 64-byte chunks: one native crossing per 1,024 chunks instead of per highWaterMark.
  #produceChunks(): boolean {
    const reframer = this.#reframer;
    const readable = this.#readable as ReadableStreamDefaultController<AnyChunk>;
    let produced = false;
    for (;;) {
      let ready = reframer.ready;
      if (ready === 0) {
        const work = this.#work;
        if (work === undefined) return produced;
        if (work.offset === work.end) {
          this.#work = undefined;
          if (work.resolve) afterTurnIfDue(work.resolve);
          return produced;
        }
        if (produced && this.#queued() >= this.#highWaterMark) return true;
        work.offset = reframer.fill(work.bytes, work.offset, work.end, this.#max);
        ready = reframer.ready;
        if (ready === 0) continue;
      }
      let room = this.#highWaterMark - this.#queued();
      if (room <= 0) {
        if (produced) return true;
        room = 1; // called with nothing produced yet: a read is waiting (highWaterMark 0)
      }
      for (let i = Math.min(room, ready); i > 0; i--) readable.enqueue(reframer.take());
      produced = true;
    }
  }

  // With batch: one step (one array of up to 64 KiB of chunks) at a time.
  #produceArrays(): boolean {
    let produced = false;
    for (let work = this.#work; work !== undefined; work = this.#work) {
      if (produced && this.#queued() >= this.#highWaterMark) break;
      const chunks = this.#chunks; // a new array after each one is handed out
      work.offset = this.#reframer.step(work.bytes, work.offset, work.end, this.#max, chunks);
      if (work.offset === work.end) {
        this.#work = undefined;
        if (work.resolve) afterTurnIfDue(work.resolve);
      }
      if (chunks.length > 0) {
        this.#enqueue(chunks);
        produced = true;
      }
    }
    return produced;
  }

  // Hands out (and empties) what #chunks holds: the array itself with batch, else chunk by chunk.
  #enqueue(chunks: AnyChunk[]): void {
    const readable = this.#readable as ReadableStreamDefaultController<AnyChunk | AnyChunk[]>;
    if (this.#batch) {
      if (chunks === this.#chunks) this.#chunks = [];
      readable.enqueue(chunks);
      return;
    }
    try {
      for (let i = 0; i < chunks.length; i++) readable.enqueue(chunks[i]!);
    } finally {
      chunks.length = 0;
    }
  }

  #close(): void {
    let tail: AnyChunk | undefined;
    try {
      tail = this.#reframer.flush();
    } catch (error) {
      this.#fail(error);
      throw error;
    }
    if (tail) this.#enqueue([tail]);
    this.#readable.close();
    this.#unpark();
  }

  #abort(reason: unknown): void {
    this.#release(reason);
    this.#readable.error(reason);
  }

  // The writable side failed: the readable side errors too, after the chunks already queued.
  #fail(error: unknown): void {
    this.#failure = { error };
    this.#unpark();
    if (this.#readable.desiredSize === this.#queueMark) this.#readable.error(error);
  }

  // Cancelled or aborted: drop the burst (its write rejects) and whatever the engine holds.
  #release(reason?: unknown): void {
    const work = this.#work;
    this.#work = undefined;
    this.#failure = undefined;
    this.#reframer.reset();
    this.#unpark();
    work?.reject?.(reason);
  }

  #unpark(): void {
    const parked = this.#parked;
    this.#parked = undefined;
    parked?.();
  }
}
