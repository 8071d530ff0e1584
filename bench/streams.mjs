// `npm run bench:streams`: many quiet connections, then all of them sending (issue 20). A real TCP
// server on 127.0.0.1 (bench/streams/server.mjs, a fresh process per contestant and cell, run with
// --expose-gc) reads every connection through one contestant; a client in another process
// (bench/streams/client.mjs) opens n connections, each sends a 100–150-byte hello, stays quiet
// while the server measures, then sends 16 KiB in seeded random 1 B–16 KiB segments, round-robin
// across the connections, and ends (bench/streams/plan.mjs). Per cell, of the server:
//   - RSS per quiet connection: (RSS with every connection open and its hello read, after a forced
//     GC) − (the server's own RSS before any measured connection, after a forced GC), ÷ n;
//   - peak RSS while all send, over that baseline (the kernel's VmHWM, reset when sending starts;
//     also sampled every 10 ms);
//   - CPU seconds per GB: process.cpuUsage() of the send phase (from the last quiet measurement to
//     the last connection closed) ÷ the 16 KiB × n bytes sent;
//   - RSS 5 s after the last connection closed, over the baseline (no forced GC; and after one);
//   - checked, or the run fails: every connection's byte count; for the chunkers (tail 'emit') its
//     chunk count, ceil(bytes / size), and every chunk's size (size, the last one ≤ size).
// Contestants (bench/streams/contestants.mjs): raw sockets (no chunker); the do-nothing stream of
// each kind (PassThrough, identity TransformStream, async generator); block-stream2; reframe's
// Node face, WHATWG face and chunks(), each on both cores. The do-nothing streams and raw sockets
// do not depend on the chunk size: they run once per n and stand in every size's table.
//
//   npm run bench:streams                            # n 1,000 and 10,000; 64 B and 1500 B; 2 reps
//   npm run bench:streams -- --node 26               # the server under Node 26 (bench/node-bin.mjs)
//   npm run bench:streams -- --quick                 # n 1,000, 64 B, 1 rep: a fast check
//   npm run bench:streams -- --n 1000 --sizes 1500 --only passthrough,node-native,block-stream2
//   npm run bench:streams -- --only node             # a reframe face alone: both cores (node-native, node-js)
//   npm run bench:streams -- --reps 3 --json out.json
//   npm run bench:streams -- --report bench/results/streams-node20.json   # the tables again
// A full run (no --only, --quick, --n or --sizes) writes bench/results/streams-node<major>.json.
// The client always runs on the Node that started this script; only the server changes Node.
// Every process is started as `bash -c 'ulimit -n 65536 || ulimit -n <hard limit>; exec node …'`.
//
// Run `npm run build` first (bench:streams does): reframe is imported as a package (dist/).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONTESTANTS, FLOOR, contestant, contestantIds } from './streams/contestants.mjs';
import { DATA_BYTES } from './streams/plan.mjs';
import { nodeBinary, nodeVersion } from './node-bin.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER = join(HERE, 'streams', 'server.mjs');
const CLIENT = join(HERE, 'streams', 'client.mjs');
const RESULTS = join(HERE, 'results');
const KiB = 1024;
const MiB = 1024 * 1024;

const { values: args } = parseArgs({
  options: {
    n: { type: 'string' },
    sizes: { type: 'string' },
    only: { type: 'string' },
    node: { type: 'string' },
    'node-bin': { type: 'string' },
    quick: { type: 'boolean', default: false },
    reps: { type: 'string' },
    seed: { type: 'string', default: '20' },
    json: { type: 'string' },
    report: { type: 'string' },
  },
});

