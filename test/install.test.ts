// Selecting a core without surprises (SPEC "Cores", issue 4): the packed package installed into a
// fresh project with --ignore-scripts (no addon) works on the TypeScript core and says so once;
// REFRAME_BACKEND forces a core; a failed native build does not fail `npm install` of a project
// that depends on reframe, but does fail where a build was asked for (`npm rebuild`).
//
// Every check runs in a child process: the backend is chosen once, when a process imports reframe.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const FALLBACK = 'REFRAME_JS_FALLBACK';

// The children get the machine's environment, less what `npm test` adds (npm_* settings of this
// repo's run, which would make the nested npm act on this repo) and less REFRAME_* of the caller.
const baseEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) =>
    !name.startsWith('npm_') && !name.startsWith('REFRAME_') && name !== 'INIT_CWD' && name !== 'NODE_OPTIONS'),
);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...baseEnv, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 45_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A script that imports reframe, re-frames 10 bytes into chunks of 4 and prints what it saw. */
const ESM_PROBE = `
  import { Chunker, backend } from 'reframer';
  const c = new Chunker({ size: 4 });
  const chunks = [...c.push(Uint8Array.of(0, 1, 2, 3, 4, 5)), ...c.push(Uint8Array.of(6, 7, 8, 9)), ...c.flush()];
  console.log(JSON.stringify({ backend, chunks: chunks.map((k) => [k.constructor.name, ...k]) }));
`;
const CJS_PROBE = `
  const { Chunker, backend } = require('reframer');
  const c = new Chunker({ size: 4 });
  const chunks = [...c.push(Uint8Array.of(0, 1, 2, 3, 4, 5)), ...c.push(Uint8Array.of(6, 7, 8, 9)), ...c.flush()];
  console.log(JSON.stringify({ backend, chunks: chunks.map((k) => [k.constructor.name, ...k]) }));
`;
const EXPECTED_CHUNKS = [['Uint8Array', 0, 1, 2, 3], ['Uint8Array', 4, 5, 6, 7], ['Uint8Array', 8, 9]];

/** What an import does: the probe's output, or the error it threw (name, whether it has a cause). */
const IMPORT_ERROR_PROBE = `
  try { await import('reframer'); console.log(JSON.stringify({ imported: true })); }
  catch (e) { console.log(JSON.stringify({ error: e.constructor.name, cause: e.cause !== undefined })); }
`;

const probe = (cwd: string, source: string, env?: NodeJS.ProcessEnv, type: 'module' | 'commonjs' = 'module') =>
  run(process.execPath, [`--input-type=${type}`, '-e', source], cwd, env);
const json = (r: Run) => JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
const warnings = (r: Run) => r.stderr.split(FALLBACK).length - 1;

/** Fails when dist/ is older than src/ (the packed package is built from dist/; `npm test` rebuilds it). */
function assertDistFresh(): void {
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  for (const source of walk(join(repo, 'src')).filter((f) => f.endsWith('.ts'))) {
    const built = join(repo, 'dist', relative(join(repo, 'src'), source)).replace(/\.ts$/, '.js');
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) {
      throw new Error(`dist/ is older than ${relative(repo, source)}: run \`npm run build\` first (npm test does)`);
    }
  }
}

let work: string;
let project: string;
let tarball: string;

beforeAll(() => {
  assertDistFresh();
  work = mkdtempSync(join(tmpdir(), 'reframe-install-'));
  // --ignore-scripts: dist/ is already built, and `prepare` must not rewrite it under other test files.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: repo, env: baseEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  })) as [{ filename: string }];
  tarball = join(work, packed[0].filename);
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'reframe-install-test', private: true }));
  // --prefer-offline: reframe's dependencies come from npm's cache when they are there.
  const install = run('npm', ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('installed with --ignore-scripts (no addon)', () => {
  it('ships no addon and its install script', () => {
    const installed = join(project, 'node_modules', 'reframer');
    expect(existsSync(join(installed, 'build'))).toBe(false);
    expect(existsSync(join(installed, 'scripts', 'install.mjs'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'index.js'))).toBe(true);
  });

  it('import() runs on the TypeScript core, re-frames correctly and warns once', () => {
    const r = probe(project, ESM_PROBE);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ backend: 'js', chunks: EXPECTED_CHUNKS });
    expect(warnings(r)).toBe(1);
  });

  it('require() works from CommonJS (require(esm)), on the TypeScript core', () => {
    const r = probe(project, CJS_PROBE, {}, 'commonjs');
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ backend: 'js', chunks: EXPECTED_CHUNKS });
    expect(warnings(r)).toBe(1);
  });

  it('REFRAME_BACKEND=js runs the TypeScript core without a warning', () => {
    const r = probe(project, ESM_PROBE, { REFRAME_BACKEND: 'js' });
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ backend: 'js', chunks: EXPECTED_CHUNKS });
    expect(warnings(r)).toBe(0);
  });

  it('REFRAME_BACKEND=native fails at import, with the load failure as cause', () => {
    const r = probe(project, IMPORT_ERROR_PROBE, { REFRAME_BACKEND: 'native' });
    expect(json(r)).toEqual({ error: 'Error', cause: true });
    expect(warnings(r)).toBe(0);
  });
  it('the "browser" condition resolves the browser build: TypeScript core, no warning, all three portable faces', () => {
    const source = `
      import * as reframe from 'reframer';
      const chunks = [];
      for await (const chunk of reframe.chunks([Uint8Array.of(0, 1, 2, 3, 4, 5), Uint8Array.of(6, 7, 8, 9)], 4)) chunks.push(chunk);
      console.log(JSON.stringify({
        backend: reframe.backend,
        faces: ['Chunker', 'ChunkerStream', 'chunks', 'chunkerStream'].filter((name) => name in reframe),
        chunks: chunks.map((k) => [k.constructor.name, ...k]),
      }));
    `;
    const r = run(process.execPath, ['--conditions=browser', '--input-type=module', '-e', source], project);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ backend: 'js', faces: ['Chunker', 'ChunkerStream', 'chunks'], chunks: EXPECTED_CHUNKS });
    expect(warnings(r)).toBe(0);
  });
});

