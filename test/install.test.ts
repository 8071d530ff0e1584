// Selecting a core without surprises (SPEC "Cores", issues 4 and 13): the packed package carries
// prebuilt addons and no install script, so installing it compiles nothing and the native core loads
// from the prebuild; where no addon loads, the TypeScript core runs and one REFRAME_JS_FALLBACK
// warning says why (its `reason`: no prebuild, bundled, load error); REFRAME_BACKEND forces a core;
// `npm run build:native` inside an installed package builds from source.
//
// Every check runs in a child process: the backend is chosen once, when a process imports reframe.
// The Deno cause (no --allow-ffi) needs Deno, which this suite does not install.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prebuildNames } from '../src/core/native-engine.js';
import { scaled } from './support/util.js';
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
    timeout: scaled(45_000),
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

/** Imports `entry` and prints the backend and every REFRAME_JS_FALLBACK warning (reason, has a cause). */
const warningProbe = (entry: string) => `
  const seen = [];
  process.on('warning', (w) => { if (w.code === '${FALLBACK}') seen.push({ reason: w.reason, cause: w.cause !== undefined }); });
  const { backend } = await import(${JSON.stringify(entry)});
  await new Promise((resolve) => setTimeout(resolve, 10)); // warnings are emitted on a later tick
  console.log(JSON.stringify({ backend, warnings: seen }));
`;
/** What a forced native import throws: the error's reason and whether it has a cause. */
const forcedProbe = (entry: string) => `
  try { await import(${JSON.stringify(entry)}); console.log(JSON.stringify({ imported: true })); }
  catch (e) { console.log(JSON.stringify({ error: e.constructor.name, reason: e.reason, cause: e.cause !== undefined })); }
`;

let work: string;
let project: string;
let tarball: string;

/** A copy of the installed project, to break in one way. */
function copyProject(name: string): string {
  const copy = join(work, name);
  cpSync(project, copy, { recursive: true });
  return copy;
}

beforeAll(() => {
  assertDistFresh();
  // The packed package carries this machine's prebuild; build it when native/ is newer.
  execFileSync(process.execPath, [join(repo, 'scripts', 'prebuild.mjs'), '--if-stale'], { cwd: repo, env: baseEnv, stdio: 'ignore' });
  work = mkdtempSync(join(tmpdir(), 'reframe-install-'));
  // --ignore-scripts: dist/ is already built, and `prepare` must not rewrite it under other test files.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: repo, env: baseEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  })) as [{ filename: string }];
  tarball = join(work, packed[0].filename);
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'reframe-install-test', private: true }));
  // Scripts allowed: the package has none to run. --prefer-offline: dependencies from npm's cache.
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball], project);
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
}, scaled(120_000));

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('installed from the packed tarball (prebuilds inside)', () => {
  it('has no install script, builds nothing and ships the prebuild for this platform', () => {
    const installed = join(project, 'node_modules', 'reframer');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    expect(Object.keys(manifest.scripts ?? {}).filter((name) => /^(pre|post)?install$/.test(name))).toEqual([]);
    expect(existsSync(join(installed, 'build'))).toBe(false);
    expect(existsSync(join(installed, 'scripts'))).toBe(false);
    expect(prebuildNames().some((name) => existsSync(join(installed, name)))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'index.js'))).toBe(true);
  });

  it('import() runs the native core from the prebuild, re-frames correctly, no warning', () => {
    const r = probe(project, ESM_PROBE);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ backend: 'native', chunks: EXPECTED_CHUNKS });
    expect(warnings(r)).toBe(0);
  });

  it('require() works from CommonJS (require(esm)), on the native core', () => {
    const r = probe(project, CJS_PROBE, {}, 'commonjs');
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ backend: 'native', chunks: EXPECTED_CHUNKS });
    expect(warnings(r)).toBe(0);
  });

  it('REFRAME_BACKEND=js runs the TypeScript core without a warning', () => {
    const r = probe(project, ESM_PROBE, { REFRAME_BACKEND: 'js' });
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ backend: 'js', chunks: EXPECTED_CHUNKS });
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

describe('where no addon loads: the TypeScript core, and one warning naming the cause', () => {
  const cases: [string, () => { cwd: string; entry: string; env?: NodeJS.ProcessEnv }, string, boolean][] = [
    ['no prebuild for this platform', () => {
      const cwd = copyProject('no-prebuild');
      rmSync(join(cwd, 'node_modules', 'reframer', 'prebuilds'), { recursive: true });
      return { cwd, entry: 'reframer' };
    }, 'no-prebuild', false],
    ['a prebuild that does not load', () => {
      const cwd = copyProject('broken-prebuild');
      for (const name of prebuildNames()) {
        const file = join(cwd, 'node_modules', 'reframer', name);
        if (existsSync(file)) writeFileSync(file, 'not an ELF file');
      }
      return { cwd, entry: 'reframer' };
    }, 'load-error', true],
    ['bundled: the code moved away from its package, the addon file does not resolve', () => {
      // What a bundler does: the code in the app's output folder, node_modules/reframer not beside it.
      const cwd = copyProject('bundled');
      cpSync(join(cwd, 'node_modules', 'reframer', 'dist'), join(cwd, 'out', 'dist'), { recursive: true });
      return { cwd, entry: join(cwd, 'out', 'dist', 'index.js') };
    }, 'unresolved', false],
    ['REFRAME_ADDON naming a file that does not exist', () => (
      { cwd: project, entry: 'reframer', env: { REFRAME_ADDON: join(work, 'missing.node') } }
    ), 'load-error', true],
  ];

  it.each(cases)('%s: warns once with that reason, and re-frames correctly', (_, setUp, reason, cause) => {
    const { cwd, entry, env } = setUp();
    const r = probe(cwd, warningProbe(entry), env);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ backend: 'js', warnings: [{ reason, cause }] });
    expect(warnings(r)).toBe(1);
    const chunks = probe(cwd, ESM_PROBE.replace(`'reframer'`, JSON.stringify(entry)), env);
    expect(json(chunks)).toEqual({ backend: 'js', chunks: EXPECTED_CHUNKS });
  });

  it.each(cases)('%s: REFRAME_BACKEND=native fails at import with that reason', (_, setUp, reason, cause) => {
    const { cwd, entry, env } = setUp();
    const r = probe(cwd, forcedProbe(entry), { ...env, REFRAME_BACKEND: 'native' });
    expect(json(r)).toEqual({ error: 'AddonLoadError', reason, cause });
    expect(warnings(r)).toBe(0);
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

describe('built from source inside an installed package (the README command, for platforms without a prebuild)', () => {
  it('`npm run build:native` builds build/Release/reframe.node; the native core then loads it, no prebuild needed', () => {
    const cwd = copyProject('from-source');
    const installed = join(cwd, 'node_modules', 'reframer');
    rmSync(join(installed, 'prebuilds'), { recursive: true });
    // What `npm explore reframer -- npm run build:native` runs, in the installed package's folder.
    const build = run('npm', ['run', 'build:native'], installed);
    expect(build.status, build.stderr).toBe(0);
    expect(existsSync(join(installed, 'build', 'Release', 'reframe.node'))).toBe(true);
    const r = probe(cwd, ESM_PROBE);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ backend: 'native', chunks: EXPECTED_CHUNKS });
    expect(warnings(r)).toBe(0);
  }, scaled(120_000));
});
