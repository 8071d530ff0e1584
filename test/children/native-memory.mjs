// Issue 12: the native core's output memory (native/memory.h), in a process of its own (run by
// test/native-memory.test.ts with --expose-gc and REFRAME_BACKEND=native):
//   node --expose-gc test/children/native-memory.mjs <case>...
// Prints `<case> start`, then `<case> ok ...` or `<case> FAIL ...`; exits 0 when every case is ok.
//
//   pin       a kept chunk (and its whole buffer) stays unchanged through millions of later chunks,
//             while their memory is recycled around it
//   secret    bytes one chunker wrote are never seen in another chunker's chunks or their buffers
//             once the first one's memory is recycled (own chunks, shared outputs, copy-once)
//   no-yield  a loop that never lets the event loop turn stays within the outstanding bound (the
//             rest falls back to JavaScript memory) and every chunk is still right; once it yields,
//             the free slabs stay within their bound, and after IDLE_TRIM_MS every block is released
//   fallback  where external buffers are refused (forced), output is JavaScript memory and right
//   keep-freed  while output flows, what V8 frees stays with glibc (the next chunks reuse memory
//             already paged in, instead of fresh pages); IDLE_TRIM_MS after output stops, glibc's
//             defaults are back and the freed memory is returned (native/binding.cc KeepFreedMemory)
//   quiet-engines  20,000 native engines that each took a 60-byte hello and went quiet cost under
//             1,250 bytes of RSS each (~0.8-1.07 KiB; with a push function of its own made at
//             construction, as before, 1.38 KiB on Node 20 and 2.0 KiB on Node 26)
//   workers   several worker threads, several chunkers each: every chunk right, none changes; a
//             worker alone takes no slab (issue 19: workers use Node's memory), the main thread does
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';

const { Chunker, chunkerStream, backend } = await import('../../dist/index.js');
const { nativeMemory, nativeRecycles } = await import('../../dist/core/node-runtime.js');
// Where the native core does not recycle (Node 26, Deno: a user's mark on an external buffer would
// abort Node at exit; docs/design.md), every case checks that no slab is ever taken instead.
const recycles = isMainThread ? nativeRecycles : false;
const { IDLE_TRIM_MS } = await import('../../dist/core/native-memory.js');

const MiB = 1 << 20;
// native/memory.h: kMaxFreeBytes, kMaxOutstandingBytes, kBlockBytes.
const MAX_FREE = 128 * MiB;
const MAX_OUTSTANDING = 256 * MiB;
const BLOCK = 2 * MiB;

const stats = () => {
  const [free, outstanding, mapped, taken, reused] = nativeMemory.memoryStats();
  return { free, outstanding, mapped, taken, reused };
};

/** Collections and event-loop turns until the finalizers of dropped buffers have run. */
async function collect() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc?.(); // workers have none (--expose-gc is not a worker flag): turns only
    await turn();
  }
}

// Byte at stream position p of the pattern streams: 1 + (p * 7 + salt) % 127, never 0 and never
// above 0x7f (the secret is 0xEE, padding is 0).
const patternAt = (p, salt) => 1 + ((p * 7 + salt) % 127);
function patternBytes(from, length, salt) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = patternAt(from + i, salt);
  return bytes;
}
function checkPattern(chunk, from, salt) {
  for (let i = 0; i < chunk.length; i++) if (chunk[i] !== patternAt(from + i, salt)) return from + i;
  return -1;
}

// Chunk sizes that reach every kind of output: the small-chunk pool, exact outputs of one burst's
// chunks, copy-once windows (>= 32 KiB), and flushed tails.
const SIZES = [64, 1500, 4096, 65536, 40000, 1 << 20];

