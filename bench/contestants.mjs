// Everyone the benchmark measures, each as run(bursts, size, sink) → Promise | undefined: feed
// every burst, call sink(chunk) for every chunk in order, settle once the last one is out.
// reframe is imported as a package (self-reference to dist/); REFRAME_BACKEND picks its core.
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import { Transform } from 'node:stream';

const require = createRequire(import.meta.url);

// Drives a Node stream (or block-stream's old-style Stream): writes honouring backpressure,
// reads in flowing mode.
function driveNode(stream, bursts, sink) {
  return new Promise((resolve, reject) => {
    stream.on('data', sink);
    stream.on('end', resolve);
    stream.on('error', reject);
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
      const { chunkerStream } = await import('reframe');
      return (bursts, size, sink) => driveNode(chunkerStream(size), bursts, sink);
    },
  },
  'reframe-web': {
    label: 'reframe WHATWG face',
    cores: true,
    web: true,
    load: async () => {
      const { ChunkerStream } = await import('reframe');
      if (!ChunkerStream) return undefined;
      return (bursts, size, sink) => driveWeb(new ChunkerStream(size), bursts, sink);
    },
  },
  'reframe-web-batch': {
    label: 'reframe WHATWG face, batch',
    cores: true,
    web: true,
    load: async () => {
      const { ChunkerStream } = await import('reframe');
      if (!ChunkerStream) return undefined;
      return (bursts, size, sink) => driveWeb(new ChunkerStream({ size, batch: true }), bursts, sink, true);
    },
  },
  'reframe-push': {
    label: 'reframe Chunker.push',
    cores: true,
    load: async () => {
      const { Chunker } = await import('reframe');
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
  'limit-copy': {
    label: 'limit (a): copy each byte once',
    limit: true,
    load: async () => copyOnce,
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
};
