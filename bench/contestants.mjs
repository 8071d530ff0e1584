// Everyone the benchmark measures, each as run(bursts, size, sink) → Promise | undefined: feed
// every burst, call sink(chunk) for every chunk in order, settle once the last one is out.
// reframe is imported as a package (self-reference to dist/); REFRAME_BACKEND picks its core.
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import { PassThrough, Transform } from 'node:stream';

const require = createRequire(import.meta.url);

// Writes every burst into a Node stream honouring backpressure, then ends it.
function pumpInto(stream, bursts) {
  let i = 0;
  const pump = () => {
    while (i < bursts.length) {
      if (!stream.write(bursts[i++])) {
        stream.once('drain', pump);
        return;
      }
    }
    stream.end();
  };
  pump();
}

// Drives a Node stream (or block-stream's old-style Stream): writes honouring backpressure,
// reads in flowing mode.
function driveNode(stream, bursts, sink) {
  return new Promise((resolve, reject) => {
    stream.on('data', sink);
    stream.on('end', resolve);
    stream.on('error', reject);
    pumpInto(stream, bursts);
  });
}

// Drives a WHATWG { readable, writable } pair: a pull source of the bursts, a sink of the chunks.
function driveWeb(pair, bursts, sink, batch = false) {
  let i = 0;
  const source = new ReadableStream({
    pull(controller) {
      if (i < bursts.length) controller.enqueue(bursts[i++]);
      else controller.close();
    },
  });
  const write = batch ? (chunks) => { for (const chunk of chunks) sink(chunk); } : (chunk) => { sink(chunk); };
  return source.pipeThrough(pair).pipeTo(new WritableStream({ write }));
}

// Limit (b): ready-made chunks (a few distinct Buffers, reused), as many as the bytes complete.
function readyChunks(size) {
  return Array.from({ length: 16 }, (_, k) => Buffer.alloc(size, k));
}