async function pin() {
  // One chunk of each kind kept, with a copy of it and of its whole buffer.
  const kept = [];
  for (const size of SIZES) {
    const chunker = new Chunker(size);
    const chunks = chunker.push(patternBytes(0, size * 3 + 17, size));
    const [tail] = chunker.flush();
    for (const chunk of [chunks[1], tail]) {
      kept.push({ chunk, copy: Uint8Array.from(chunk), buffer: new Uint8Array(chunk.buffer).slice() });
    }
  }
  const before = stats();
  // Millions of later chunks, through the Chunker and the Node face, recycled as they go.
  const burst = patternBytes(0, 256 * 1024, 99);
  let later = 0;
  for (const size of [64, 1500, 4096, 65536]) {
    const chunker = new Chunker(size);
    const rounds = Math.ceil((size === 64 ? 2_000_000 : size === 1500 ? 1_000_000 : 50_000) * size / burst.length);
    for (let r = 0; r < rounds; r++) {
      later += chunker.push(burst).length;
      if (r % 64 === 63) await collect();
    }
  }
  for (const size of [4096, 40000]) {
    const stream = chunkerStream(size);
    let n = 0;
    stream.on('data', () => n++);
    const done = new Promise((resolve, reject) => { stream.on('end', resolve); stream.on('error', reject); });
    for (let r = 0; r < 2048; r++) if (!stream.write(burst)) await new Promise((resolve) => stream.once('drain', resolve));
    stream.end();
    await done;
    later += n;
    await collect();
  }
  const after = stats();
  const recycled = after.reused - before.reused;
  const changed = kept.filter(({ chunk, copy, buffer }) =>
    Buffer.compare(chunk, copy) !== 0 || Buffer.compare(new Uint8Array(chunk.buffer), buffer) !== 0);
  if (later < 3_000_000) return `FAIL only ${later} later chunks`;
  if (recycles && recycled < 1000) return `FAIL only ${recycled} slabs were recycled meanwhile: the test did not exercise reuse`;
  if (changed.length > 0) return `FAIL ${changed.length} kept chunks changed (sizes ${changed.map((k) => k.chunk.length).join(', ')})`;
  return `ok ${kept.length} kept chunks unchanged through ${later} later chunks (${recycled} slabs recycled meanwhile)`;
}

async function secret() {
  const SECRET = 0xee;
  const sizes = [...SIZES, 188];
  // Chunker A spills the secret through every kind of output; nothing of it is kept.
  for (const size of sizes) {
    const a = new Chunker(size);
    const burst = new Uint8Array(size * 5 + 3).fill(SECRET);
    for (let r = 0; r < 8; r++) a.push(burst.subarray(0, burst.length - r));
    a.flush();
  }
  for (let r = 0; r < 256; r++) new Chunker(64).push(new Uint8Array(8192).fill(SECRET)); // pools
  await collect();
  const before = stats();
  // Chunker B (and a Node face) write only bytes 1..0x7f (padding 0): any byte above 0x7f in a
  // chunk or anywhere in its buffer is memory that was not B's.
  const seen = new Set();
  let chunks = 0;
  let leaks = 0;
  const inspect = (chunk) => {
    chunks++;
    const buffer = chunk.buffer;
    if (seen.has(buffer)) return;
    seen.add(buffer);
    const all = new Uint8Array(buffer);
    for (let i = 0; i < all.length; i++) if (all[i] > 0x7f) { leaks++; return; }
  };
  for (const size of sizes) {
    const b = new Chunker({ size, tail: 'pad' });
    for (let r = 0; r < 8; r++) for (const chunk of b.push(patternBytes(0, size * 5 + 3 - r, r))) inspect(chunk);
    for (const tail of b.flush()) inspect(tail);
    const stream = chunkerStream(size);
    stream.on('data', inspect);
    const done = new Promise((resolve, reject) => { stream.on('end', resolve); stream.on('error', reject); });
    for (let r = 0; r < 8; r++) stream.write(patternBytes(0, size * 3 + r, r));
    stream.end();
    await done;
  }
  for (let r = 0; r < 256; r++) for (const chunk of new Chunker(64).push(patternBytes(0, 100, r))) inspect(chunk);
  const recycled = stats().reused - before.reused;
  if (!recycles && stats().taken !== before.taken) return 'FAIL slabs taken where the native core must not recycle';
  if (recycles && recycled < 50) return `FAIL only ${recycled} slabs recycled: B did not get A's memory, nothing was tested`;
  if (leaks > 0) return `FAIL ${leaks} of ${seen.size} buffers showed bytes B never wrote`;
  return `ok ${chunks} chunks in ${seen.size} buffers, none showing another chunker's bytes (${recycled} recycled slabs)`;
}

