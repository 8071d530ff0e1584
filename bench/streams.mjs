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
//   npm run bench:streams -- --report a.json,b.json --json ab.json        # runs of one Node merged (reps added)
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
import { CONTESTANTS, contestant, contestantIds } from './streams/contestants.mjs';
import { derive, merge, printTables, summarise, targets } from './streams/report.mjs';
import { nodeBinary, nodeVersion } from './node-bin.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER = join(HERE, 'streams', 'server.mjs');
const CLIENT = join(HERE, 'streams', 'client.mjs');
const RESULTS = join(HERE, 'results');

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
    })(), 60_000 + cell.n * 120, `${cell.id} n=${cell.n}`);
  } finally {
    for (const child of [server, client]) {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}

async function main() {
  if (args.report) {
    const data = merge(list(args.report).map((file) => JSON.parse(readFileSync(file, 'utf8'))));
    printTables(data);
    if (args.json) writeFileSync(args.json, `${JSON.stringify(data, null, 1)}\n`);
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
