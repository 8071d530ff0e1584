// The hostile fuzzer's self-test: faces that keep the input contract of SPEC.md by construction,
// built on any Chunker (the framing comes from it), so that test/hostile-fuzz.test.ts and
// `scripts/hostile-fuzz.mjs --model` can show the oracle reports nothing when there is nothing to
// report. Not a product: it copies every chunk, polls with setImmediate, and is slow.
//
// What it does the way the contract says:
//   - a burst is taken once, when accepted, through the intrinsic %TypedArray%/DataView/ArrayBuffer
//     getters (a Proxy is not a view; a subclass is framed by its real memory); a length-tracking
//     view becomes a fixed-length view of its length then; another element type, a detached buffer,
//     a Uint8ClampedArray or an out-of-bounds DataView is ERR_REFRAME_INPUT;
//   - stream faces read a write lazily (4 KiB per engine call) and check before each call that the
//     view is still whole; if not, that write fails with ERR_REFRAME_INPUT once the chunks before it
//     have been read;
//   - every chunk is a copy in its own buffer.
import { Transform } from 'node:stream';
import { INTRINSICS } from './hostile.mjs';

const { taBuffer, taByteOffset, taByteLength, taTag, dvBuffer, dvByteOffset, dvByteLength, abByteLength, sabByteLength } = INTRINSICS;

const OWN = {
  uint8: 'Uint8Array', int8: 'Int8Array', uint16: 'Uint16Array', int16: 'Int16Array', uint32: 'Uint32Array', int32: 'Int32Array',
  float32: 'Float32Array', float64: 'Float64Array', bigint64: 'BigInt64Array', biguint64: 'BigUint64Array', complex64: 'Float32Array', complex128: 'Float64Array',
};
const STEP = 4096;
const immediate = () => new Promise((resolve) => setImmediate(resolve));

function inputError(message) {
  return Object.assign(new TypeError(`model: ${message}`), { code: 'ERR_REFRAME_INPUT' });
}

function bufferLength(buffer) {
  try {
    return abByteLength.call(buffer);
  } catch {
    try {
      return sabByteLength.call(buffer);
    } catch {
      return undefined; // not a buffer
    }
  }
}

