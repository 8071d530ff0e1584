// Issue 20: what a quiet stream holds. Makes N chunkers of one face (node --expose-gc, the core by
// REFRAME_BACKEND), feeds each a hello of three ~100-byte bursts (64-byte chunks: some complete,
// the rest stays pending), drops the chunks, collects garbage and prints one JSON line:
// { face, backend, n, perStream, floor, buffersPerStream } — bytes of RSS per chunker over the same
// process before them, of RSS per do-nothing stream of the same kind (PassThrough, TransformStream)
// (an async generator yielding each burst for chunks()), and of ArrayBuffer memory (process.memoryUsage().arrayBuffers) per chunker.
// The dist/ imported is this checkout's, or REFRAME_DIST's (to show the test failing on old code).
//   node --expose-gc test/children/memory-streams.mjs <chunker|node|web|chunks> <n> [size]
import { PassThrough } from 'node:stream';
const dist = process.env.REFRAME_DIST ?? new URL('../../dist/', import.meta.url).href;
const { Chunker, chunkerStream, ChunkerStream, chunks, backend } = await import(new URL('index.js', dist.endsWith('/') ? dist : `${dist}/`).href);

const [face, nArg, sizeArg] = process.argv.slice(2);
const n = Number(nArg);
const size = Number(sizeArg ?? 64);
const hello = (i, k) => new Uint8Array(90 + ((i * 7 + k * 13) % 21)).fill(1 + (k % 200));

async function settle() {
  for (let i = 0; i < 6; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
const rss = () => process.memoryUsage().rss;

async function make(kind, count) {
  const keep = [];
  for (let i = 0; i < count; i++) {
    if (kind === 'chunker') {
      const c = new Chunker(size);
      for (let k = 0; k < 3; k++) c.push(hello(i, k));
      keep.push(c);
    } else if (kind === 'node' || kind === 'passthrough') {
      const s = kind === 'node' ? chunkerStream(size) : new PassThrough({ objectMode: true });
      s.on('data', () => {});
      for (let k = 0; k < 3; k++) s.write(hello(i, k));
      keep.push(s);
    } else if (kind === 'web' || kind === 'transformstream') {
      const pair = kind === 'web' ? new ChunkerStream(size) : new TransformStream();
      const writer = pair.writable.getWriter();
      const reader = pair.readable.getReader();
      const drain = async () => { for (;;) { const { done } = await reader.read(); if (done) return; } };
      drain();
      for (let k = 0; k < 3; k++) writer.write(hello(i, k));
      keep.push(writer, reader);
    } else if (kind === 'chunks' || kind === 'asyncgen') {
      // A source that yields the hello and then waits (a quiet socket).
      let wake;
      const source = (async function* () { for (let k = 0; k < 3; k++) yield hello(i, k); await new Promise((r) => { wake = r; }); })();
      const identity = async function* (bursts) { for await (const burst of bursts) yield burst; };
      const it = (kind === 'chunks' ? chunks(source, size) : identity(source))[Symbol.asyncIterator]();
      const pull = async () => { for (;;) { const { done } = await it.next(); if (done) return; } };
      pull();
      keep.push(it, () => wake);
    } else throw new Error(`unknown face ${kind}`);
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  await settle();
  return keep;
}

const floorKind = { node: 'passthrough', web: 'transformstream', chunks: 'asyncgen' }[face];
await settle();
let floor;
if (floorKind) {
  const before = rss();
  const keep = await make(floorKind, n);
  floor = (rss() - before) / n;
  keep.length = 0;
  await settle();
}
// Traffic first, so that memory the package keeps for reuse (if any) is warm and dirty.
await make(face, 200);
await settle();
const before = rss();
const buffersBefore = process.memoryUsage().arrayBuffers;
const keep = await make(face, n);
const perStream = (rss() - before) / n;
const buffersPerStream = (process.memoryUsage().arrayBuffers - buffersBefore) / n;
console.log(JSON.stringify({
  face, backend, n, size, perStream: Math.round(perStream), floor: floor && Math.round(floor),
  buffersPerStream: Math.round(buffersPerStream), kept: keep.length,
}));
process.exit(0);
