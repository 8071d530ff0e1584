// Smoke tests for examples/: each example runs as its own process, importing 'reframe' from dist/
// (built by `pretest`), with small inputs and a time bound, and its output is checked against facts
// computed here.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT = 15_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node examples/<name> ...args` from the package root; resolves with its exit code and output. */
function run(name: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [`examples/${name}`, ...args], { cwd: ROOT, timeout: TIMEOUT, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      });
  });
}

/** Asserts a clean exit, showing stderr when it was not. */
function ok(result: Run): string {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('examples', () => {
  it('original.mjs (npm run demo) prints the scenario and re-frames its own source file', async () => {
    const out = ok(await run('original.mjs'));
    expect(out).toMatch(/backend: (native|js)/);
    expect(out).toContain('chunks per burst: 0, 0, 0, 1, 3, 0');
    expect(out).toContain('pending: 25 samples');
    expect(out).toMatch(/chunk 0: 7×0 · 50×7 · 1×57 · 6×58 +← bursts 0, 1, 2, 3/);
    expect(out).toMatch(/chunk 1: 34×58 · 30×98 +← bursts 3, 4/);
    expect(out).toContain('64 zero samples → 1 chunk, all zeros');
    expect(out).toContain('15,625 chunks, all still valid');
    const size = fs.statSync(new URL('../examples/original.mjs', import.meta.url)).size;
    const full = Math.floor(size / 1024);
    expect(out).toContain(`→ ${full + (size % 1024 ? 1 : 0)} chunks: ${full} × 1024 bytes + a tail of ${size % 1024} bytes`);
    expect(out.trimEnd().split('\n').length).toBeLessThanOrEqual(32);
  });
});