function isDetached(buffer) {
  if (bufferLength(buffer) === undefined) return false;
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** The burst's real memory now, as a fixed-length Uint8Array (a string: its UTF-8 bytes). */
function snapshot(burst, options, strings) {
  const type = typeof options === 'number' ? 'uint8' : options.type ?? 'uint8';
  if (ArrayBuffer.isView(burst)) {
    const tag = taTag.call(burst);
    if (tag === undefined) {
      const buffer = dvBuffer.call(burst);
      if (isDetached(buffer)) throw inputError('detached');
      try {
        return new Uint8Array(buffer, dvByteOffset.call(burst), dvByteLength.call(burst));
      } catch {
        throw inputError('an out-of-bounds DataView');
      }
    }
    if (tag !== 'Uint8Array' && tag !== OWN[type]) throw inputError(`a ${tag}`);
    const buffer = taBuffer.call(burst);
    if (isDetached(buffer)) throw inputError('detached');
    return new Uint8Array(buffer, taByteOffset.call(burst), taByteLength.call(burst));
  }
  const length = typeof burst === 'object' && burst !== null ? bufferLength(burst) : undefined;
  if (length !== undefined) {
    if (isDetached(burst)) throw inputError('detached');
    return new Uint8Array(burst, 0, length);
  }
  if (typeof burst === 'string' && strings && type === 'uint8') return new Uint8Array(Buffer.from(burst, 'utf8'));
  throw inputError('not bytes');
}

/** Still the memory it was: not detached, not shrunk below its end. */
const whole = (bytes, length) => length === 0 || taByteLength.call(bytes) === length;

const copyOf = (chunk) => chunk.slice();
const bufferOf = (chunk) => {
  const copy = chunk.slice();
  return Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
};

/** The faces of `api` (its Chunker does the framing) with the input contract kept. */
export function modelApi(api) {
  class Chunker {
    #inner;
    constructor(options) {
      this.#inner = new api.Chunker(options);
      this.options = options;
    }
    push(burst) {
      return this.#inner.push(snapshot(burst, this.options, false).slice()).map(copyOf);
    }
    flush() {
      return this.#inner.flush().map(copyOf);
    }
    reset() {
      this.#inner.reset();
    }
    get pending() {
      return this.#inner.pending;
    }
  }

  function chunks(source, options) {
    const inner = new api.Chunker(options); // bad options throw at the call, as the real face does
    return generate(source, options, inner);
  }

  async function* generate(source, options, inner) {
    const batch = typeof options === 'object' && options.batch === true;
    for await (const burst of source) {
      const bytes = snapshot(burst, options, true);
      const length = bytes.length;
      for (let at = 0; at < length;) {
        if (!whole(bytes, length)) throw inputError('the burst shrank or was detached while it was read');
        const n = Math.min(STEP, length - at);
        const out = inner.push(bytes.slice(at, at + n)).map(copyOf);
        at += n;
        if (out.length > 0) {
          if (batch) yield out;
          else yield* out;
        }
      }
    }
    const tail = inner.flush().map(copyOf);
    if (tail.length > 0) yield batch ? tail : tail[0];
  }

  const FLUSH = Symbol('model.flush');

  class ChunkerTransform extends Transform {
    #inner;
    #options;
    #batch;
    constructor(options, streamOptions = {}) {
      super({ ...streamOptions, objectMode: true });
      this.#inner = new api.Chunker(options);
      this.#options = options;
      this.#batch = typeof options === 'object' && options.batch === true;
    }
    get pending() {
      return this.#inner.pending;
    }
    flush(callback) {
      if (this.writableEnded || this.destroyed) process.nextTick(() => callback?.());
      else this.write(FLUSH, callback);
    }
    #out(chunks) {
      const made = chunks.map(this.#options.type === undefined || this.#options.type === 'uint8' ? bufferOf : copyOf);
      if (made.length === 0) return true;
      if (this.#batch) return this.push(made);
      let more = true;
      for (const chunk of made) more = this.push(chunk);
      return more;
    }
    #failed;
    // Fails once every chunk before the failure has been read. Never synchronously: Node 20's
    // Writable goes on to the next buffered write after a synchronous error (clearBuffer), and
    // every write after a failure fails too.
    #fail(error, callback) {
      this.#failed ??= error;
      const later = () => (this.readableLength === 0 || this.destroyed ? callback(error) : setImmediate(later));
      setImmediate(later);
    }
    // Reads the burst lazily: one engine call per STEP bytes, waiting while the readable side is full.
    async _transform(burst, encoding, callback) {
      if (this.#failed) {
        this.#fail(this.#failed, callback);
        return;
      }
      let bytes;
      try {
        if (burst === FLUSH) {
          this.#out(this.#inner.flush());
          callback();
          return;
        }
        bytes = snapshot(burst, this.#options, true);
      } catch (error) {
        this.#fail(error, callback);
        return;
      }
      const length = bytes.length;
      for (let at = 0; at < length;) {
        while (this.readableLength >= this.readableHighWaterMark && !this.destroyed) await immediate();
        if (this.destroyed) return;
        if (!whole(bytes, length)) {
          this.#fail(inputError('the burst shrank or was detached while it was read'), callback);
          return;
        }
        const n = Math.min(STEP, length - at);
        this.#out(this.#inner.push(bytes.slice(at, at + n)));
        at += n;
      }
      callback();
    }
    _flush(callback) {
      let tail;
      try {
        tail = this.#inner.flush();
      } catch (error) {
        this.#fail(error, callback);
        return;
      }
      this.#out(tail);
      callback();
    }
  }

  class ChunkerStream {
    #inner;
    constructor(options, init = {}) {
      const impl = init.streams ?? globalThis;
      const hwm = init.highWaterMark ?? 16;
      const inner = (this.#inner = new api.Chunker(options));
      const batch = typeof options === 'object' && options.batch === true;
      let controller;
      const room = async () => {
        // Room: the queue is below its mark (with a mark of 0: empty, so a read can take the next).
        while (controller.desiredSize !== null && controller.desiredSize <= 0 && !(hwm === 0 && controller.desiredSize === 0)) await immediate();
      };
      const drained = async () => {
        while (controller.desiredSize !== null && controller.desiredSize < hwm) await immediate();
      };
      const out = (chunks) => {
        const made = chunks.map(copyOf);
        if (made.length === 0) return;
        if (batch) controller.enqueue(made);
        else for (const chunk of made) controller.enqueue(chunk);
      };
      const fail = async (error) => {
        await drained();
        controller.error(error);
        throw error;
      };
      this.readable = new impl.ReadableStream({ start: (c) => { controller = c; } }, { highWaterMark: hwm });
      this.writable = new impl.WritableStream({
        write: async (burst) => {
          let bytes;
          try {
            bytes = snapshot(burst, options, false);
          } catch (error) {
            return fail(error);
          }
          const length = bytes.length;
          for (let at = 0; at < length;) {
            if (!whole(bytes, length)) return fail(inputError('the burst shrank or was detached while it was read'));
            const n = Math.min(STEP, length - at);
            out(inner.push(bytes.slice(at, at + n)));
            at += n;
            if (at < length) await room();
          }
          return undefined;
        },
        close: async () => {
          let tail;
          try {
            tail = inner.flush();
          } catch (error) {
            return fail(error);
          }
          out(tail);
          controller.close();
          return undefined;
        },
        abort: (reason) => controller.error(reason),
      }, { highWaterMark: 1 });
    }
    get pending() {
      return this.#inner.pending;
    }
  }

  return { Chunker, chunks, ChunkerStream, ChunkerTransform, chunkerStream: (options, streamOptions) => new ChunkerTransform(options, streamOptions) };
}
