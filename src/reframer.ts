// What every face shares: one engine, its output memory, and typed chunks. Faces decide only how
// many chunks to produce at a time (all of them, or as many as their consumer wants).
import { inputError, plural, tailError } from './errors.js';
import { ADOPTED, FLUSH_OK, FLUSH_TAIL, IN_PLACE_DONE, type Engine } from './core/engine.js';
import { byteLengthOf } from './input.js';
import { runtime } from './core/runtime.js';
import { OWN_LARGE_BYTES, SHARED_BYTES, STAGE_BYTES, sharesBuffers, stageOf } from './memory.js';
import type { ResolvedOptions } from './options.js';
import type { AnyChunk } from './types.js';

/** How a face's chunks are made (its typed array class: a Buffer on the Node face for uint8). */
export interface MakeChunk {
  /** A typed view of `byteLength` bytes of `buffer` that nothing else writes to. */
  view(buffer: ArrayBufferLike, byteOffset: number, byteLength: number): AnyChunk;
  /** A chunk of its own memory holding a copy of src[at, at + byteLength). */
  copy(src: Uint8Array, at: number, byteLength: number): AnyChunk;
}

/** One step() hands out at most this much (or one chunk), so memory stays bounded. */
export const SLAB_BYTES = 1 << 20;

/**
 * Chunks of at least IN_PLACE_BYTES are copied once: a burst that ends inside one leaves it in
 * that chunk's own final memory (the engine adopts `#spare`), and the burst that completes it
 * hands that memory out. Below this size the residual's second copy costs less than an
 * allocation per chunk. (Measured: copy-once beats copying the residual twice by 2.5x at 64 KiB.)
 */
export const IN_PLACE_BYTES = OWN_LARGE_BYTES;

/**
 * With `batch`, one array holds up to BATCH_BYTES of chunks (at least one chunk, and at least a
 * high-water mark of them, never more than a slab): at 64-byte chunks 1,024 chunks per stream
 * item instead of 16, which is what amortises the per-item cost of stream machinery. Memory
 * stays bounded: a stalled consumer holds at most a high-water mark of items of this size.
 */
export const BATCH_BYTES = 64 * 1024;

/** The most chunks one batch array holds (one engine call makes them). */
export function batchChunks(chunkBytes: number, highWaterMark: number): number {
  const slab = Math.max(1, Math.floor(SLAB_BYTES / chunkBytes));
  return Math.max(1, Math.min(slab, Math.max(highWaterMark, Math.floor(BATCH_BYTES / chunkBytes))));
}

export function typedChunks(options: ResolvedOptions): MakeChunk {
  const View = options.info.array;
  const shift = Math.log2(View.BYTES_PER_ELEMENT);
  const view = (buffer: ArrayBufferLike, byteOffset: number, byteLength: number): AnyChunk =>
    new View(buffer, byteOffset, byteLength >>> shift);
  // slice() of a view: one builtin (allocation and copy), on V8's heap up to 64 bytes (memory.ts ON_HEAP_BYTES).
  return { view, copy: (src, at, byteLength) => (view(src.buffer, src.byteOffset + at, byteLength) as Uint8Array).slice() };
}

export class Reframer {
  readonly options: ResolvedOptions;
  /** Chunks per step(): at most SLAB_BYTES of them (at least one). */
  readonly slabChunks: number;
  readonly #fillChunks: number; // chunks per fill(): what one engine call completes at most
  readonly #engine: Engine;
  readonly #make: MakeChunk;
  readonly #busy: (() => void) | undefined; // runtime.busy: output is flowing
  readonly #copyOnce: boolean; // chunkBytes >= IN_PLACE_BYTES: every chunk own, copied once
  readonly #shared: boolean; // the chunks of one engine call share one pinned buffer (memory.ts)
  #spare: Uint8Array | undefined; // one chunk of memory offered for a copy-once window, until adopted
  #open: Uint8Array | undefined; // the window the engine adopted (ADOPTED) and has not completed yet
  readonly #chunkBytes: number;
  // What fill() completed and take() has not handed out yet: #first (a window completed in place),
  // then either own chunks made at once (#readyList from #readyAt) or, shared, views made as they
  // are taken, back to back from #readyAt in #readyBuffer. #ready counts them all.
  #ready = 0;
  #first: AnyChunk | undefined;
  #readyList: AnyChunk[] | undefined;
  #readyBuffer: ArrayBufferLike | undefined;
  #readyAt = 0;

