// One benchmark cell in its own process: one contestant, one workload, one chunk size.
//   node --expose-gc bench/cell.mjs '{"workload":"file","size":4096,"contestant":"reframe-node","runs":5,"maxRunMs":800}'
// Prints one JSON line: timings of every run, and whether the output was right.
//
// Order: two probe runs on 1/16 of the stream (warm-up; they size the runs), a verification run that
// checksums every chunk (also warm-up), then `runs` timed runs whose sink only counts. A later round
// ("verify": false, "bytes" given) warms up with two plain runs instead of the probes and checksum.
// Every run starts with a full collection, a pause, and an untimed run on its first sixteenth (see
// timed()). A contestant slow enough that a whole run would pass maxRunMs runs on a prefix of the
// stream (whole bursts), and the result says how many bytes that was.
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { CONTESTANTS } from './contestants.mjs';
import { Checksum, makeWorkload, WORKLOADS } from './workloads.mjs';

const cell = JSON.parse(process.argv[2]);
// BENCH_TRACE=1: each timed run also reports what it cost besides the copy (the `trace` array):
// CPU split, page faults, garbage collections, and the native core's slab statistics.
const TRACE = process.env.BENCH_TRACE === '1';
// Garbage collections are observed only with BENCH_TRACE_GC=1 as well: observing them is extra work per collection.
const gcs = [];
if (process.env.BENCH_TRACE_GC === '1') new PerformanceObserver((list) => gcs.push(...list.getEntries())).observe({ entryTypes: ['gc'] });
const nativeMemory = TRACE ? (await import('../dist/core/node-runtime.js')).nativeMemory : undefined;
const traces = [];

const { size, runs = 5, maxRunMs = 800 } = cell;
const contestant = CONTESTANTS[cell.contestant];
const run = await contestant.load();
if (!run) {
  console.log(JSON.stringify({ ...cell, skipped: 'not available in this build' }));
  process.exit(0);
}
// A later round knows its volume: only that prefix of the stream is made (same bursts, same bytes).
const workload = makeWorkload(cell.workload, cell.bytes);

/** The bursts that make up the first `bytes` (at least) of the stream, and their exact length. */
function prefix(bytes) {
  const bursts = [];
  let total = 0;
  for (const burst of workload.bursts) {
    if (total >= bytes) break;
    bursts.push(burst);
    total += burst.length;
  }
  return { bursts, bytes: total };
}

// Counts chunks; a single short chunk is allowed only as the very last one (the tail).
function counter(check) {
  const state = { full: 0, short: 0, afterShort: 0, sink: undefined };
  state.sink = (chunk) => {
    if (state.short) state.afterShort++;
    if (chunk.length === size) {
      state.full++;
      if (check) check.update(chunk);
    } else state.short++;
  };
  return state;
}

// The first sixteenth of a run's bursts (at least one): re-warms the JIT after a collection.
const warmups = new Map();
function warmup(input) {
  if (!warmups.has(input)) warmups.set(input, input.bursts.slice(0, Math.max(1, input.bursts.length >> 4)));
  return warmups.get(input);
}

