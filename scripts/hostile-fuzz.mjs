// The hostile-input fuzzer (issue 11) against the built package (dist/), for a time budget:
//
//   npm run fuzz:hostile -- --seconds 60          both cores, 60 s each (in parallel), random first seed
//   node scripts/hostile-fuzz.mjs --seconds 60 --seed 1000    seeds 1000, 1001, … on both cores
//   node scripts/hostile-fuzz.mjs --seed 1234 --count 1 --cores js --verbose   replay one seed
//
// Options: --seconds S (default 60), --seed N (first seed; default random), --count K (at most K
// scenarios per core), --face F (force one of chunker, node, web-platform, web-polyfill, chunks),
// --cores js,native (default both; a native core that cannot load is skipped unless named),
// --timeout MS (bound for every callback and promise of a scenario, default 5000), --no-extreme
// (finite lies only, as the vitest run draws them), --stop (stop at the first finding), --verbose,
// --model (run against test/support/hostile-model.mjs, faces that keep the contract by construction
// on top of dist's Chunker: the oracle's self-test, which must find nothing).
//
// Scenarios come from test/support/hostile.mjs (shared with test/hostile-fuzz.test.ts); the
// reference framing is test/support/reference.ts, transpiled here with TypeScript. Each core runs
// in its own child process (REFRAME_BACKEND selects it at import; --expose-gc lets scenarios force
// collections), so that the addon can run under AddressSanitizer (LD_PRELOAD passes through) and
// a crash or a hang in one scenario is reported with its seed while the run goes on from the next.
// Prints counts (scenarios, chunks checked, errors by code, mutations) and every finding with its
// seed; exits 1 on any finding, crash or hang, 0 otherwise.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const args = parseArgs(process.argv.slice(2));
if (args.child) await child();
else await parent();

