// The Node face: a stream.Transform that moves chunks, honours backpressure inside a burst and
// routes errors. All framing happens in the Reframer.
import { Buffer } from 'node:buffer';
import { Transform, addAbortSignal, type Readable, type TransformCallback, type TransformOptions } from 'node:stream';
import { resolveOptions, type ChunkerOptions } from './options.js';
import { byteLengthOf, toBytes } from './input.js';
import { optionError } from './errors.js';
import { Reframer, batchChunks, typedChunks, type MakeChunk } from './reframer.js';
import { afterTurnIfDue } from './memory.js';
import type { AnyChunk, ChunkOf, SampleType } from './types.js';

/** A chunk on the Node face: a Buffer for uint8, the type's typed array otherwise. */
export type NodeChunkOf<T extends SampleType> = T extends 'uint8' ? Buffer : ChunkOf<T>;

/**
 * What the Node face's readable side hands out: a chunk, or with `batch: true` an array of chunks
 * (`any` for `T` = `any`: a `ChunkerTransform<any>` parameter takes every ChunkerTransform).
 */
export type NodeItemOf<T extends SampleType, B extends boolean> =
  0 extends 1 & T ? any : B extends true ? NodeChunkOf<T>[] : NodeChunkOf<T>;

/** The events of a ChunkerTransform and their arguments: Duplex's, with `'data'` typed by the options. */
export interface ChunkerTransformEvents<Item> {
  /** The stream and its resources are closed. */
  close: [];
  /** A chunk (an array of chunks with `batch`) is handed out. */
  data: [chunk: Item];
  /** The writable side can take writes again. */
  drain: [];
  /** Every chunk has been handed out. */
  end: [];
  /** The stream failed: a coded reframe error, or the stream's own. */
  error: [error: Error];
  /** Every write has been taken (after `end()`). */
  finish: [];
  /** The readable side was paused. */
  pause: [];
  /** A Readable was piped into this stream. */
  pipe: [source: Readable];
  /** A chunk is ready to be read. */
  readable: [];
  /** The readable side was resumed. */
  resume: [];
  /** A Readable was unpiped from this stream. */
  unpipe: [source: Readable];
}

/**
 * A `stream.Transform` that re-frames bursts into fixed-size chunks: the types it adds to
 * Transform's (declaration merging with the class below, no runtime code). Its items follow the
 * options in `for await` and event listeners, where Transform's own types say `any`; the event-map
 * form stays assignable to Transform's listener types in every version of Node's typings, the async
 * iterator is also Node's `any` one (so the stream still fits `pipeline()`'s stages), and `read()`
 * keeps its `any` (NodeJS.ReadWriteStream wants a string or Buffer there).
 */