const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
const numbers = (text, what) => list(text).map((s) => {
  const v = Number(s.replace(/_/g, ''));
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${what} ${text}: give positive integers`);
  return v;
});

// ---- statistics and formatting ----------------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), values: xs });
function fmt(stat, digits = 1) {
  if (!stat || !Number.isFinite(stat.median)) return '—';
  const f = (x) => x.toFixed(digits);
  return stat.values.length > 1 && f(stat.min) !== f(stat.max) ? `${f(stat.median)} (${f(stat.min)}–${f(stat.max)})` : f(stat.median);
}

/** The figures of one cell's result. */
function derive(cell) {
  const { result: r, n } = cell;
  const peak = r.peak.hwm ?? r.peak.sampled;
  return {
    quietKiB: (r.quiet.rss - r.baseline.rss) / n / KiB,
    peakMiB: (peak - r.baseline.rss) / MiB,
    peakSampledMiB: (r.peak.sampled - r.baseline.rss) / MiB,
    cpuPerGB: r.cpuS / ((n * DATA_BYTES) / 1e9),
    afterCloseMiB: (r.afterClose.rss - r.baseline.rss) / MiB,
    afterCloseGcMiB: (r.afterCloseGc.rss - r.baseline.rss) / MiB,
    ok: r.check.ok && r.warmCheck.ok,
  };
}

/** Summary per (n, size, id): every figure's median and spread over the reps. */
function summarise(cells) {
  const groups = new Map();
  for (const cell of cells) {
    const key = `${cell.n}|${cell.size ?? ''}|${cell.id}`;
    if (!groups.has(key)) groups.set(key, { n: cell.n, size: cell.size, id: cell.id, cells: [] });
    groups.get(key).cells.push(cell);
  }
  const out = [];
  for (const g of groups.values()) {
    const done = g.cells.filter((c) => c.result);
    const figures = {};
    if (done.length) {
      for (const name of Object.keys(done[0].derived)) {
        if (name !== 'ok') figures[name] = spread(done.map((c) => c.derived[name]));
      }
    }
    out.push({ n: g.n, size: g.size, id: g.id, reps: g.cells.length, ok: g.cells.every((c) => c.result && c.derived.ok), ...figures });
  }
  return out;
}

/** The cell of (id, n, size) in rep; size-independent contestants match any size. */
function find(cells, id, n, size, rep) {
  return cells.find((c) => c.id === id && c.n === n && c.rep === rep && (c.size === size || c.size === null) && c.result);
}

/** Issue 20's targets for each reframe contestant, ratio by ratio within one rep; median and spread over reps. */
function targets(cells, ns, sizes, reps) {
  const rows = [];
  for (const n of ns) {
    for (const size of sizes) {
      for (const id of new Set(cells.map((c) => c.id))) {
        const who = contestant(id);
        if (!who.core) continue;
        const floor = FLOOR[who.kind];
        const per = { quietOverFloorKiB: [], peakOverFloor: [], cpuOverBlock: [], afterCloseMiB: [], rawAfterCloseMiB: [] };
        for (let rep = 0; rep < reps; rep++) {
          const c = find(cells, id, n, size, rep);
          if (!c) continue;
          const f = find(cells, floor, n, size, rep);
          const b = find(cells, 'block-stream2', n, size, rep);
          if (f) per.quietOverFloorKiB.push(c.derived.quietKiB - f.derived.quietKiB);
          if (f) per.peakOverFloor.push(c.derived.peakMiB / f.derived.peakMiB);
          if (b) per.cpuOverBlock.push(c.derived.cpuPerGB / b.derived.cpuPerGB);
          per.afterCloseMiB.push(c.derived.afterCloseMiB);
          const raw = find(cells, 'raw', n, size, rep);
          if (raw) per.rawAfterCloseMiB.push(raw.derived.afterCloseMiB);
        }
        const row = { n, size, id, floor };
        for (const [k, xs] of Object.entries(per)) row[k] = xs.length ? spread(xs) : undefined;
        row.met = {
          quiet: row.quietOverFloorKiB ? row.quietOverFloorKiB.median <= 2 : undefined,
          peak: row.peakOverFloor ? row.peakOverFloor.median <= 1.25 : undefined,
          cpu: row.cpuOverBlock ? row.cpuOverBlock.median <= 0.8 : undefined,
          afterClose: row.afterCloseMiB ? row.afterCloseMiB.median <= 10 : undefined,
        };
        rows.push(row);
      }
    }
  }
  return rows;
}

const mark = (met) => (met === undefined ? '' : met ? ' ✓' : ' ✗');

function printTables(data) {
  const { summary, ratios, options } = data;
  const lines = [];
  lines.push(`bench:streams — server on ${data.version}${data.commit ? `, reframe ${data.commit.slice(0, 7)}` : ''}, ${options.reps} rep(s) per cell; median (min–max over reps)`);
  for (const n of options.n) {
    const raw = summary.find((s) => s.id === 'raw' && s.n === n);
    for (const size of options.sizes) {
      const rows = summary.filter((s) => s.n === n && (s.size === size || s.size === null));
      if (!rows.length) continue;
      lines.push('', `### ${n.toLocaleString('en-US')} connections, ${size} B chunks`, '');
      lines.push('| contestant | KiB per quiet conn. over raw | peak MiB while all send | CPU s/GB | MiB 5 s after close (GC) | checked |');
      lines.push('|---|--:|--:|--:|--:|:-:|');
      for (const s of rows) {
        const over = raw?.quietKiB && s.quietKiB
          ? { ...s.quietKiB, median: s.quietKiB.median - raw.quietKiB.median, min: s.quietKiB.min - raw.quietKiB.median, max: s.quietKiB.max - raw.quietKiB.median }
          : undefined;
        const quiet = s.id === 'raw' || !over ? `(${fmt(s.quietKiB)} over the server's baseline)` : fmt(over);
        const close = s.afterCloseMiB ? `${fmt(s.afterCloseMiB)} (${fmt(s.afterCloseGcMiB)})` : '—';
        lines.push(`| ${s.id} | ${quiet} | ${fmt(s.peakMiB)} | ${fmt(s.cpuPerGB, 2)} | ${close} | ${s.ok ? '✓' : 'FAILED'} |`);
      }
    }
  }
  if (ratios.length) {
    lines.push('', "### Issue 20's targets (ratio within each rep; median (min–max))", '');
    lines.push('| n | size | contestant | KiB/conn over its floor (≤ 2) | peak ÷ floor\'s (≤ 1.25) | CPU ÷ block-stream2 (≤ 0.8) | MiB 5 s after close (≤ 10) | raw sockets\' |');
    lines.push('|--:|--:|---|--:|--:|--:|--:|--:|');
    for (const r of ratios) {
      lines.push(`| ${r.n.toLocaleString('en-US')} | ${r.size} | ${r.id} (floor: ${r.floor}) | ${fmt(r.quietOverFloorKiB)}${mark(r.met.quiet)} | ${fmt(r.peakOverFloor, 2)}${mark(r.met.peak)} | ${fmt(r.cpuOverBlock, 2)}${mark(r.met.cpu)} | ${fmt(r.afterCloseMiB)}${mark(r.met.afterClose)} | ${fmt(r.rawAfterCloseMiB)} |`);
    }
  }
  const failed = (data.cells ?? []).filter((c) => !c.result || !c.derived.ok);
  for (const c of failed) {
    lines.push('', `FAILED ${c.id} n=${c.n} size=${c.size ?? '-'} rep=${c.rep}: ${c.error ?? [...(c.result?.check.failures ?? []), ...(c.result?.warmCheck.failures ?? [])].join('; ')}`);
  }
  console.log(lines.join('\n'));
}

