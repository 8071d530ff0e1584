// `npm run bench`: every contestant on every workload, one process per cell (bench/cell.mjs), then
// tables of MB/s and chunks/s and the issue-5 targets as ratios within this run.
//
//   npm run bench                      # the whole table: 3 rounds over every cell (about 5-6 minutes here)
//   npm run bench -- --quick           # 1 round of shorter runs (2-3 minutes)
//   npm run bench -- --only socket:64 --contestants reframe-node,limit-node
//   npm run bench -- --json results.json
//   npm run bench -- --clock wall      # wall-clock instead of CPU time (on an otherwise idle machine)
//
// Run `npm run build` first: reframe is imported as a package (dist/), like a user would.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONTESTANTS } from './contestants.mjs';
import { WORKLOADS } from './workloads.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' }, // workload or workload:size, comma-separated
    contestants: { type: 'string' }, // contestant ids, comma-separated
    runs: { type: 'string' },
    rounds: { type: 'string' },
    clock: { type: 'string', default: 'cpu' }, // cpu (user + system time of the cell) or wall
    json: { type: 'string' },
  },
});

// Every cell is run ROUNDS times, in rounds over all cells, and its timed runs pooled: load from
// other processes on the machine then falls on every contestant alike, not on a few cells.
const ROUNDS = Number(args.rounds ?? (args.quick ? 1 : 3));
const RUNS = Number(args.runs ?? (args.quick ? 3 : 2));
const MAX_RUN_MS = args.quick ? 250 : 400;
const CELL = fileURLToPath(new URL('./cell.mjs', import.meta.url));

// Every (contestant, core) pair: reframe runs on both cores, the rest once.
const entrants = [];
for (const [id, contestant] of Object.entries(CONTESTANTS)) {
  if (args.contestants && !args.contestants.split(',').includes(id)) continue;
  for (const backend of contestant.cores ? ['native', 'js'] : [undefined]) {
    // The batched WHATWG face is here for its ratio to the unbatched one: the native core suffices.
    if (id === 'reframe-web-batch' && backend === 'js') continue;
    entrants.push({ id, backend, name: backend ? `${contestant.label} (${backend})` : contestant.label });
  }
}

const wanted = args.only?.split(',');
const cells = [];
for (const [workload, spec] of Object.entries(WORKLOADS)) {
  for (const size of spec.sizes) {
    if (wanted && !wanted.includes(workload) && !wanted.includes(`${workload}:${size}`)) continue;
    for (const entrant of entrants) {
      const { minSize = 0, maxSize = Infinity } = CONTESTANTS[entrant.id];
      if (size >= minSize && size <= maxSize) cells.push({ workload, size, entrant });
    }
  }
}

function runCell({ workload, size, entrant }, first) {
  const env = { ...process.env };
  if (entrant.backend) env.REFRAME_BACKEND = entrant.backend;
  const spec = JSON.stringify({
    workload, size, contestant: entrant.id, runs: RUNS, maxRunMs: MAX_RUN_MS, clock: args.clock,
    ...(first && { verify: false, bytes: first.bytes }),
  });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', CELL, spec], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        resolve({ workload, size, contestant: entrant.id, failed: `exit ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}` });
      }
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[(values.length - 1) >> 1];

// A later round's timings join the first round's result (same volume, same checks).
function pool(first, later) {
  if (!first.times || !later.times) return later.failed ? { ...first, failed: later.failed } : first;
  const times = [...first.times, ...later.times];
  const medianMs = median(times);
  const countOk = first.countOk && later.countOk;
  return {
    ...first, times, medianMs, countOk, ok: first.ok && countOk,
    mbps: first.bytes / 2 ** 20 / (medianMs / 1000),
    chunksPerSec: first.chunks / (medianMs / 1000),
  };
}

const CLOCK_NOTE = args.clock === 'wall' ? 'wall-clock'
  : "CPU time (user + system, all threads of the cell's process; --clock wall for wall-clock), which other " +
    'processes on a shared machine disturb far less';
const started = Date.now();
console.log(`reframe benchmark: ${cells.length} cells, one process each, ${ROUNDS} round(s) over all cells; ` +
  `median of ${RUNS * ROUNDS} timed runs (${RUNS} per round, each round after two probe runs and a warm-up; ` +
  `the first round's warm-up checksums every chunk); a run that would pass ${MAX_RUN_MS} ms is scaled down ` +
  `to a prefix of the stream (marked *). Times are ${CLOCK_NOTE}. Node ${process.version}, ${availableParallelism()} CPUs.`);
const results = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, cell] of cells.entries()) {
    const first = results[i];
    const result = await runCell(cell, first);
    result.name = cell.entrant.name;
    results[i] = first ? pool(first, result) : result;
    const now = results[i];
    const what = now.failed ?? now.skipped ??
      `${now.mbps.toFixed(0)} MB/s, ${(now.chunksPerSec / 1e6).toFixed(3)} M chunks/s${now.ok ? '' : ' WRONG OUTPUT'}`;
    process.stderr.write(`[round ${round + 1}/${ROUNDS}, ${i + 1}/${cells.length}] ${cell.workload} ${cell.size} ${cell.entrant.name}: ${what}\n`);
  }
}

// ---- tables ----
const find = (workload, size, id, backend) =>
  results.find((r) => r.workload === workload && r.size === size && r.contestant === id && r.backend === backend && r.mbps);
