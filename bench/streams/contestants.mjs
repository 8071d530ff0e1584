// The contestants of bench:streams: how the server reads one accepted socket. Each is
// attach(socket, size, count) → a Promise that settles once the socket's bytes have all gone
// through, where count(chunk) is the sink (it counts and checks every chunk it is given).
// `floor` names the do-nothing stream of the same kind a chunker stands on; `chunker` says the
// contestant re-frames (its chunk sizes are checked); `core` marks reframe's contestants, run once
// per core (REFRAME_BACKEND). reframe is imported as a package (dist/), like a user would.
import { createRequire } from 'node:module';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const require = createRequire(import.meta.url);

/** A Node sink: an object-mode Writable that hands each chunk to count and asks for the next. */
function nodeSink(count) {
  return new Writable({
    objectMode: true,
    write(chunk, _encoding, callback) {
      count(chunk);
      callback();
    },
  });
}

/** A WHATWG sink. */
function webSink(count) {
  return new WritableStream({ write(chunk) { count(chunk); } });
}

/** The do-nothing async generator: yields each burst it is given. */
async function* identity(source) {
  for await (const burst of source) yield burst;
}

async function forAwait(iterable, count) {
  for await (const chunk of iterable) count(chunk);
}

export const CONTESTANTS = {
  raw: {
    label: 'raw sockets, no chunker',
    kind: 'raw',
    async load() {
      return (socket, _size, count) => new Promise((resolve, reject) => {
        socket.on('data', count);
        socket.on('end', resolve);
        socket.on('error', reject);
      });
    },
  },
  passthrough: {
    label: 'PassThrough (do-nothing Node stream)',
    kind: 'node',
    async load() {
      return (socket, _size, count) => pipeline(socket, new PassThrough(), nodeSink(count));
    },
  },
  transformstream: {
    label: 'identity TransformStream',
    kind: 'web',
    async load() {
      return (socket, _size, count) =>
        Readable.toWeb(socket).pipeThrough(new TransformStream()).pipeTo(webSink(count));
    },
  },
  asyncgen: {
    label: 'async generator (yields each burst)',
    kind: 'iter',
    async load() {
      return (socket, _size, count) => forAwait(identity(socket), count);
    },
  },
  'block-stream2': {
    label: 'block-stream2 2.1.0 (nopad)',
    kind: 'node',
    chunker: true,
    async load() {
      const Block = require('block-stream2');
      return (socket, size, count) => pipeline(socket, new Block(size, { nopad: true }), nodeSink(count));
    },
  },
  node: {
    label: 'reframe chunkerStream',
    kind: 'node',
    chunker: true,
    core: true,
    async load() {
      const { chunkerStream } = await import('reframer');
      return (socket, size, count) => pipeline(socket, chunkerStream(size), nodeSink(count));
    },
  },
  web: {
    label: 'reframe ChunkerStream',
    kind: 'web',
    chunker: true,
    core: true,
    async load() {
      const { ChunkerStream } = await import('reframer');
      return (socket, size, count) =>
        Readable.toWeb(socket).pipeThrough(new ChunkerStream({ size })).pipeTo(webSink(count));
    },
  },
  chunks: {
    label: 'reframe chunks()',
    kind: 'iter',
    chunker: true,
    core: true,
    async load() {
      const { chunks } = await import('reframer');
      return (socket, size, count) => forAwait(chunks(socket, { size }), count);
    },
  },
};

/** The do-nothing stream each kind stands on. */
export const FLOOR = { node: 'passthrough', web: 'transformstream', iter: 'asyncgen' };

/** Every contestant id as run: reframe's once per core (`node-native`, `node-js`, …). */
export function contestantIds() {
  const ids = [];
  for (const [name, c] of Object.entries(CONTESTANTS)) {
    if (c.core) ids.push(`${name}-native`, `${name}-js`);
    else ids.push(name);
  }
  return ids;
}

/** `node-native` → { name: 'node', backend: 'native', ...CONTESTANTS.node }. */
export function contestant(id) {
  const m = /^(.*)-(native|js)$/.exec(id);
  const name = m && CONTESTANTS[m[1]]?.core ? m[1] : id;
  const c = CONTESTANTS[name];
  if (!c) throw new Error(`unknown contestant ${id}; known: ${contestantIds().join(', ')}`);
  return { id, name, backend: c.core ? m[2] : undefined, ...c };
}
