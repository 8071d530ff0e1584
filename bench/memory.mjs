// `npm run bench:memory`: peak extra memory for ONE 256 MiB burst re-framed into 4096-byte chunks,
// written into (a) a consumer that reads nothing and (b) a slow consumer that takes one chunk per
// event-loop turn. Each cell runs in its own process (node --expose-gc); the table shows, per cell,
// the peak of RSS and of process.memoryUsage().arrayBuffers above what they were once the input was
// allocated and touched (after a warm-up run of the same cell on 4 MiB), sampled every 2 ms and
// every 64 chunks. Two rows run the slow consumers on ready-made chunks, without re-framing: what
// the consumer and the stream machinery cost by themselves (V8 heap growth, garbage not yet collected).
//
//   npm run bench:memory                        # builds dist/, then every cell (about half a minute)
//   node bench/memory.mjs --faces node,web      # some faces only (after npm run build)
//
// reframe is imported as a package (self-reference to dist/), like a user would.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MiB = 2 ** 20;
const BURST = 256 * MiB;
const SIZE = 4096;
const STALL_MS = 500; // how long the stalled consumer is watched after the write

/** face → { label, cores, stalled(input), slow(input) }; both return a Promise of a result. */
const FACES = {
  node: {
    label: 'reframe Node face',
    cores: true,
    async stalled(input) {
      const { chunkerStream } = await import('reframer');
      const stream = chunkerStream(SIZE);
      let settled = false;
      stream.write(input, () => { settled = true; });
      await watch(STALL_MS);
      return { settled, queued: stream.readableLength };
    },
    async slow(input) {
      const { chunkerStream } = await import('reframer');
      const stream = chunkerStream(SIZE);
      await new Promise((resolve, reject) => {
        const sink = slowNodeSink().on('finish', resolve).on('error', reject);
        stream.pipe(sink);
        stream.end(input);
      });
    },
  },
  web: {
    label: 'reframe WHATWG face',
    cores: true,
    async stalled(input) {
      const { ChunkerStream } = await import('reframer');
      const writer = new ChunkerStream(SIZE).writable.getWriter();
      let settled = false;
      writer.write(input).then(() => { settled = true; }, () => {});
      await watch(STALL_MS);
      return { settled };
    },
    async slow(input) {
      const { ChunkerStream } = await import('reframer');
      const source = new ReadableStream({ start(controller) { controller.enqueue(input); controller.close(); } });
      await source.pipeThrough(new ChunkerStream(SIZE)).pipeTo(slowWebSink());
    },
  },
  chunks: {
    label: 'reframe chunks()',
    cores: true,
    async stalled(input) {
      const { chunks } = await import('reframer');
      const iterator = chunks([input], SIZE);
      await iterator.next(); // the loop takes one chunk, then stops pulling
      await watch(STALL_MS);
      await iterator.return();
      return {};
    },
    async slow(input) {
      const { chunks } = await import('reframer');
      for await (const chunk of chunks([input], SIZE)) {
        took(chunk);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  },
  'block-stream2': {
    label: 'block-stream2 2.1.0',
    cores: false,
    async stalled(input) {
      const stream = new (createRequire(import.meta.url)('block-stream2'))(SIZE);
      let settled = false;
      stream.write(input, () => { settled = true; });
      await watch(STALL_MS);
      return { settled, queued: stream.readableLength / SIZE }; // a byte stream: readableLength counts bytes
    },
    async slow(input) {
      const stream = new (createRequire(import.meta.url)('block-stream2'))(SIZE);
      await new Promise((resolve, reject) => {
        const sink = slowNodeSink().on('finish', resolve).on('error', reject);
        stream.pipe(sink);
        stream.end(input);
      });
    },
  },
  // What the slow consumers cost by themselves: ready-made chunks (views of the input, no copy,
  // no re-framing) through the same sink, so the rows above can be read against them.
  'consumer-node': {
    label: 'slow consumer alone, Node stream',
    cores: false,
    async slow(input) {
      let at = 0;
      const source = new Readable({
        objectMode: true,
        read() { this.push(at < input.length ? input.subarray(at, (at += SIZE)) : null); },
      });
      await new Promise((resolve, reject) => {
        source.pipe(slowNodeSink().on('finish', resolve).on('error', reject));
      });
    },
  },
  'consumer-web': {
    label: 'slow consumer alone, WHATWG',
    cores: false,
    async slow(input) {
      let at = 0;
      const source = new ReadableStream({
        pull(controller) {
          if (at < input.length) controller.enqueue(input.subarray(at, (at += SIZE)));
          else controller.close();
        },
      });
      await source.pipeTo(slowWebSink());
    },
  },
};

// ---- one cell (child process) ----------------------------------------------------------------

let base = process.memoryUsage();
let peak = { rss: 0, arrayBuffers: 0 };
let taken = 0;

function sample() {
  const now = process.memoryUsage();
  peak.rss = Math.max(peak.rss, now.rss - base.rss);
  peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers - base.arrayBuffers);
}

/** The consumer took a chunk: count it, and sample every 64. */
function took() {
  if (++taken % 64 === 0) sample();
}

function watch(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A Node sink that takes one chunk per event-loop turn. */
function slowNodeSink() {
  return new Writable({
    objectMode: true,
    highWaterMark: 1,
    write(_chunk, _encoding, callback) {
      took();
      setImmediate(callback);
    },
  });
}

/** A WHATWG sink that takes one chunk per event-loop turn. */
function slowWebSink() {
  return new WritableStream({
    write: () => new Promise((resolve) => {
      took();
      setImmediate(resolve);
    }),
  }, { highWaterMark: 1 });
}

async function runCell({ face, consumer }) {
  // Warm-up: the same face and consumer on 4 MiB, so that loading and compiling the code paths is
  // not counted as memory the burst needed.
  await FACES[face].slow(Buffer.alloc(4 * MiB, 0x5a));
  taken = 0;
  const input = Buffer.alloc(BURST, 0x5a); // touched: its pages are in the baseline RSS
  globalThis.gc();
  globalThis.gc();
  base = process.memoryUsage();
  peak = { rss: 0, arrayBuffers: 0 };
  const timer = setInterval(sample, 2);
  const extra = await FACES[face][consumer](input);
  sample();
  clearInterval(timer);
  const { backend } = await import('reframer');
  return { face, consumer, backend, taken, ...extra, rssMiB: peak.rss / MiB, arrayBuffersMiB: peak.arrayBuffers / MiB };
}

// ---- the table (parent process) --------------------------------------------------------------

function runChild(cell, backend) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    if (backend) env.REFRAME_BACKEND = backend;
    const child = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--cell', JSON.stringify(cell)], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (data) => { out += data; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`cell ${JSON.stringify(cell)} (${backend ?? 'default'}) exited with ${code}`));
    });
  });
}

