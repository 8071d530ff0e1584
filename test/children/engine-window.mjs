// What a quiet chunker's engine window costs (test/engine-window.test.ts). Makes sets of N chunkers
// of `size` bytes (node --expose-gc, the core by REFRAME_BACKEND), all kept alive: `nothing`, N that
// got nothing; `pushed` and `again`, N that each got a ~120-byte hello (the first set also takes
// what the process grows once for such chunkers); `asked`, N that each got one and were asked for
// `pending`, which hands the bytes the native core gathers in JS for its next crossing to the engine
// (only then does its engine window hold them). Prints one JSON line: { backend, n, size, nothing,
// pushed, again, asked }, each { rss, buffers }: the RSS and ArrayBuffer memory
// (process.memoryUsage().arrayBuffers) that the process grew by while it made that set, per chunker.
// The dist/ imported is this checkout's, or REFRAME_DIST's (to show a test failing on old code).
//   node --expose-gc test/children/engine-window.mjs <n> <size>
const dist = process.env.REFRAME_DIST ?? new URL('../../dist/', import.meta.url).href;
const { Chunker, backend } = await import(new URL('index.js', dist.endsWith('/') ? dist : `${dist}/`).href);

const [nArg, sizeArg] = process.argv.slice(2);
const n = Number(nArg);
const size = Number(sizeArg);
const hello = (i) => new Uint8Array(100 + (i % 41)).fill(1 + (i % 200));

async function settle() {
  for (let i = 0; i < 6; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const usage = () => { const m = process.memoryUsage(); return { rss: m.rss, buffers: m.arrayBuffers }; };

// Adds `count` chunkers to `keep` and returns what the process holds once they are made.
async function make(count, how, keep) {
  for (let i = 0; i < count; i++) {
    const c = new Chunker({ size });
    if (how !== 'nothing') {
      const bytes = hello(i);
      c.push(bytes);
      if (how === 'asked' && c.pending !== bytes.byteLength) throw new Error(`pending ${c.pending}, pushed ${bytes.byteLength}`);
    }
    keep.push(c);
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  await settle();
  return usage();
}

await make(200, 'asked', []); // traffic first: what the package keeps for reuse (if any) is warm
await settle();
const keep = [];
const start = usage();
const nothing = await make(n, 'nothing', keep);
const pushed = await make(n, 'pushed', keep);
const again = await make(n, 'pushed', keep);
const asked = await make(n, 'asked', keep);
const per = (a, b) => ({ rss: Math.round((b.rss - a.rss) / n), buffers: Math.round((b.buffers - a.buffers) / n) });
console.log(JSON.stringify({
  backend, n, size, nothing: per(start, nothing), pushed: per(nothing, pushed), again: per(pushed, again), asked: per(again, asked),
  kept: keep.length,
}));
process.exit(0);