export interface ChunkerTransform<T extends SampleType = 'uint8', B extends boolean = false> {
  /** `for await (const chunk of stream)`: chunks of the option's type (arrays of them with `batch`). */
  [Symbol.asyncIterator](): NodeJS.AsyncIterator<NodeItemOf<T, B>> & NodeJS.AsyncIterator<any>;
  /** Adds a listener; `'data'` listeners get chunks of the option's type. */
  on<E extends keyof ChunkerTransformEvents<unknown>>(event: E, listener: (...args: ChunkerTransformEvents<NodeItemOf<T, B>>[E]) => void): this;
  /** Adds a listener for any other event. */
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  /** Adds a one-time listener; `'data'` listeners get chunks of the option's type. */
  once<E extends keyof ChunkerTransformEvents<unknown>>(event: E, listener: (...args: ChunkerTransformEvents<NodeItemOf<T, B>>[E]) => void): this;
  /** Adds a one-time listener for any other event. */
  once(event: string | symbol, listener: (...args: any[]) => void): this;
  /** Adds a listener (as `on`); `'data'` listeners get chunks of the option's type. */
  addListener<E extends keyof ChunkerTransformEvents<unknown>>(event: E, listener: (...args: ChunkerTransformEvents<NodeItemOf<T, B>>[E]) => void): this;
  /** Adds a listener for any other event. */
  addListener(event: string | symbol, listener: (...args: any[]) => void): this;
  /** Adds a listener first in line; `'data'` listeners get chunks of the option's type. */
  prependListener<E extends keyof ChunkerTransformEvents<unknown>>(event: E, listener: (...args: ChunkerTransformEvents<NodeItemOf<T, B>>[E]) => void): this;
  /** Adds a listener first in line for any other event. */
  prependListener(event: string | symbol, listener: (...args: any[]) => void): this;
  /** Adds a one-time listener first in line; `'data'` listeners get chunks of the option's type. */
  prependOnceListener<E extends keyof ChunkerTransformEvents<unknown>>(event: E, listener: (...args: ChunkerTransformEvents<NodeItemOf<T, B>>[E]) => void): this;
  /** Adds a one-time listener first in line for any other event. */
  prependOnceListener(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** Standard stream options; the object modes and the implementation hooks are reframe's to set. */
export type ChunkerStreamOptions = Omit<
  TransformOptions,
  'objectMode' | 'readableObjectMode' | 'writableObjectMode' | 'decodeStrings' | (typeof HOOKS)[number]
>;

// Stream options that would replace reframe's own implementation (Node installs them over the
// prototype's methods), so the stream would silently stop re-framing: refused instead.
const HOOKS = ['construct', 'read', 'write', 'writev', 'final', 'destroy', 'transform', 'flush'] as const;

// Written by flush(): the point in the write queue where the partial chunk is handed out.
const FLUSH_REQUEST = Symbol('reframe.flush');

// Buffer[Symbol.species] (FastBuffer) makes a Buffer view in ~20 ns; Buffer.from(ab, o, l) takes ~50.
const FastBuffer = (Buffer as unknown as Record<symbol, unknown>)[Symbol.species] as {
  new (b: ArrayBufferLike, o: number, l: number): Buffer;
  new (length: number): Buffer;
};
const bufferChunks: MakeChunk = {
  view: (buffer, byteOffset, byteLength) => new FastBuffer(buffer, byteOffset, byteLength),
  // A Buffer of its own (on V8's heap up to 64 bytes), then one copy.
  copy: (src, at, byteLength) => {
    const chunk = new FastBuffer(byteLength);
    chunk.set(src.subarray(at, at + byteLength));
    return chunk;
  },
};

interface Work {
  readonly bytes: Uint8Array; // a snapshot (toBytes), `end` bytes long when accepted
  readonly end: number;
  offset: number;
  readonly callback: TransformCallback;
}

/**
 * A `stream.Transform` that re-frames bursts into fixed-size chunks. Its readable
 * side is in object mode: one chunk per item (an array of chunks with `batch`), never glued.
 * One huge write is produced lazily, as the consumer reads, so only about a high-water mark of
 * chunks is alive at a time.
 */
export class ChunkerTransform<T extends SampleType = 'uint8', B extends boolean = false> extends Transform {
  readonly #reframer: Reframer;
  readonly #batch: boolean;
  readonly #max: number; // chunks per engine call: up to BATCH_BYTES of them (batchChunks)
  #chunks: AnyChunk[] = []; // what one engine call completed; pushed as is with batch
  #work: Work | undefined; // the burst being produced while the consumer catches up
  #failure: { error: Error; callback: TransformCallback } | undefined; // waits for chunks before it

  /** @throws TypeError | RangeError with `code: 'ERR_REFRAME_OPTION'` for bad options. */
  constructor(options: number | (ChunkerOptions<T> & { batch?: B }), streamOptions: ChunkerStreamOptions = {}) {
    const resolved = resolveOptions(options);
    for (const hook of HOOKS) {
      const value = (streamOptions as Record<string, unknown> | null)?.[hook];
      if (value !== undefined) throw optionError('type', hook, value, 'left out (reframe implements the stream)');
    }
    // `signal` is attached once the fields exist: an already aborted signal destroys the stream at
    // once, and _destroy() must not run before them.
    const { signal, ...rest } = streamOptions ?? {};
    super({ ...rest, readableObjectMode: true, writableObjectMode: true });
    this.#reframer = new Reframer(resolved, resolved.type === 'uint8' ? bufferChunks : typedChunks(resolved));
    this.#batch = resolved.batch;
    // One engine call writes up to BATCH_BYTES of chunks (at least a high-water mark of them). With
    // batch they are one stream item, so a stalled consumer holds at most a high-water mark of such
    // arrays; without, chunk objects are made as push() takes them (SPEC: backpressure holds inside
    // one burst), so it holds a high-water mark of chunks plus the rest of one step's bytes.
    const hwm = this.readableHighWaterMark;
    this.#max = batchChunks(resolved.chunkBytes, hwm);
    if (signal) addAbortSignal(signal, this); // falsy: none, as Node itself reads it
  }

  /** Whole samples received that no chunk has held yet. */
  get pending(): number {
    return this.#reframer.pending;
  }

  /**
   * Hands out the current partial chunk per the tail policy without ending the stream (like
   * zlib's flush()). Queued behind earlier writes; `callback` runs once that chunk is pushed.
   */
  flush(callback?: (error?: Error | null) => void): void {
    if (this.writableEnded || this.destroyed) {
      if (callback) process.nextTick(callback);
      return;
    }
    this.write(FLUSH_REQUEST, callback);
  }

  /** Node's Transform hook: re-frames one write (or runs a queued flush()). */
  override _transform(burst: unknown, encoding: BufferEncoding, callback: TransformCallback): void {
    if (burst === FLUSH_REQUEST) {
      this.#end(callback);
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = toBytes(burst, this.#reframer.options, true, (text) =>
        Buffer.from(text, Buffer.isEncoding(encoding) ? encoding : this.#defaultEncoding()));
    } catch (error) {
      this.#fail(error as Error, callback);
      return;
    }
    this.#work = { bytes, end: byteLengthOf(bytes), offset: 0, callback };
    this.#produce();
  }

  /** Node's Transform hook: the end of the stream, its tail per the `tail` policy. */
  override _flush(callback: TransformCallback): void {
    this.#end(callback);
  }

  /** Node's Readable hook: goes on producing a write the consumer had paused. */
  override _read(size: number): void {
    if (this.#failure) {
      this.#deliverFailure();
    } else if (this.#work) {
      this.#produce();
      // Finished here without pushing, Transform may have parked the write's callback for its own
      // _read (the readable side looked full): run it, or nothing ever calls _read again.
      if (this.#work === undefined && this.#failure === undefined) super._read(size);
    } else {
      super._read(size);
    }
  }

  /** Node's hook: a write still being produced fails; what was buffered is dropped. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A write still being produced fails like the writes queued behind it (Node errors those with
    // ERR_STREAM_DESTROYED once this one's callback runs), so nobody awaits a callback forever.
    const work = this.#work;
    if (work) {
      work.callback(Object.assign(new Error('reframe: the stream was destroyed before this write was re-framed'),
        { code: 'ERR_STREAM_DESTROYED' }));
    }
    this.#work = undefined;
    const failure = this.#failure; // an error that waited for earlier chunks still reaches its writer
    this.#failure = undefined;
    failure?.callback(failure.error);
    this.#reframer.reset();
    callback(error);
  }

  // In object mode Node hands _transform no encoding for a string written without one, so the
  // stream's defaultEncoding (option or setDefaultEncoding()) is read here.
  #defaultEncoding(): BufferEncoding {
    const state = (this as unknown as { _writableState: { defaultEncoding?: string } })._writableState;
    const encoding = state.defaultEncoding;
    return encoding !== undefined && Buffer.isEncoding(encoding) ? encoding : 'utf8';
  }

  // Produces the current burst until it is consumed or the readable side is full. Without batch,
  // one engine call writes up to 64 KiB of chunks (fill) and chunk objects are made one at a time
  // as push() accepts them (take): one native crossing per ~1,000 64-byte chunks, while a stalled
  // consumer still holds only a high-water mark of chunk objects (and that one step's bytes).
  #produce(): void {
    const work = this.#work!;
    const { bytes, end } = work;
    const reframer = this.#reframer;
    // Only the reframer's own errors are caught (a burst detached or shrunk while it was being
    // read, a chunk's memory taken away): a listener's throw from push() is the caller's, as ever.
    let pushing = false;
    try {
      if (this.#batch) {
        while (work.offset < end) {
          work.offset = reframer.step(bytes, work.offset, end, this.#max, this.#chunks);
          if (this.#chunks.length === 0) continue;
          pushing = true;
          const more = this.#emit(this.#chunks);
          pushing = false;
          if (!more && work.offset < end) return; // _read() resumes
          if (this.#work !== work) return; // destroyed while pushing
        }
      } else {
        for (;;) {
          while (reframer.ready > 0) {
            const chunk = reframer.take();
            pushing = true;
            const more = this.push(chunk);
            pushing = false;
            if (this.#work !== work) return; // destroyed while pushing
            if (!more && (reframer.ready > 0 || work.offset < end)) return; // _read() resumes
          }
          if (work.offset === end) break;
          work.offset = reframer.fill(bytes, work.offset, end, this.#max);
        }
      }
    } catch (error) {
      if (pushing || this.#work !== work) throw error;
      // This write fails, after the chunks completed before it.
      this.#work = undefined;
      this.#fail(error as Error, work.callback);
      return;
    }
    this.#work = undefined;
    afterTurnIfDue(work.callback);
  }

  // Pushes (and empties) `chunks`: the array itself with batch, else chunk by chunk.
  #emit(chunks: AnyChunk[]): boolean {
    if (this.#batch) {
      if (chunks === this.#chunks) this.#chunks = [];
      return this.push(chunks);
    }
    let more = true;
    try {
      for (let i = 0; i < chunks.length; i++) more = this.push(chunks[i]);
    } finally {
      chunks.length = 0;
    }
    return more;
  }

  #end(callback: TransformCallback): void {
    let tail: AnyChunk | undefined;
    try {
      tail = this.#reframer.flush();
    } catch (error) {
      this.#fail(error as Error, callback);
      return;
    }
    if (tail) this.#emit([tail]);
    callback();
  }

  // Errors the stream once the chunks completed before the error have been read.
  #fail(error: Error, callback: TransformCallback): void {
    this.#failure = { error, callback };
    this.#deliverFailure();
  }

  #deliverFailure(): void {
    if (this.readableLength === 0) {
      const { error, callback } = this.#failure!;
      this.#failure = undefined;
      callback(error);
      return;
    }
    // Chunks are still buffered: wait for the next read(). Readable only calls _read() again once
    // something was pushed (state.reading), and nothing will be, so clear that flag ourselves.
    (this as unknown as { _readableState: { reading: boolean } })._readableState.reading = false;
  }
}

/**
 * A Node `stream.Transform` re-framing bursts into chunks of `size` samples:
 * `source.pipe(chunkerStream(64)).pipe(sink)`. Stream options (`highWaterMark`, `signal`, …) pass through.
 */
export function chunkerStream<T extends SampleType = 'uint8', B extends boolean = false>(
  options: number | (ChunkerOptions<T> & { batch?: B }),
  streamOptions?: ChunkerStreamOptions,
): ChunkerTransform<T, B> {
  return new ChunkerTransform<T, B>(options, streamOptions);
}