const { values: args } = parseArgs({ options: { cell: { type: 'string' }, faces: { type: 'string' } } });

if (args.cell) {
  process.stdout.write(`${JSON.stringify(await runCell(JSON.parse(args.cell)))}\n`);
} else {
  const faces = args.faces ? args.faces.split(',') : Object.keys(FACES);
  const fmt = (r) => `${r.rssMiB.toFixed(1).padStart(6)} / ${r.arrayBuffersMiB.toFixed(1).padStart(6)}`;
  const rows = [];
  console.log(`One ${BURST / MiB} MiB burst in ${SIZE}-byte chunks: peak extra memory in MiB (RSS / arrayBuffers),`);
  console.log('above the input itself; one process per cell. Goal for reframe: under 16 MiB.\n');
  const header = `${''.padEnd(34)}${'stalled consumer'.padStart(18)}${'slow consumer'.padStart(18)}`;
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const face of faces) {
    for (const backend of FACES[face].cores ? ['native', 'js'] : [undefined]) {
      const stalled = FACES[face].stalled ? await runChild({ face, consumer: 'stalled' }, backend) : undefined;
      const slow = await runChild({ face, consumer: 'slow' }, backend);
      const name = FACES[face].cores ? `${FACES[face].label} (${slow.backend})` : FACES[face].label;
      console.log(`${name.padEnd(34)}${(stalled ? fmt(stalled) : '—').padStart(18)}${fmt(slow).padStart(18)}`);
      rows.push({ name, stalled, slow });
    }
  }
  const notes = rows.filter((r) => r.stalled?.queued !== undefined)
    .map((r) => `${r.name}: ${r.stalled.queued} chunks queued, write ${r.stalled.settled ? 'settled' : 'pending'}`);
  console.log(`\nStalled, after ${STALL_MS} ms: ${notes.join('; ')}.`);
}
