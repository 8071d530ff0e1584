// Soak (issue 6): not a test, a measurement. Runs, on each core in its own process:
//   - 10 million pushes of random bursts into Chunkers of assorted options (overlap, gaps, sample
//     types, every tail policy), with flushes and resets among them;
//   - 100,000 lifetimes on every face: Chunkers dropped with a partial window (~32 KiB), Node
//     streams destroyed or aborted mid-burst, WHATWG pairs cancelled or aborted mid-burst (platform
//     streams and the polyfill), chunks() loops left early or failed by their source.
// RSS is sampled after GC (40 samples a phase) and must stay flat: each phase prints its slope in KiB
// per 10,000 iterations (least squares over the samples after a warm-up), the growth that slope
// predicts over the whole phase, and how many owners the collector reclaimed. The run fails (exit 1)
// when a phase's predicted growth exceeds LIMIT_MIB (RSS moves by a few MiB on its own; a leak of
// 160 bytes per lifetime, or of 2 bytes per push, is above it) or an owner is never reclaimed.
//
//   npm run soak                   both cores (builds dist/ first)
//   SOAK_SCALE=0.1 npm run soak    a tenth of every count, for a quick look
//   REFRAME_BACKEND=js node --expose-gc scripts/soak.mjs   one core, this process
//   SOAK_VERBOSE=1                 also print every RSS sample
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setImmediate as tick } from 'node:timers/promises';

const LIMIT_MIB = 16;
const SCALE = Number(process.env.SOAK_SCALE ?? 1);
const PUSHES = Math.round(10_000_000 * SCALE);
const LIFETIMES = Math.round(100_000 * SCALE);

if (process.env.REFRAME_BACKEND === undefined) {
  // The parent: one child per core, each with --expose-gc.
  let failed = false;
  for (const backend of ['native', 'js']) {
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], {
      stdio: 'inherit',
      env: { ...process.env, REFRAME_BACKEND: backend },
    });
    failed ||= child.status !== 0;
  }
  process.exit(failed ? 1 : 0);
}

if (typeof globalThis.gc !== 'function') {
  console.error('soak: run with node --expose-gc');
  process.exit(2);
}

const { Chunker, chunkerStream, ChunkerStream, chunks, backend } = await import('../dist/index.js');
const polyfill = await import('web-streams-polyfill');

// xorshift32: the same bursts on every run.
let seed = 0x2545f491;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pool = new Uint8Array(1 << 20).map(() => (random() * 256) | 0);
const burstOf = (max) => {
  const len = (random() * (max + 1)) | 0;
  const at = (random() * (pool.length - len)) | 0;
  return pool.subarray(at, at + len);
};

async function collectGarbage() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await tick(); // N-API finalizers (the native engines' destructors) run after the collection
  }
}