async function timed(input, check) {
  const state = counter(check);
  // A full collection, then a pause while its concurrent sweeping finishes: otherwise that
  // work lands inside the run (a fixed ~30 ms per run was measured on the tiny workload).
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 40));
  // The collection also drops optimised code whose objects (the last run's streams) died: 214
  // deoptimisations against 11 without it, and re-compiling was up to 40% of a WHATWG cell. An
  // untimed run on a sixteenth of the bursts compiles it again, so each timed run is steady state.
  await run(warmup(input), size, () => {});
  const before = TRACE ? { usage: process.resourceUsage(), gcs: gcs.length, slabs: nativeMemory?.memoryStats() } : undefined;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await run(input.bursts, size, state.sink, contestant.limit && check ? (bytes) => check.update(bytes) : undefined);
  const cpu = process.cpuUsage(cpuStart);
  const wall = performance.now() - start;
  if (TRACE) {
    await new Promise((resolve) => setImmediate(resolve)); // the observer's entries of this run
    const usage = process.resourceUsage();
    const during = gcs.slice(before.gcs);
    const slabs = nativeMemory?.memoryStats();
    traces.push({
      wall: Math.round(wall * 10) / 10, user: Math.round(cpu.user / 100) / 10, sys: Math.round(cpu.system / 100) / 10,
      minflt: usage.minorPageFault - before.usage.minorPageFault,
      gc: { minor: during.filter((e) => e.detail?.kind === 1).length, major: during.filter((e) => e.detail?.kind === 4).length,
        ms: Math.round(during.reduce((sum, e) => sum + e.duration, 0) * 10) / 10 },
      slabs: slabs && { taken: slabs[3] - before.slabs[3], reused: slabs[4] - before.slabs[4], mappedMiB: slabs[2] >> 20, outMiB: slabs[1] >> 20 },
    });
  }
  // CPU time (user + system, every thread of this process) by default: on a shared machine it
  // counts the work a contestant does, not the time other processes held the cores.
  const ms = cell.clock === 'wall' ? wall : (cpu.user + cpu.system) / 1000;
  const expectChunks = Math.floor(input.bytes / size);
  const countOk = contestant.limit || (state.full === expectChunks && state.short <= 1 && state.afterShort === 0);
  return { ms, countOk, full: state.full, short: state.short };
}

// Probe: 1/16 of the stream, twice (the first run warms the JIT up; the second sizes the runs).
// A later round of the same cell is given the volume the first one chose (`cell.bytes`) and
// warms up on it instead.
let use = workload;
if (cell.bytes === undefined) {
  const probe = prefix(workload.bytes / 16);
  await timed(probe);
  const probeMs = (await timed(probe)).ms;
  const estimate = (probeMs * workload.bytes) / probe.bytes;
  if (estimate > maxRunMs) {
    let fraction = 1;
    while (fraction > 1 / 64 && estimate * fraction > maxRunMs) fraction /= 2;
    use = prefix(workload.bytes * fraction);
  }
}
const input = { bursts: use.bursts, bytes: use.bytes };

// Verification (first round only): every chunk (or, for limit (a), every copied byte)
// checksummed, against the stream. Every run, in every round, checks the chunk count.
const chunks = Math.floor(input.bytes / size);
let checksumOk = null;
let verify = { countOk: true };
if (cell.verify !== false) {
  const expectBytes = cell.contestant === 'limit-copy' ? input.bytes : chunks * size;
  const expected = new Checksum().update(workload.data.subarray(0, expectBytes)).digest();
  const check = new Checksum();
  verify = await timed(input, check);
  checksumOk = contestant.limit && cell.contestant !== 'limit-copy' ? null : check.digest() === expected;
} else {
  await timed(input); // warm-up at the measured volume
  await timed(input);
}

const times = [];
let countOk = verify.countOk;
for (let i = 0; i < runs; i++) {
  const result = await timed(input);
  countOk &&= result.countOk;
  times.push(result.ms);
}
const sorted = [...times].sort((a, b) => a - b);
const medianMs = sorted[(sorted.length - 1) >> 1];
console.log(JSON.stringify({
  ...cell,
  node: process.version,
  backend: process.env.REFRAME_BACKEND,
  bytes: input.bytes,
  scaled: input.bytes < WORKLOADS[cell.workload].bytes, // a later round's workload is made at its prefix
  chunks,
  times,
  medianMs,
  mbps: input.bytes / 2 ** 20 / (medianMs / 1000),
  chunksPerSec: chunks / (medianMs / 1000),
  countOk,
  checksumOk,
  ok: countOk && checksumOk !== false,
  detail: countOk ? undefined : { full: verify.full, short: verify.short, expected: chunks },
  trace: TRACE ? traces.slice(-runs) : undefined,
}));