async function noYield() {
  await collect();
  // Slabs hold large chunks only (src/memory.ts OWN_LARGE_BYTES): one 64 KiB chunk per burst.
  let chunker = new Chunker(65536);
  const burst = patternBytes(0, 64 * 1024, 5);
  const start = stats();
  let worst = 0;
  let worstMapped = 0;
  let wrong = 0;
  // 1 GiB through a loop that never yields: no finalizer can run.
  for (let r = 0; r < 16384; r++) {
    const chunks = chunker.push(burst);
    if (chunks.length !== 1 || checkPattern(chunks[0], 0, 5) !== -1) wrong++;
    if (r % 256 === 0) {
      const s = stats();
      worst = Math.max(worst, s.outstanding);
      worstMapped = Math.max(worstMapped, s.mapped);
    }
  }
  const end = stats();
  // The chunker holds one slab for its next window: dropped, so that an idle process can keep none.
  chunker = undefined;
  if (wrong > 0) return `FAIL ${wrong} bursts gave wrong chunks`;
  if (worst > MAX_OUTSTANDING) return `FAIL ${worst / MiB} MiB outstanding (bound ${MAX_OUTSTANDING / MiB})`;
  if (!recycles) {
    if (end.taken !== start.taken) return 'FAIL slabs taken where the native core must not recycle';
    return 'ok 16384 bursts in Node\'s memory, no slab (this runtime does not recycle)';
  }
  if (end.taken - start.taken >= 16384) return 'FAIL every output was a slab: the bound never made it fall back';
  await collect();
  await sleep(50);
  await collect();
  const settled = stats();
  if (settled.outstanding > 4 * MiB) return `FAIL ${settled.outstanding / MiB} MiB still outstanding after collection`;
  if (settled.free > MAX_FREE + BLOCK) return `FAIL ${settled.free / MiB} MiB kept free (bound ${MAX_FREE / MiB})`;
  // Idle: the trim runs IDLE_TRIM_MS after the last allocation (checked once more a period later).
  await sleep(IDLE_TRIM_MS * 2 + 200);
  await collect();
  await sleep(IDLE_TRIM_MS + 200);
  const idle = stats();
  if (idle.mapped > 0) return `FAIL ${idle.mapped / MiB} MiB still mapped ${(3 * IDLE_TRIM_MS + 400) / 1000} s after the last chunk`;
  return `ok 16384 bursts, at most ${(worst / MiB).toFixed(0)} MiB outstanding and ${(worstMapped / MiB).toFixed(0)} MiB mapped ` +
    `(${end.taken - start.taken} of 16384 outputs in slabs); after collection ${(settled.free / MiB).toFixed(0)} MiB free; idle: 0 mapped`;
}