// Least-squares slope of rss over iterations, after dropping the first quarter of the samples.
function slopeKiBPer10k(samples) {
  const s = samples.slice(Math.floor(samples.length / 4));
  const n = s.length;
  const mx = s.reduce((a, p) => a + p.at, 0) / n;
  const my = s.reduce((a, p) => a + p.rss, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of s) {
    num += (p.at - mx) * (p.rss - my);
    den += (p.at - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 10_000 / 1024;
}

const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
let failed = false;

/** Runs `total` iterations of `step` in 40 groups, sampling RSS after GC between groups. */
async function phase(name, total, step, collected) {
  const every = Math.max(1, Math.ceil(total / 40));
  const samples = [];
  const started = performance.now();
  await collectGarbage();
  const first = process.memoryUsage();
  for (let done = 0; done < total;) {
    const n = Math.min(every, total - done);
    for (let i = 0; i < n; i++) {
      const pending = step(done + i);
      if (pending) await pending;
    }
    done += n;
    await collectGarbage();
    samples.push({ at: done, rss: process.memoryUsage.rss() });
  }
  const last = process.memoryUsage();
  const slope = slopeKiBPer10k(samples);
  const growth = (slope * total) / 10_000 / 1024; // MiB over the phase, by the fitted slope
  const flat = growth <= LIMIT_MIB;
  const reclaimed = collected?.();
  failed ||= !flat || (reclaimed !== undefined && reclaimed.count < reclaimed.created);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${backend.padEnd(6)} ${name.padEnd(44)} ${String(total).padStart(9)} in ${seconds.padStart(5)} s  ` +
      `rss ${mib(first.rss)} → ${mib(last.rss)} MiB  slope ${slope.toFixed(1).padStart(7)} KiB/10k ` +
      `(${growth.toFixed(1).padStart(5)} MiB over the phase: ${flat ? 'flat' : 'GROWS'})  ` +
      `external ${mib(first.external)} → ${mib(last.external)} MiB` +
      (reclaimed ? `  reclaimed ${reclaimed.count}/${reclaimed.created}` : ''),
  );
  if (process.env.SOAK_VERBOSE) console.log(`  rss MiB after each ${every}: ${samples.map((p) => mib(p.rss)).join(' ')}`);
}

/** Counts owners the collector has reclaimed (and so, on the native core, their engines). One in
 *  16 is watched: a registry entry per owner moves RSS by itself (~20 bytes a lifetime, measured). */
function tracker() {
  let created = 0;
  let reclaimed = 0;
  let seen = 0;
  const registry = new FinalizationRegistry(() => reclaimed++);
  return {
    track(owner) {
      if (seen++ % 16 === 0) {
        created++;
        registry.register(owner, 0);
      }
      return owner;
    },
    report: () => ({ count: reclaimed, created }),
  };
}

console.log(`soak on the ${backend} core: ${PUSHES} pushes, ${LIFETIMES} lifetimes per face (SOAK_SCALE=${SCALE})`);

// 1. Chunkers created, given a partial window (~32 KiB), and dropped: 4,000 complex64 samples
// (32,000 bytes: the window is the engine's own memory, native on the native core) or 4,096
// (32 KiB: copy-once, the window is kept in output memory). First, while the heap has no freed
// memory that a leak could quietly reuse without RSS showing it.
{
  const t = tracker();
  const burst = new Uint8Array(4095 * 8);
  await phase('Chunker: created, part-filled, dropped', LIFETIMES, (i) => {
    const size = i % 2 ? 4096 : 4000;
    const c = t.track(new Chunker({ size, type: 'complex64' }));
    c.push(burst.subarray(0, (size - 1) * 8));
  }, t.report);
}

// 2. Pushes of random bursts into long-lived chunkers of assorted options.
{
  const configs = [
    { size: 64, type: 'complex64' }, // the original example
    { size: 7, hop: 3 }, // overlap
    { size: 5, hop: 11, type: 'int16', tail: 'pad', align: 2 }, // gaps
    { size: 1 }, // one byte per chunk
    { size: 480, type: 'float32', channels: 2, tail: 'pad', fill: -1 }, // audio frames
    { size: 188, tail: 'drop' }, // MPEG-TS packets
    { size: 33, hop: 32, type: 'float64', tail: 'error' },
    { size: 4096, hop: 1024, type: 'uint8' }, // large overlapping windows
  ].map((o) => ({ chunker: new Chunker(o), max: 3 * Math.min(o.size, 2048) * 8 }));
  let out = 0;
  await phase('Chunker.push, random bursts', PUSHES, (i) => {
    const c = configs[i % configs.length];
    out += c.chunker.push(burstOf(c.max)).length;
    if (i % 997 === 0) {
      try {
        out += c.chunker.flush().length;
      } catch (error) {
        if (error.code !== 'ERR_REFRAME_TAIL' && error.code !== 'ERR_REFRAME_INPUT') throw error;
      }
    } else if (i % 1999 === 0) {
      c.chunker.reset();
    }
  });
  if (out === 0) throw new Error('soak: no chunks came out');
}

// 3. Node streams destroyed, failed or aborted while a 32 KiB write (128 chunks) waits for its consumer.
{
  const t = tracker();
  const burst = new Uint8Array(1 << 15);
  await phase('Node face: destroyed/aborted mid-burst', LIFETIMES, async (i) => {
    const controller = new AbortController();
    const s = t.track(chunkerStream({ size: 256 }, { highWaterMark: 4, signal: controller.signal }));
    s.on('error', () => {});
    const closed = new Promise((resolve) => s.once('close', resolve));
    s.write(burst);
    s.read();
    if (i % 3 === 0) s.destroy();
    else if (i % 3 === 1) s.destroy(new Error('soak'));
    else controller.abort();
    await closed;
  }, t.report);
}

// 4. WHATWG pairs cancelled, aborted or failed mid-burst, on platform streams and the polyfill.
{
  const t = tracker();
  const burst = new Uint8Array(1 << 15);
  const settle = (p) => p.then(() => undefined, () => undefined);
  await phase('WHATWG face: cancelled/aborted mid-burst', LIFETIMES, async (i) => {
    const pair = t.track(new ChunkerStream({ size: 256 }, { highWaterMark: 4, streams: i % 2 ? polyfill : undefined }));
    const writer = pair.writable.getWriter();
    const reader = pair.readable.getReader();
    const write = settle(writer.write(burst));
    await reader.read();
    const mode = (i >> 1) % 3;
    if (mode === 0) await settle(reader.cancel('soak'));
    else if (mode === 1) await settle(writer.abort('soak'));
    else {
      // A refused burst behind the first one: read on until the error reaches the readable side.
      const refused = settle(writer.write(42));
      for (;;) {
        const { done } = await reader.read().catch(() => ({ done: true }));
        if (done) break;
      }
      await refused;
    }
    await write;
    await settle(writer.closed);
  }, t.report);
}

// 5. chunks() loops left early, or ended by a failing source, in the middle of a burst.
{
  const t = tracker();
  const burst = new Uint8Array(1 << 15);
  await phase('chunks(): loop left early / source failed', LIFETIMES, async (i) => {
    async function* source() {
      yield burst;
      if (i % 2) throw new Error('soak');
      yield burst;
    }
    const iterator = t.track(chunks(source(), { size: 256 }));
    try {
      let n = 0;
      for await (const _ of iterator) if (++n === (i % 2 ? 1000 : 3)) break;
    } catch (error) {
      if (error.message !== 'soak') throw error;
    }
  }, t.report);
}

process.exit(failed ? 1 : 0);