function parseArgs(argv) {
  const out = { model: false, seconds: 60, seed: undefined, count: Infinity, face: undefined, cores: undefined, timeout: 5000, extreme: true, stop: false, verbose: false, child: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--seconds': out.seconds = Number(value()); break;
      case '--seed': out.seed = Number(value()); break;
      case '--count': out.count = Number(value()); break;
      case '--face': out.face = value(); break;
      case '--cores': out.cores = value().split(',').filter(Boolean); break;
      case '--timeout': out.timeout = Number(value()); break;
      case '--no-extreme': out.extreme = false; break;
      case '--stop': out.stop = true; break;
      case '--verbose': out.verbose = true; break;
      case '--model': out.model = true; break;
      case '--child': out.child = true; break;
      case '--deadline': out.deadline = Number(value()); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  for (const [name, v] of [['--seconds', out.seconds], ['--seed', out.seed ?? 0], ['--count', out.count === Infinity ? 1 : out.count], ['--timeout', out.timeout]]) {
    if (!Number.isFinite(v) || v < 0) usage(`${name} must be a number ≥ 0`);
  }
  return out;
}

function usage(message) {
  console.error(`hostile-fuzz: ${message}\nusage: node scripts/hostile-fuzz.mjs [--seconds S] [--seed N] [--count K] [--face F] [--cores js,native] [--timeout MS] [--no-extreme] [--stop] [--verbose]`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// The child: one core, scenarios from --seed on until the deadline; one JSON line per event.

async function child() {
  const emit = (event) => process.stdout.write(`${JSON.stringify(event, (k, v) => (typeof v === 'bigint' ? `${v}n` : v))}\n`);
  let api;
  try {
    api = await import('../dist/index.js');
    if (args.model) api = { ...(await import('../test/support/hostile-model.mjs')).modelApi(api), backend: api.backend };
  } catch (error) {
    emit({ t: 'unavailable', message: String(error?.message ?? error).split('\n')[0] });
    process.exit(3);
  }
  const polyfill = await import('web-streams-polyfill');
  const { runScenario, FACES } = await import('../test/support/hostile.mjs');
  const frame = await loadReference();
  if (args.face !== undefined && !FACES.includes(args.face)) usage(`--face must be one of ${FACES.join(', ')}`);

  let current;
  const uncaught = (kind) => (error) => {
    emit({ t: 'finding', finding: { seed: current, face: '?', category: 'uncaught', detail: `${kind}: ${error?.code ?? ''} ${String(error?.stack ?? error).slice(0, 300)}` } });
  };
  process.on('uncaughtException', uncaught('uncaught exception'));
  process.on('unhandledRejection', uncaught('unhandled rejection'));

  // Two collections: the first may only find an ArrayBuffer dead, the second frees its memory.
  const gc = globalThis.gc && (() => { globalThis.gc(); globalThis.gc(); });
  // Worker steps (issue 19) load the package from dist/ in their thread.
  const workerModule = new URL('../dist/index.js', import.meta.url).href;
  const env = { api, polyfill, frame, face: args.face, extreme: args.extreme, timeoutMs: args.timeout, gc, workerModule };
  // REFRAME_HOSTILE_KNOWN=<gates, comma-separated> replaces KNOWN_ISSUE_19 (test/support/hostile.mjs);
  // REFRAME_HOSTILE_KNOWN= (empty) holds everything to SPEC: today's main then shows issue 19's findings.
  if (process.env.REFRAME_HOSTILE_KNOWN !== undefined) env.known = new Set(process.env.REFRAME_HOSTILE_KNOWN.split(',').filter(Boolean));
  emit({ t: 'backend', backend: api.backend });
  let seed = args.seed;
  for (let n = 0; n < args.count && Date.now() < args.deadline; n++, seed++) {
    current = seed;
    emit({ t: 'start', seed });
    const result = await runScenario(seed, env);
    emit({ t: 'done', seed, face: result.face, stats: result.stats, findings: result.findings });
    if (args.stop && result.findings.length > 0) break;
  }
  emit({ t: 'end' });
  // Exit at once: a scenario that timed out may have left a stream (and its timers) behind.
  process.exit(0);
}

async function loadReference() {
  const ts = (await import('typescript')).default;
  const source = readFileSync(fileURLToPath(new URL('../test/support/reference.ts', import.meta.url)), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return (await import(`data:text/javascript,${encodeURIComponent(outputText)}`)).frame;
}

// ---------------------------------------------------------------------------------------------
// The parent: a child per core, restarted past a seed that crashed or hung; totals at the end.

async function parent() {
  const seed0 = args.seed ?? (Math.floor(Math.random() * 2 ** 31));
  const deadline = Date.now() + args.seconds * 1000;
  const cores = args.cores ?? ['native', 'js'];
  console.log(`hostile-fuzz: ${args.seconds} s per core (${cores.join(', ')}), first seed ${seed0}${args.face ? `, face ${args.face}` : ''}${args.extreme ? '' : ', finite lies only'}`);
  const results = await Promise.all(cores.map((core) => runCore(core, seed0, deadline, args.cores !== undefined)));
  let failed = false;
  for (const r of results) failed = report(r) || failed;
  process.exit(failed ? 1 : 0);
}

function runCore(core, seed0, deadline, named) {
  const total = { core, backend: undefined, scenarios: 0, first: seed0, last: undefined, chunks: 0, items: 0, errors: {}, mutations: {}, views: {}, faces: {}, ownReads: 0, transfers: 0, findings: [], unavailable: undefined, named };
  Object.assign(total, { moves: {}, workers: 0, rechecks: 0, known: {} }); // issue 19
  // A child that prints nothing for this long is stuck in one synchronous call (a scenario prints
  // when it starts and ends, and each is bounded by --timeout otherwise).
  const stall = Math.max(15_000, args.timeout * 3);
  return new Promise((resolve) => {
    const launch = (seed, remaining) => {
      if (Date.now() >= deadline || remaining <= 0) return resolve(total);
      const argv = ['--expose-gc', fileURLToPath(import.meta.url), '--child', '--seed', String(seed), '--deadline', String(deadline), '--timeout', String(args.timeout)];
      if (remaining !== Infinity) argv.push('--count', String(remaining));
      if (args.face) argv.push('--face', args.face);
      if (!args.extreme) argv.push('--no-extreme');
      if (args.stop) argv.push('--stop');
      if (args.model) argv.push('--model');
      const proc = spawn(process.execPath, argv, { env: { ...process.env, REFRAME_BACKEND: core }, stdio: ['ignore', 'pipe', 'pipe'] });
      let current; // the seed in progress
      let ended = false;
      let stderr = '';
      let timer;
      const watch = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          total.findings.push({ seed: current, face: '?', category: 'stuck', detail: `no progress for ${stall / 1000} s (a synchronous loop, or a dead event loop); killed` });
          proc.kill('SIGKILL');
        }, stall);
      };
      watch();
      proc.stderr.on('data', (data) => {
        stderr = (stderr + data).slice(-65536);
        if (args.verbose) process.stderr.write(data);
      });
      createInterface({ input: proc.stdout }).on('line', (line) => {
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          if (args.verbose) console.log(line);
          return;
        }
        watch();
        switch (event.t) {
          case 'unavailable': total.unavailable = event.message; break;
          case 'backend': total.backend = event.backend; break;
          case 'start': current = event.seed; break;
          case 'finding': total.findings.push(event.finding); break;
          case 'done': {
            total.scenarios++;
            total.last = event.seed;
            remaining--;
            const s = event.stats;
            total.chunks += s.chunks;
            total.items += s.items;
            total.ownReads += s.ownReads;
            total.transfers += s.transfers;
            total.workers += s.workers;
            total.rechecks += s.rechecks;
            for (const [k, v] of Object.entries(s.moves)) total.moves[k] = (total.moves[k] ?? 0) + v;
            for (const [k, v] of Object.entries(s.known)) total.known[k] = (total.known[k] ?? 0) + v;
            total.faces[event.face] = (total.faces[event.face] ?? 0) + 1;
            for (const [k, v] of Object.entries(s.errors)) total.errors[k] = (total.errors[k] ?? 0) + v;
            for (const [k, v] of Object.entries(s.mutations)) total.mutations[k] = (total.mutations[k] ?? 0) + v;
            for (const [k, v] of Object.entries(s.views)) total.views[k] = (total.views[k] ?? 0) + v;
            total.findings.push(...event.findings);
            if (args.verbose) for (const f of event.findings) console.log(`[${core}] seed ${f.seed} (${f.face}) ${f.category}: ${f.detail}`);
            current = undefined;
            break;
          }
          case 'end': ended = true; break;
        }
      });
      proc.on('close', (code, signal) => {
        clearTimeout(timer);
        if (total.unavailable !== undefined) return resolve(total);
        if (!ended || code !== 0) {
          // A sanitizer report names the defect in its ERROR and SUMMARY lines; else the last lines.
          const lines = stderr.trim().split('\n');
          const report = lines.filter((l) => /ERROR: \w+Sanitizer|SUMMARY: \w+Sanitizer|runtime error:|^\s+#[0-3] /.test(l));
          const tail = (report.length ? report.slice(0, 8) : lines.slice(-6)).map((l) => l.trim()).join(' | ');
          if (current !== undefined && !total.findings.some((f) => f.seed === current && f.category === 'stuck')) {
            total.findings.push({ seed: current, face: '?', category: 'crash', detail: `the process ended (${signal ?? `exit ${code}`}) during this scenario: ${tail.slice(0, 600)}` });
          } else if (current === undefined) {
            total.findings.push({ seed: undefined, face: '?', category: 'crash', detail: `the process ended (${signal ?? `exit ${code}`}) between scenarios: ${tail.slice(0, 600)}` });
          }
          if (current !== undefined) remaining--;
          if (args.stop) return resolve(total);
          return launch(current === undefined ? (total.last ?? seed0 - 1) + 1 : current + 1, remaining);
        }
        resolve(total);
      });
    };
    launch(seed0, args.count);
  });
}

function report(t) {
  const list = (o) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  if (t.unavailable !== undefined) {
    console.log(`\n${t.core} core: unavailable (${t.unavailable})${t.named ? '' : ' — skipped'}`);
    return t.named;
  }
  console.log(`\n${t.core} core${t.backend && t.backend !== t.core ? ` (loaded: ${t.backend}!)` : ''}: ${t.scenarios} scenarios (seeds ${t.first}…${t.last ?? t.first}), ${t.chunks} chunks checked in ${t.items} items`);
  console.log(`  faces: ${list(t.faces)}`);
  console.log(`  errors by code: ${list(t.errors)}`);
  console.log(`  mutations: ${list(t.mutations)}; chunk buffers transferred: ${t.transfers}`);
  console.log(`  bursts: ${list(t.views)}`);
  console.log(`  moves: ${list(t.moves)}; workers ended with their chunks here: ${t.workers}; re-checks of kept chunks: ${t.rechecks}`);
  if (Object.keys(t.known).length > 0) console.log(`  known (KNOWN_ISSUE_19 in test/support/hostile.mjs, not findings): ${list(t.known)}`);
  const wrongBackend = t.backend !== undefined && t.backend !== t.core;
  if (t.findings.length === 0 && !wrongBackend) {
    console.log('  findings: none');
    return false;
  }
  const byCategory = {};
  const seeds = new Map();
  for (const f of t.findings) {
    byCategory[f.category] = (byCategory[f.category] ?? 0) + 1;
    if (!seeds.has(f.seed)) seeds.set(f.seed, f);
  }
  console.log(`  FINDINGS: ${t.findings.length} in ${seeds.size} scenarios — ${list(byCategory)}`);
  if (wrongBackend) console.log(`  REFRAME_BACKEND=${t.core} loaded the ${t.backend} core`);
  // Every crash and hang first, then the first finding of up to 25 scenarios, a few per category.
  for (const f of t.findings) if (f.category === 'crash' || f.category === 'stuck') console.log(`  seed ${f.seed} ${f.category}: ${f.detail}`);
  const shown = new Map();
  for (const f of seeds.values()) {
    if (f.category === 'crash' || f.category === 'stuck') continue;
    const n = shown.get(f.category) ?? 0;
    if (n >= 6 || [...shown.values()].reduce((a, b) => a + b, 0) >= 25) continue;
    shown.set(f.category, n + 1);
    console.log(`  seed ${f.seed} (${f.face}) ${f.category}: ${f.detail}`);
  }
  const first = [...seeds.keys()].find((s) => s !== undefined);
  if (first !== undefined) {
    console.log(`  replay: node scripts/hostile-fuzz.mjs --seed ${first} --count 1 --cores ${t.core}${args.face ? ` --face ${args.face}` : ''}${args.extreme ? '' : ' --no-extreme'} --verbose`);
  }
  return true;
}