  constructor(options: ResolvedOptions, make: MakeChunk = typedChunks(options)) {
    this.options = options;
    const { chunkBytes } = options;
    this.#copyOnce = chunkBytes >= IN_PLACE_BYTES;
    this.#shared = sharesBuffers(chunkBytes);
    const stepBytes = this.#shared ? SHARED_BYTES : STAGE_BYTES;
    this.slabChunks = Math.max(1, Math.floor(SLAB_BYTES / chunkBytes));
    this.#fillChunks = Math.max(1, Math.floor(stepBytes / chunkBytes));
    this.#engine = runtime.createEngine(options);
    this.#busy = runtime.busy;
    this.#make = make;
    this.#chunkBytes = chunkBytes;
  }

  get pending(): number {
    return this.#engine.pending;
  }

  /**
   * Feeds `bytes` (a snapshot from toBytes, `end` bytes long when accepted) from `offset` on,
   * stopping once `max` chunks are complete (one or more engine calls). Appends the chunks to
   * `into` and returns the offset of the first byte not consumed.
   */
  step(bytes: Uint8Array, offset: number, end: number, max: number, into: AnyChunk[]): number {
    let room = max;
    do {
      const before = into.length;
      offset = this.fill(bytes, offset, end, room);
      this.takeAll(into);
      room -= into.length - before;
    } while (room > 0 && offset < end);
    return offset;
  }