/** The stream machinery alone: a Transform (object mode, as reframe's) pushing ready-made chunks. */
class MachineryTransform extends Transform {
  #size;
  #ready;
  #have = 0;
  #k = 0;
  constructor(size) {
    super({ readableObjectMode: true, writableObjectMode: true });
    this.#size = size;
    this.#ready = readyChunks(size);
  }
  _transform(burst, _encoding, callback) {
    let have = this.#have + burst.length;
    for (; have >= this.#size; have -= this.#size) this.push(this.#ready[this.#k++ & 15]);
    this.#have = have;
    callback();
  }
}

// Buffer[Symbol.species] (FastBuffer): the cheapest way to make a Buffer view, as reframe does.
const FastBuffer = Buffer[Symbol.species];

/**
 * Floor (b'): the machinery plus the one cost every independent chunk has, a new Buffer object
 * per chunk (a view of bytes already in place; nothing is copied). No chunker can hand out
 * separate chunks faster than this through a Transform.
 */
class ViewsTransform extends Transform {
  #size;
  #bytes;
  #at = 0;
  #have = 0;
  constructor(size) {
    super({ readableObjectMode: true, writableObjectMode: true });
    this.#size = size;
    this.#bytes = new ArrayBuffer(size * 4096);
  }
  _transform(burst, _encoding, callback) {
    const size = this.#size;
    let have = this.#have + burst.length;
    for (; have >= size; have -= size) {
      if (this.#at === this.#bytes.byteLength) this.#at = 0;
      this.push(new FastBuffer(this.#bytes, this.#at, size));
      this.#at += size;
    }
    this.#have = have;
    callback();
  }
}

function machineryStream(size) {
  const ready = readyChunks(size);
  let have = 0;
  let k = 0;
  return new TransformStream({
    transform(burst, controller) {
      have += burst.length;
      for (; have >= size; have -= size) controller.enqueue(ready[k++ & 15]);
    },
  });
}

// Limit (a): every input byte copied once into a preallocated (and already touched) buffer.
// Tiny copies as a loop, as a careful copier would; chunks are only counted.
let ring;
function copyOnce(bursts, size, sink, verify) {
  ring ??= Buffer.alloc(64 << 20);
  let at = 0;
  for (const burst of bursts) {
    const len = burst.length;
    if (at + len > ring.length) at = 0;
    if (len < 32) for (let i = 0; i < len; i++) ring[at + i] = burst[i];
    else ring.set(burst, at);
    if (verify) verify(ring.subarray(at, at + len));
    at += len;
  }
}

/**
 * Limit (c)'s memory: one 64 MiB ring per process (as limit (a)'s), allocated once and written all
 * over right away so that its pages are in place before the first run; every limit (c) stream of
 * the process reuses it from its start. A chunker that hands out independent copies can at best
 * copy each byte once into memory that is already paged in (recycled), and make one view per chunk.
 */
const RING_BYTES = 64 << 20;
let ringMemory;

/**
 * Copies bursts, back to back, into the ring and hands out a view (`View`: FastBuffer or Uint8Array)
 * of every chunk completed. Chunks never straddle the ring's end (its usable length is a multiple
 * of `size`), so a chunk is always one view. Tiny pieces are copied with a loop, as in limit (a).
 *
 * A YARDSTICK, NOT A CHUNKER: the ring is reused, so a view's bytes are overwritten 64 MiB of stream
 * later. Its chunks are therefore not independent copies; every consumer here has read each chunk
 * (counted, checksummed) long before that.
 */
class RingCopy {
  #size;
  #View;
  #bytes;
  #buffer;
  #end;
  #at = 0;
  #start = 0;
  constructor(size, View) {
    if (!ringMemory) {
      ringMemory = new Uint8Array(Math.max(RING_BYTES, size));
      ringMemory.fill(0xa5); // touch every page now, not inside a timed run
    }
    this.#size = size;
    this.#View = View;
    this.#bytes = ringMemory;
    this.#buffer = ringMemory.buffer;
    this.#end = Math.floor(ringMemory.length / size) * size;
  }
  /** Copies `burst` in; `out.push(view)` for every chunk it completes, in order (an array or a stream). */
  feed(burst, out) {
    const size = this.#size;
    const end = this.#end;
    const bytes = this.#bytes;
    const len = burst.length;
    let at = this.#at;
    let start = this.#start;
    for (let off = 0; off < len;) {
      const n = Math.min(len - off, end - at);
      if (n < 32) for (let i = 0; i < n; i++) bytes[at + i] = burst[off + i];
      else bytes.set(off === 0 && n === len ? burst : burst.subarray(off, off + n), at);
      at += n;
      off += n;
      for (; start + size <= at; start += size) out.push(new this.#View(this.#buffer, start, size));
      if (start === end) start = at = 0;
    }
    this.#at = at;
    this.#start = start;
  }
  /** The short last chunk, if any (as reframe's default `tail: 'emit'`); the stream ends. */
  tail(out) {
    if (this.#at > this.#start) out.push(new this.#View(this.#buffer, this.#start, this.#at - this.#start));
    this.#at = this.#start = 0;
  }
}

/** Limit (c), Node: the machinery of limit (b), with every byte copied once and a view per chunk. */
class RingTransform extends Transform {
  #ring;
  constructor(size) {
    super({ readableObjectMode: true, writableObjectMode: true });
    this.#ring = new RingCopy(size, FastBuffer);
  }
  _transform(burst, _encoding, callback) {
    this.#ring.feed(burst, this);
    callback();
  }
  _flush(callback) {
    this.#ring.tail(this);
    callback();
  }
}

/** Limit (c), WHATWG: a TransformStream doing the same, driven like reframe's WHATWG face. */
function ringStream(size) {
  const ring = new RingCopy(size, Uint8Array);
  let out; // { push }: the controller's enqueue
  return new TransformStream({
    start(controller) {
      out = { push: (view) => controller.enqueue(view) };
    },
    transform(burst) {
      ring.feed(burst, out);
    },
    flush() {
      ring.tail(out);
    },
  });
}

/**
 * Limit (c), synchronous: the same copies and views, a new array per push (driven as `Chunker.push`).
 * Measured so far below the Transform version on most cells (bimodal runs after cell.mjs's forced
 * collection; not yet explained), so it is no bound on Chunker.push: limit (a) is.
 */
class RingChunker {
  #ring;
  constructor(size) {
    this.#ring = new RingCopy(size, Uint8Array);
  }
  push(burst) {
    const out = [];
    this.#ring.feed(burst, out);
    return out;
  }
  flush() {
    const out = [];
    this.#ring.tail(out);
    return out;
  }
}

/**
 * What a user gets with no dependency: a PassThrough in paused mode, read with `read(size)` on every
 * 'readable' (and the short rest at the end, which `read(size)` returns once the stream has ended).
 * NOT independent copies: `read(n)` returns a view (`slice`) of the input Buffer when the chunk lies
 * inside one burst, and a concatenation (from Buffer's shared pool below 4 KiB) when it spans several.
 * Writing into such a chunk changes the caller's input, or other bytes of the pool.
 */
function readN(bursts, size, sink) {
  return new Promise((resolve, reject) => {
    const stream = new PassThrough();
    stream.on('readable', () => {
      for (let chunk; (chunk = stream.read(size)) !== null;) sink(chunk);
    });
    stream.on('end', resolve);
    stream.on('error', reject);
    pumpInto(stream, bursts);
  });
}

/**
 * Reference (a'): every byte copied once, into fresh memory as independent chunks must be (one
 * uninitialised allocation per ~64 KiB of chunks, in JS), and a Buffer view per chunk; no streams.
 * Limit (a) leaves this out: its ring is one buffer, already paged in and reused. Not a bound (a
 * chunker can beat it), but it shows what fresh memory alone costs against limit (a).
 */
function copyFresh(bursts, size, sink) {
  const slabBytes = Math.max(size, Math.floor(65536 / size) * size);
  let slab = Buffer.allocUnsafeSlow(slabBytes);
  let used = 0;
  for (const burst of bursts) {
    for (let off = 0; off < burst.length;) {
      const n = Math.min(burst.length - off, slabBytes - used);
      slab.set(off === 0 && n === burst.length ? burst : burst.subarray(off, off + n), used);
      used += n;
      off += n;
      if (used === slabBytes) {
        for (let at = 0; at < slabBytes; at += size) sink(new FastBuffer(slab.buffer, at, size));
        slab = Buffer.allocUnsafeSlow(slabBytes);
        used = 0;
      }
    }
  }
  for (let at = 0; at + size <= used; at += size) sink(new FastBuffer(slab.buffer, at, size));
}

/**
 * id → { label, load(): Promise<run> }. `run(bursts, size, sink, verify?)`; only limit (a) uses
 * `verify` (it has no chunks: it checksums what it copied).
 */
export const CONTESTANTS = {
  'reframe-node': {
    label: 'reframe Node face',
    cores: true,
    load: async () => {
      const { chunkerStream } = await import('reframer');
      return (bursts, size, sink) => driveNode(chunkerStream(size), bursts, sink);
    },
  },
  'reframe-web': {
    label: 'reframe WHATWG face',
    cores: true,
    web: true,
    load: async () => {
      const { ChunkerStream } = await import('reframer');
      if (!ChunkerStream) return undefined;
      return (bursts, size, sink) => driveWeb(new ChunkerStream(size), bursts, sink);
    },
  },
  'reframe-web-batch': {
    label: 'reframe WHATWG face, batch',
    cores: true,
    web: true,
    load: async () => {
      const { ChunkerStream } = await import('reframer');
      if (!ChunkerStream) return undefined;
      return (bursts, size, sink) => driveWeb(new ChunkerStream({ size, batch: true }), bursts, sink, true);
    },
  },
  'reframe-push': {
    label: 'reframe Chunker.push',
    cores: true,
    load: async () => {
      const { Chunker } = await import('reframer');
      return (bursts, size, sink) => {
        const chunker = new Chunker(size);
        for (const burst of bursts) for (const chunk of chunker.push(burst)) sink(chunk);
        for (const chunk of chunker.flush()) sink(chunk);
      };
    },
  },
  'block-stream2': {
    label: 'block-stream2',
    load: async () => {
      const BlockStream2 = require('block-stream2');
      return (bursts, size, sink) => driveNode(new BlockStream2({ size, nopad: true }), bursts, sink);
    },
  },
  'stream-chunker': {
    label: 'stream-chunker',
    load: async () => {
      const StreamChunker = require('stream-chunker');
      return (bursts, size, sink) => driveNode(StreamChunker(size), bursts, sink);
    },
  },
  'block-stream': {
    label: 'block-stream',
    load: async () => {
      const BlockStream = require('block-stream');
      return (bursts, size, sink) => driveNode(new BlockStream(size, { nopad: true }), bursts, sink);
    },
  },
  'node-read-n': {
    label: "Node's readable.read(n) (views of the input, not copies)",
    load: async () => readN,
  },
  'limit-copy': {
    label: 'limit (a): copy each byte once',
    limit: true,
    load: async () => copyOnce,
  },
  'limit-c-push': {
    label: 'limit (c), sync: copy once into reused memory, a view per chunk, an array per burst',
    load: async () => (bursts, size, sink) => {
      const chunker = new RingChunker(size);
      for (const burst of bursts) for (const chunk of chunker.push(burst)) sink(chunk);
      for (const chunk of chunker.flush()) sink(chunk);
    },
  },
  'ref-copy-fresh': {
    label: "reference (a'): copy once into fresh memory, a view per chunk, no streams",
    minSize: 1500, // where the copy, not the chunk object, is the cost that matters
    load: async () => copyFresh,
  },
  'limit-node': {
    label: 'limit (b): Node Transform, no copying',
    limit: true,
    load: async () => (bursts, size, sink) => driveNode(new MachineryTransform(size), bursts, sink),
  },
  'floor-node-views': {
    label: "floor (b'): Node Transform, a new view per chunk, no copying",
    limit: true,
    maxSize: 512, // where the chunk object, not the copy, is the cost that matters
    load: async () => (bursts, size, sink) => driveNode(new ViewsTransform(size), bursts, sink),
  },
  'limit-web': {
    label: 'limit (b): WHATWG TransformStream, no copying',
    limit: true,
    web: true,
    load: async () => (bursts, size, sink) => driveWeb(machineryStream(size), bursts, sink),
  },
  'limit-c-node': {
    label: 'limit (c): Node Transform, copy once into reused memory, a view per chunk',
    load: async () => (bursts, size, sink) => driveNode(new RingTransform(size), bursts, sink),
  },
  'limit-c-web': {
    label: 'limit (c): WHATWG TransformStream, copy once into reused memory, a view per chunk',
    web: true,
    load: async () => (bursts, size, sink) => driveWeb(ringStream(size), bursts, sink),
  },
};