const fmtMB = (r) => (r ? `${r.mbps >= 100 ? r.mbps.toFixed(0) : r.mbps.toFixed(1)}${r.scaled ? '*' : ''}${r.ok ? '' : ' ✗'}` : '—');
const fmtCk = (r) => (r ? (r.chunksPerSec >= 1e6 ? `${(r.chunksPerSec / 1e6).toFixed(2)} M` : `${(r.chunksPerSec / 1e3).toFixed(1)} k`) : '—');
const sizeName = (size) => (size >= 1 << 20 ? `${size >> 20} MiB` : size >= 65536 ? `${size >> 10} KiB` : `${size} B`);

const lines = [];
for (const [workload, spec] of Object.entries(WORKLOADS)) {
  const sizes = spec.sizes.filter((size) => results.some((r) => r.workload === workload && r.size === size));
  if (!sizes.length) continue;
  lines.push('', `**${workload}**: ${spec.what}. MB/s (MiB/s of input) · chunks/s`, '');
  lines.push(`| contestant | ${sizes.map(sizeName).join(' | ')} |`);
  lines.push(`|---|${sizes.map(() => '--:|').join('')}`);
  for (const entrant of entrants) {
    const row = sizes.map((size) => {
      const r = find(workload, size, entrant.id, entrant.backend);
      return r ? `${fmtMB(r)} · ${fmtCk(r)}` : '—';
    });
    lines.push(`| ${entrant.name} | ${row.join(' | ')} |`);
  }
}

// ---- targets (issue 5), ratios within this run ----
const targets = [];
function target(what, ratio, goal) {
  if (ratio === undefined || !Number.isFinite(ratio)) return;
  if (goal === undefined) targets.push(`| ${what} | ${ratio.toFixed(2)} | – | for reference |`);
  else targets.push(`| ${what} | ${ratio.toFixed(2)} | ${goal} | ${ratio >= goal ? 'met' : '**missed**'} |`);
}
for (const [workload, spec] of Object.entries(WORKLOADS)) {
  for (const size of spec.sizes) {
    const at = `${workload} ${sizeName(size)}`;
    const limitNode = find(workload, size, 'limit-node');
    const limitCopy = find(workload, size, 'limit-copy');
    const limitWeb = find(workload, size, 'limit-web');
    const floorViews = find(workload, size, 'floor-node-views');
    const refCopy = find(workload, size, 'ref-copy-fresh');
    const bs2 = find(workload, size, 'block-stream2');
    for (const backend of ['native', 'js']) {
      const node = find(workload, size, 'reframe-node', backend);
      if (node && size <= 188 && limitNode) target(`Node face (${backend}) vs limit (b), ${at}`, node.chunksPerSec / limitNode.chunksPerSec, 0.9);
      if (node && size <= 188 && floorViews) target(`Node face (${backend}) vs floor (b'), ${at}`, node.chunksPerSec / floorViews.chunksPerSec);
      if (node && size >= 1500 && limitCopy) target(`Node face (${backend}) vs limit (a), ${at}`, node.mbps / limitCopy.mbps, 0.8);
      if (node && size >= 1500 && refCopy) target(`Node face (${backend}) vs reference (a'), ${at}`, node.mbps / refCopy.mbps);
      if (node && size <= 4096 && bs2) target(`Node face (${backend}) vs block-stream2, ${at}`, node.mbps / bs2.mbps, 4);
      const web = find(workload, size, 'reframe-web', backend);
      if (web && limitWeb) target(`WHATWG face (${backend}) vs its limit (b), ${at}`, web.chunksPerSec / limitWeb.chunksPerSec, 0.95);
    }
    const web = find(workload, size, 'reframe-web', 'native');
    const batch = find(workload, size, 'reframe-web-batch', 'native');
    // Batching pays per burst: the socket's bursts complete ~500 chunks each, tiny's about 2.
    if (size === 64 && workload === 'socket' && web && batch) target(`WHATWG batch vs unbatched (native), ${at}`, batch.chunksPerSec / web.chunksPerSec, 10);
    if (refCopy && limitCopy) target(`reference (a') vs limit (a): what fresh memory costs, ${at}`, refCopy.mbps / limitCopy.mbps);
    for (const id of ['reframe-node', 'reframe-web', 'reframe-push']) {
      const native = find(workload, size, id, 'native');
      const js = find(workload, size, id, 'js');
      if (native && js) target(`native vs TS core, ${CONTESTANTS[id].label}, ${at}`, native.mbps / js.mbps, 1);
    }
  }
}
if (targets.length) {
  lines.push('', 'Targets (issue 5), as ratios within this run:', '', '| target | ratio | goal | |', '|---|--:|--:|---|', ...targets);
}
const wrong = results.filter((r) => r.ok === false || r.failed);
lines.push('', `${results.length} cells in ${((Date.now() - started) / 1000).toFixed(0)} s; ` +
  `${wrong.length ? `${wrong.length} WRONG or failed: ${wrong.map((r) => `${r.workload}:${r.size}:${r.contestant}`).join(', ')}` : 'every output checked (chunk count and checksum)'}.` +
  ' * = measured on a prefix of the stream (see bench/cell.mjs).');
console.log(lines.join('\n'));
if (args.json) writeFileSync(args.json, JSON.stringify({ node: process.version, rounds: ROUNDS, runs: RUNS, results }, null, 2));
if (wrong.length) process.exitCode = 1;