async function keepFreed() {
  if (/libasan/.test(process.env.LD_PRELOAD ?? '')) return 'ok not under the sanitizer (its allocator is not glibc\'s; RSS says nothing)';
  const rss = () => process.memoryUsage.rss();
  const MB = 48;
  // 48 MiB of 1 MiB buffers, paged in, then dropped and collected: what glibc does with them shows in RSS.
  const churn = async () => {
    let held = [];
    for (let i = 0; i < MB; i++) held.push(Buffer.allocUnsafeSlow(MiB).fill(1));
    held = undefined;
    await collect();
  };
  await collect();
  await sleep(IDLE_TRIM_MS + 300); // any output before this case has gone idle
  const idleBefore = rss();
  const chunker = new Chunker(4096);
  if (chunker.push(patternBytes(0, 8192, 3)).length !== 2) return 'FAIL the chunker gave no output';
  // The chunker's output made this thread busy: now true, unless malloc is not glibc's or the user tuned it.
  if (!nativeMemory.keepFreedMemory(true)) {
    const why = process.env.GLIBC_TUNABLES || Object.keys(process.env).some((k) => k.startsWith('MALLOC_')) ? 'the user tuned malloc' : 'not glibc';
    return `ok nothing kept: ${why}`;
  }
  // Output keeps flowing (every 100 ms) while the freed buffers are measured, however slow a loaded
  // machine makes the collections: this thread stays busy.
  const flowing = setInterval(() => chunker.push(patternBytes(0, 4096, 3)), 100);
  await churn();
  const busy = rss() - idleBefore;
  clearInterval(flowing);
  // Idle is seen between one and two IDLE_TRIM_MS after the last output (the timer re-arms once).
  await sleep(IDLE_TRIM_MS * 3 + 300);
  const idle = rss() - idleBefore;
  await churn(); // idle again: glibc's defaults, so the freed buffers go back at once
  const idleChurn = rss() - idleBefore;
  const line = `busy: ${(busy / MiB).toFixed(1)} MiB kept of ${MB} freed; idle ${(IDLE_TRIM_MS * 3 + 300) / 1000} s later: ` +
    `${(idle / MiB).toFixed(1)} MiB; churned again while idle: ${(idleChurn / MiB).toFixed(1)} MiB`;
  if (busy < (MB / 2) * MiB) return `FAIL ${line}: glibc gave freed memory back while output flowed`;
  if (idle > 16 * MiB) return `FAIL ${line}: not given back after idle`;
  if (idleChurn > 16 * MiB) return `FAIL ${line}: glibc kept freed memory while idle (its defaults not restored)`;
  return `ok ${line}`;
}

async function quietEngines() {
  if (/libasan/.test(process.env.LD_PRELOAD ?? '')) return 'ok not under the sanitizer (RSS says nothing there)';
  const { nativeRuntime } = await import('../../dist/core/node-runtime.js');
  const { resolveOptions } = await import('../../dist/options.js');
  // Copy-once chunk sizes are not gathered in JavaScript: the hello goes straight to the engine.
  const options = resolveOptions({ size: 32768 });
  const N = 20000;
  const hello = patternBytes(0, 60, 1);
  await collect();
  const before = process.memoryUsage.rss();
  const engines = [];
  for (let i = 0; i < N; i++) {
    const engine = nativeRuntime.createEngine(options);
    engine.push(hello, undefined, 0, 0);
    engines.push(engine);
  }
  await collect();
  const each = (process.memoryUsage.rss() - before) / N;
  if (engines.some((engine) => engine.pending !== 60)) return 'FAIL an engine lost its pending bytes';
  const line = `${N} quiet engines: ${each.toFixed(0)} bytes of RSS each`;
  return each < 1250 ? `ok ${line}` : `FAIL ${line} (bound 1250)`;
}

async function fallback() {
  nativeMemory.refuseExternal(true);
  const before = stats();
  let wrong = 0;
  let chunks = 0;
  for (const size of SIZES) {
    const chunker = new Chunker(size);
    for (let r = 0; r < 4; r++) {
      const input = patternBytes(0, size * 2 + 5 + r, size);
      const out = chunker.push(input);
      const [tail] = chunker.flush();
      for (const [k, chunk] of out.entries()) {
        chunks++;
        if (chunk.length !== size || checkPattern(chunk, k * size, size) !== -1) wrong++;
      }
      if (!tail || tail.length !== 5 + r || checkPattern(tail, 2 * size, size) !== -1) wrong++;
    }
  }
  const during = stats();
  nativeMemory.refuseExternal(false);
  new Chunker(65536).push(new Uint8Array(65536));
  const after = stats();
  if (wrong > 0) return `FAIL ${wrong} wrong chunks on the fallback`;
  if (during.taken !== before.taken) return `FAIL ${during.taken - before.taken} slabs taken while external buffers were refused`;
  if (!recycles) {
    if (after.taken !== before.taken) return 'FAIL slabs taken where the native core must not recycle';
  } else if (after.taken === during.taken) return 'FAIL no slab taken once external buffers were allowed again';
  return `ok ${chunks} chunks in JavaScript memory while refused; ${recycles ? 'slabs again once allowed' : 'no slab after either (this runtime does not recycle)'}`;
}