  /**
   * step() without handing the chunks out: their bytes are written (one engine call, at most
   * `max` and at most `slabChunks` chunks), and take() hands them out one at a time, so a face
   * hands out chunks only as fast as its consumer takes them. Returns the offset of the first byte
   * not consumed. Every ready chunk must be taken first.
   *
   * A face that reads a burst lazily calls this between its consumer's reads: a burst whose buffer
   * was detached or shrunk since it was accepted (its snapshot no longer `end` bytes long) is an
   * ERR_REFRAME_INPUT error here, before the engine sees it, with nothing changed.
   */
  fill(bytes: Uint8Array, offset: number, end: number, max: number): number {
    if (this.#ready !== 0) throw new Error('reframe: fill() before take()');
    if (byteLengthOf(bytes) !== end) {
      throw inputError('the burst\'s buffer was detached or shrunk before it was read');
    }
    const { chunkBytes, hopBytes } = this.options;
    const engine = this.#engine;
    // Copy-once: at most one chunk beyond a window completed in place, so each has its own memory.
    const limit = this.#copyOnce ? (this.#open === undefined ? 1 : 2) : this.#fillChunks;
    if (max > limit) max = limit;
    const rest = end - offset;
    const need = engine.needed; // one read: a getter, computed on each call
    let count = rest < need ? 0 : 1 + Math.floor((rest - need) / hopBytes); // what `rest` completes
    let take = rest;
    if (count > max) {
      count = max;
      take = need + (max - 1) * hopBytes; // ends exactly where chunk `max` does
    }
    const input = offset === 0 && take === end ? bytes : bytes.subarray(offset, offset + take);
    if (this.#copyOnce) {
      this.#fillInPlace(input, count);
      return offset + take;
    }
    if (count === 0) {
      engine.push(input, undefined, 0, 0);
      return offset + take;
    }
    const bytesOut = count * chunkBytes;
    this.#busy?.();
    if (this.#shared) {
      // One new buffer, pinned: its chunks are views made as they are taken.
      const out = runtime.alloc(bytesOut);
      if (count > 1) runtime.pin!(out.buffer);
      // The engine decides how many chunks it wrote (it refuses a region that is not exactly theirs).
      this.#ready = engine.push(input, out, 0, bytesOut);
      this.#readyBuffer = out.buffer;
      this.#readyAt = out.byteOffset;
      return offset + take;
    }
    // Own chunks: written into the thread's stage, each copied out into its own memory now, before
    // any other chunker can use the stage.
    const stage = stageOf(bytesOut);
    const made = engine.push(input, stage, 0, bytesOut);
    const list: AnyChunk[] = new Array<AnyChunk>(made);
    const make = this.#make;
    for (let i = 0, at = 0; i < made; i++, at += chunkBytes) list[i] = make.copy(stage, at, chunkBytes);
    this.#readyList = list;
    this.#readyAt = 0;
    this.#ready = made;
    return offset + take;
  }

  /** Chunks fill() completed that take() has not handed out yet. */
  get ready(): number {
    return this.#ready;
  }

  /** The next ready chunk (only while `ready` > 0). */
  take(): AnyChunk {
    this.#ready--;
    const first = this.#first;
    if (first !== undefined) {
      this.#first = undefined;
      return first;
    }
    const at = this.#readyAt;
    const list = this.#readyList;
    if (list !== undefined) {
      this.#readyAt = at + 1;
      if (this.#ready === 0) this.#readyList = undefined;
      return list[at]!;
    }
    this.#readyAt = at + this.#chunkBytes;
    return this.#view(at, this.#ready === 0);
  }

  /** Every ready chunk, appended to `into`. */
  takeAll(into: AnyChunk[]): void {
    while (this.#ready > 0) into.push(this.take());
  }

  // A view of the next chunk in #readyBuffer (shared and pinned, or one own chunk); the last one
  // lets go of the buffer.
  #view(at: number, last: boolean): AnyChunk {
    const buffer = this.#readyBuffer!;
    if (last) this.#readyBuffer = undefined;
    return this.#make.view(buffer, at, this.#chunkBytes);
  }

  // fill() for large chunks (copy-once): the first chunk may be the window completed in place; a
  // second one gets an allocation of its own; a window left open is kept in #spare, which becomes
  // #open. Which of these happened is the engine's answer, never a guess: #open is handed out only
  // when the engine says it completed, and the engine keeps it alive while it writes there.
  #fillInPlace(input: Uint8Array, count: number): void {
    const { chunkBytes } = this.options;
    this.#busy?.();
    const rest = count > 0 && this.#open !== undefined ? count - 1 : count;
    const out = rest > 0 ? allocChunk(chunkBytes) : undefined;
    const next = (this.#spare ??= allocChunk(chunkBytes));
    const answer = this.#engine.pushInPlace(input, out, next);
    if (answer & IN_PLACE_DONE) {
      const first = this.#open!;
      this.#open = undefined;
      this.#first = this.#make.view(first.buffer, first.byteOffset, chunkBytes);
    }
    if (out) {
      this.#readyBuffer = out.buffer;
      this.#readyAt = out.byteOffset;
    }
    this.#ready = count;
    if (answer & ADOPTED) {
      this.#open = next;
      this.#spare = undefined;
    }
  }

  /** Every chunk `bytes` (a snapshot from toBytes) completes, one step of at most `slabChunks` at a time. */
  pushAll(bytes: Uint8Array, into: AnyChunk[]): void {
    const end = byteLengthOf(bytes);
    let offset = 0;
    do offset = this.step(bytes, offset, end, this.slabChunks, into);
    while (offset < end);
  }

  /**
   * Ends the stream: the final chunk per the tail policy, if any, or a coded error (ERR_REFRAME_TAIL,
   * or ERR_REFRAME_INPUT when it ends inside a sample). Either way a fresh stream starts.
   */
  flush(): AnyChunk | undefined {
    if (this.#ready !== 0) throw new Error('reframe: flush() before take()');
    const [status, bytes] = this.#engine.planFlush();
    const out = bytes > 0 ? runtime.alloc(bytes) : undefined; // all of its own buffer
    this.#engine.flush(out);
    this.#open = undefined; // a partial window in place is copied out, never handed out itself
    const tail = out && this.#make.view(out.buffer, out.byteOffset, bytes);
    if (status === FLUSH_OK) return tail;
    const samples = bytes / this.options.sampleBytes;
    if (status === FLUSH_TAIL) throw tailError(tail!, samples, this.options.size);
    throw inputError(
      `the stream ended inside a sample (${this.options.sampleBytes} bytes each)` +
        (tail ? `; the ${plural(samples, 'whole sample')} before it ${samples === 1 ? 'is' : 'are'} in error.tail` : ''),
      tail,
    );
  }

  reset(): void {
    this.#engine.reset();
    this.#open = undefined;
    this.#ready = 0;
    this.#first = undefined;
    this.#readyList = undefined;
    this.#readyBuffer = undefined;
  }
}

// One large chunk's memory: recycled where the runtime can do that safely, else plain.
function allocChunk(bytes: number): Uint8Array {
  return (runtime.allocChunk ?? runtime.alloc)(bytes);
}