describe('a native build that fails (no compiler on PATH)', () => {
  // A PATH with node, npm and sh only: cmake-js finds no cmake and no compiler, and fails fast.
  let bare: string;
  beforeAll(() => {
    bare = join(work, 'bare-bin');
    mkdirSync(bare);
    symlinkSync(process.execPath, join(bare, 'node'));
    symlinkSync(realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8', env: baseEnv }).trim()), join(bare, 'npm'));
    symlinkSync('/bin/sh', join(bare, 'sh'));
  });

  it('does not fail `npm install` of a project that depends on reframe, which then runs on the TypeScript core', () => {
    const other = join(work, 'project-with-scripts');
    mkdirSync(other);
    writeFileSync(join(other, 'package.json'), JSON.stringify({ name: 'reframe-install-test-2', private: true }));
    const install = run(join(bare, 'npm'), ['install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball], other, { PATH: bare });
    expect(install.status, install.stderr).toBe(0);
    expect(install.stdout + install.stderr).toContain('node scripts/install.mjs'); // the script did run
    expect(existsSync(join(other, 'node_modules', 'reframer', 'build', 'Release', 'reframe.node'))).toBe(false);
    const r = probe(other, ESM_PROBE);
    expect(json(r)).toEqual({ backend: 'js', chunks: EXPECTED_CHUNKS });
    expect(warnings(r)).toBe(1);
  }, 60_000);

  it('fails `npm rebuild reframer`, where the user asked for the build', () => {
    const r = run(join(bare, 'npm'), ['rebuild', 'reframer', '--foreground-scripts'], project, { PATH: bare });
    expect(r.status).not.toBe(0);
  }, 60_000);

  it('fails with REFRAME_BUILD=required', () => {
    const script = join(project, 'node_modules', 'reframer', 'scripts', 'install.mjs');
    const r = run(process.execPath, [script], project, { PATH: bare, REFRAME_BUILD: 'required' });
    expect(r.status).not.toBe(0);
  });

  it('fails in a checkout of reframe itself (not inside node_modules: developers and CI), not as a dependency', () => {
    // The same script, with no cmake-js to find, in a checkout and as a dependency.
    const copy = (root: string) => {
      mkdirSync(join(root, 'scripts'), { recursive: true });
      writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'reframer', type: 'module' }));
      writeFileSync(join(root, 'scripts', 'install.mjs'), readFileSync(join(repo, 'scripts', 'install.mjs')));
      return run(process.execPath, [join(root, 'scripts', 'install.mjs')], root, { PATH: bare }).status;
    };
    expect(copy(join(work, 'checkout'))).not.toBe(0);
    expect(copy(join(work, 'app', 'node_modules', 'reframer'))).toBe(0);
  });
});

describe('in this checkout (addon built)', () => {
  const entry = join(repo, 'dist', 'index.js');
  const importEntry = `
    const { backend } = await import(${JSON.stringify(entry)});
    console.log(JSON.stringify({ backend }));
  `;
  const importError = IMPORT_ERROR_PROBE.replace(`'reframer'`, JSON.stringify(entry));

  it('runs the native core by default, without a warning', () => {
    const r = probe(repo, importEntry);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ backend: 'native' });
    expect(warnings(r)).toBe(0);
  });

  it('REFRAME_BACKEND=native runs the native core', () => {
    expect(json(probe(repo, importEntry, { REFRAME_BACKEND: 'native' }))).toEqual({ backend: 'native' });
  });

  it('REFRAME_BACKEND=js runs the TypeScript core', () => {
    expect(json(probe(repo, importEntry, { REFRAME_BACKEND: 'js' }))).toEqual({ backend: 'js' });
  });

  it('an unknown REFRAME_BACKEND fails at import rather than picking a core', () => {
    for (const value of ['JS', 'wasm', ' native']) {
      expect(json(probe(repo, importError, { REFRAME_BACKEND: value })), value).toMatchObject({ error: 'Error' });
    }
  });
});

describe('npm rebuild reframer, with cmake and a compiler (what the warning tells users to run)', () => {
  it('builds the addon from the packed sources; the native core then runs without a warning', () => {
    const rebuild = run('npm', ['rebuild', 'reframer'], project);
    expect(rebuild.status, rebuild.stderr).toBe(0);
    const r = probe(project, ESM_PROBE);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ backend: 'native', chunks: EXPECTED_CHUNKS });
    expect(warnings(r)).toBe(0);
  }, 60_000);
});
