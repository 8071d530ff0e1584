// Runs a script of test/children/ in its own Node process, under a time bound, for the cases that
// can crash or corrupt the process (issue 11): a crash there is a failed test, not a dead run.
// The scripts import the package from dist/ (what `npm test`'s pretest builds); when dist/ is older
// than src/, it is rebuilt first, once per run, so that a plain `npx vitest run` tests the sources.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildRun {
  /** The exit code; null when the process died of a signal or overran its time bound. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the time bound killed it. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

function newest(dir: string, ext: string): number {
  let t = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (entry.name.endsWith(ext)) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

function stale(): boolean {
  try {
    return fs.statSync(path.join(ROOT, 'dist/index.js')).mtimeMs < newest(path.join(ROOT, 'src'), '.ts');
  } catch {
    return true;
  }
}

/**
 * Rebuilds dist/ when any source is newer. Test files run in parallel workers, so one builds
 * (under a lock directory) while the others wait for it.
 */
export function ensureDist(): void {
  if (!stale()) return;
  const lock = path.join(os.tmpdir(), `reframe-dist-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`waited 120 s for ${lock}; remove it if no build runs`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      if (!stale()) return;
    }
  }
  try {
    if (stale()) {
      try {
        execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
          { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(`building dist/ for the child process failed:\n${stdout}${stderr}`);
      }
    }
  } finally {
    fs.rmdirSync(lock);
  }
}

/**
 * Runs `node <args>` (or `bin <args>`: another Node, Bun) in `cwd` with `env` as its whole
 * environment, killed after `timeout` ms; resolves with how it ended and its output (never rejects).
 */
export function runProcess(
  args: readonly string[],
  { cwd, env, timeout, bin = process.execPath }: { cwd: string; env: NodeJS.ProcessEnv; timeout: number; bin?: string },
): Promise<ChildRun> {
  return new Promise((resolve) => {
    execFile(bin, args, { cwd, env, timeout, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const failed = error as (Error & { code?: number | string; signal?: NodeJS.Signals | null; killed?: boolean }) | null;
      resolve({
        code: failed ? (typeof failed.code === 'number' ? failed.code : null) : 0,
        signal: failed?.signal ?? null,
        timedOut: Boolean(failed?.killed),
        stdout,
        stderr,
      });
    });
  });
}

/**
 * Runs `node [nodeArgs] test/children/<script> [args]` with `env` added to this process's
 * environment (a sanitizer's LD_PRELOAD and options pass through), killed after `timeout` ms.
 */
export function runChild(
  script: string,
  args: readonly string[] = [],
  { env = {}, timeout = 10_000, nodeArgs = [] }: { env?: Record<string, string>; timeout?: number; nodeArgs?: readonly string[] } = {},
): Promise<ChildRun> {
  return runProcess([...nodeArgs, path.join(ROOT, 'test/children', script), ...args],
    { cwd: ROOT, timeout, env: { ...process.env, NO_COLOR: '1', ...env } });
}

/**
 * Runs the ES module `source` (`node --input-type=module -e`) in the project's root, so it can
 * import './dist/index.js', with `env` added to this process's environment, killed after `timeout`
 * ms: for a synchronous call that might never return (no test timeout interrupts one in-process).
 */
export function runScript(
  source: string,
  { env = {}, timeout = 10_000 }: { env?: Record<string, string>; timeout?: number } = {},
): Promise<ChildRun> {
  return runProcess(['--input-type=module', '-e', source], { cwd: ROOT, timeout, env: { ...process.env, NO_COLOR: '1', ...env } });
}

/** A one-line account of a run, for assertion messages. */
export function describeRun(run: ChildRun): string {
  const how = run.timedOut ? 'overran its time bound' : run.signal ? `died of ${run.signal}` : `exited ${run.code}`;
  const tail = (s: string) => s.trim().split('\n').slice(-12).join('\n');
  return `child ${how}\n--- stdout\n${tail(run.stdout)}\n--- stderr\n${tail(run.stderr)}`;
}