// ---- running the cells --------------------------------------------------------------------------

/** Starts `bin args…` through bash with the open-files limit raised, with an IPC channel and a mailbox. */
function start(bin, argv, env) {
  const child = spawn('bash', ['-c', 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', 'bash', bin, ...argv], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env,
  });
  const queue = [];
  let waiter;
  let exited;
  const poke = () => waiter?.();
  child.on('message', (m) => { queue.push(m); poke(); });
  child.on('exit', (code, signal) => { exited = `exited (${code ?? signal})`; poke(); });
  child.next = (type) => new Promise((resolve, reject) => {
    waiter = () => {
      const at = queue.findIndex((m) => m.type === type || m.type === 'error');
      if (at >= 0) {
        const [m] = queue.splice(at, 1);
        waiter = undefined;
        if (m.type === 'error') reject(new Error(m.message));
        else resolve(m);
      } else if (exited) {
        waiter = undefined;
        reject(new Error(`${type}: the process ${exited} before sending it`));
      }
    };
    waiter();
  });
  return child;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms / 1000} s`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function runCell(cell, serverBin, seed) {
  const who = contestant(cell.id);
  const env = { ...process.env };
  delete env.REFRAME_BACKEND;
  if (who.backend) env.REFRAME_BACKEND = who.backend;
  const server = start(serverBin, ['--expose-gc', SERVER, JSON.stringify({ id: cell.id, n: cell.n, size: cell.size ?? 1, seed })], env);
  let client;
  try {
    return await withTimeout((async () => {
      const times = {};
      let mark = Date.now();
      const lap = (name) => { const now = Date.now(); times[name] = (now - mark) / 1000; mark = now; };
      const { port } = await server.next('listening');
      lap('start');
      client = start(process.execPath, [CLIENT, JSON.stringify({ port, n: cell.n, seed })], process.env);
      await client.next('ready');
      server.send({ type: 'go' });
      client.send({ type: 'warm' });
      await client.next('warm-done');
      await server.next('baseline');
      lap('warm');
      client.send({ type: 'open' });
      await client.next('opened');
      lap('open');
      await server.next('quiet');
      lap('quiet');
      client.send({ type: 'send' });
      const { result } = await server.next('result');
      lap('sendAndClose');
      await client.next('sent');
      result.times = times;
      return result;
    })(), 60_000 + cell.n * 50, `${cell.id} n=${cell.n}`);
  } finally {
    for (const child of [server, client]) {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}

async function main() {
  if (args.report) {
    printTables(JSON.parse(readFileSync(args.report, 'utf8')));
    return;
  }
  const ns = args.n ? numbers(args.n, 'n') : args.quick ? [1000] : [1000, 10000];
  const sizes = args.sizes ? numbers(args.sizes, 'sizes') : args.quick ? [64] : [64, 1500];
  const reps = args.reps ? numbers(args.reps, 'reps')[0] : args.quick ? 1 : 2;
  const seed = Number(args.seed);
  const all = contestantIds();
  const ids = args.only
    ? [...new Set(list(args.only).flatMap((o) => {
      if (all.includes(o)) return [o];
      if (CONTESTANTS[o]?.core) return [`${o}-native`, `${o}-js`];
      throw new Error(`--only ${o}: known contestants are ${all.join(', ')} (a reframe face alone runs both cores)`);
    }))]
    : all;
  const serverBin = args['node-bin'] ?? (args.node ? nodeBinary(args.node) : process.execPath);
  const version = nodeVersion(serverBin);
  const full = !args.only && !args.quick && !args.n && !args.sizes;
  const jsonPath = args.json ?? (full ? join(RESULTS, `streams-node${version.slice(1).split('.')[0]}.json`) : undefined);
  const commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: HERE, encoding: 'utf8' }).stdout?.trim();

  // The cells of one rep; reps alternate the order, so slow drift on the machine falls on every contestant alike.
  const pass = [];
  for (const n of ns) {
    for (const id of ids) {
      if (contestant(id).chunker) for (const size of sizes) pass.push({ id, n, size });
      else pass.push({ id, n, size: null });
    }
  }
  const cells = [];
  const t0 = Date.now();
  const save = (complete) => {
    const data = {
      benchmark: 'bench:streams',
      version,
      date: new Date().toISOString(),
      commit,
      complete,
      durationS: (Date.now() - t0) / 1000,
      options: { n: ns, sizes, reps, seed, only: args.only ?? null },
      summary: summarise(cells),
      ratios: targets(cells, ns, sizes, reps),
      cells,
    };
    if (jsonPath) {
      mkdirSync(dirname(jsonPath), { recursive: true });
      writeFileSync(jsonPath, `${JSON.stringify(data, null, 1)}\n`);
    }
    return data;
  };
  const total = pass.length * reps;
  for (let rep = 0; rep < reps; rep++) {
    for (const cell of rep % 2 ? [...pass].reverse() : pass) {
      const run = { ...cell, rep };
      const tag = `[${cells.length + 1}/${total}] ${run.id} n=${run.n}${run.size ? ` size=${run.size}` : ''} rep ${rep + 1}`;
      const c0 = Date.now();
      try {
        run.result = await runCell(run, serverBin, seed + rep);
        run.derived = derive(run);
        const d = run.derived;
        process.stderr.write(`${tag}: ${d.quietKiB.toFixed(1)} KiB/conn, peak ${d.peakMiB.toFixed(1)} MiB, ${d.cpuPerGB.toFixed(2)} s/GB, after close ${d.afterCloseMiB.toFixed(1)} MiB${d.ok ? '' : ' CHECK FAILED'} (${((Date.now() - c0) / 1000).toFixed(1)} s: ${Object.entries(run.result.times).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')})\n`);
        if (!d.ok) process.stderr.write(`  ${[...run.result.check.failures, ...run.result.warmCheck.failures].join('\n  ')}\n`);
      } catch (error) {
        run.error = String(error?.message ?? error);
        process.stderr.write(`${tag}: FAILED ${run.error}\n`);
      }
      cells.push(run);
      save(false); // after every cell: an interrupted run keeps what it measured (`complete: false`)
    }
  }
  const data = save(true);
  printTables(data);
  console.log(`\n${cells.length} cells in ${(data.durationS / 60).toFixed(1)} min`);
  if (jsonPath) console.log(`results: ${jsonPath}`);
  if (cells.some((c) => !c.result || !c.derived.ok)) {
    console.error('bench:streams: some cells failed (above)');
    process.exitCode = 1;
  }
}

await main();