// A worker (or the main thread): three chunkers, 48 MiB of pattern each, every chunk checked, a
// sample kept and checked again at the end.
async function churn(id) {
  const sizes = [1500, 4096, 40000];
  let bad = 0;
  let count = 0;
  const sample = [];
  for (const size of sizes) {
    const chunker = new Chunker(size);
    let at = 0;
    for (let sent = 0; sent < 16 * MiB;) {
      const length = 1 + ((sent * 2654435761 + id) >>> 0) % (128 * 1024);
      for (const chunk of chunker.push(patternBytes(sent, length, id))) {
        if (checkPattern(chunk, at, id) !== -1) bad++;
        if (count++ % 997 === 0) sample.push({ chunk, at });
        at += size;
      }
      sent += length;
      if (count % 64 === 0) await turn();
    }
  }
  for (const { chunk, at } of sample) if (checkPattern(chunk, at, id) !== -1) bad++;
  return { bad, count };
}

async function workers() {
  const WORKERS = 4;
  // A worker alone: its chunks (40000 bytes among them) must come from Node's memory, no slab.
  const alone = stats();
  const lone = await new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { id: 50 }});
    worker.on('message', resolve);
    worker.on('error', reject);
  });
  if (lone.bad > 0 || lone.count === 0) return `FAIL the lone worker: ${JSON.stringify(lone)}`;
  if (stats().taken !== alone.taken) return `FAIL a worker took ${stats().taken - alone.taken} slabs: a worker's external buffers die with it`;
  const started = stats();
  const runs = Array.from({ length: WORKERS }, (_, id) => new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { id: id + 1 }});
    worker.on('message', resolve);
    worker.on('error', reject);
    worker.on('exit', (code) => resolve({ bad: 0, count: 0, exited: code }));
  }));
  // One more worker, terminated mid-run: its outstanding buffers' memory must come back.
  const doomed = new Worker(new URL(import.meta.url), { workerData: { id: 99 }});
  const doomedExit = new Promise((resolve) => doomed.on('exit', resolve));
  setTimeout(() => doomed.terminate(), 150);
  const main = await churn(0);
  const results = [main, ...(await Promise.all(runs))];
  await doomedExit;
  const bad = results.reduce((a, r) => a + r.bad, 0);
  const count = results.reduce((a, r) => a + r.count, 0);
  if (results.some((r) => r.exited !== undefined)) return `FAIL a worker exited before reporting (${JSON.stringify(results)})`;
  await collect();
  await sleep(100);
  await collect();
  const end = stats();
  if (bad > 0) return `FAIL ${bad} wrong chunks of ${count}`;
  if (!recycles && end.taken !== started.taken) return 'FAIL slabs taken where the native core must not recycle';
  if (recycles && end.taken - started.taken < 100) return 'FAIL the main thread took no slabs: the pool was not exercised';
  if (end.outstanding > 4 * MiB) return `FAIL ${(end.outstanding / MiB).toFixed(1)} MiB still outstanding after every worker ended`;
  return `ok ${WORKERS} workers + main + 1 terminated, ${count} chunks right, ${end.taken - started.taken} slabs, ` +
    `${(end.outstanding / MiB).toFixed(1)} MiB outstanding after`;
}

if (!isMainThread) {
  const result = await churn(workerData.id);
  await collect();
  parentPort.postMessage(result);
} else {
  const CASES = { pin, secret, 'no-yield': noYield, 'keep-freed': keepFreed, 'quiet-engines': quietEngines, fallback, workers };
  if (backend !== 'native' || nativeMemory === undefined) {
    console.log(`all FAIL the native core did not load (backend ${backend})`);
    process.exit(1);
  }
  let failed = false;
  for (const name of process.argv.slice(2)) {
    console.log(`${name} start`);
    let line;
    try {
      line = await CASES[name]();
    } catch (error) {
      line = `FAIL threw ${error?.stack ?? error}`;
    }
    failed ||= !line.startsWith('ok');
    console.log(`${name} ${line}`);
  }
  process.exit(failed ? 1 : 0);
}
