#!/usr/bin/env node
// npm run pack:release -- DIR: builds every prebuild a release ships (RELEASE_TARGETS in
// scripts/prebuild.mjs: linux-x64-glibc natively, linux-arm64-glibc with Debian's
// g++-aarch64-linux-gnu, win32-x64 with g++-mingw-w64-x86-64; all from linux-x64-glibc), checks them
// (scripts/check-prebuilds.mjs: present, fresh, the Linux ABI floor) and writes into DIR the one
// reframer tarball, prebuilds inside. Fails, naming the package to install, when a prebuild cannot be
// built, and after packing when the tarball lacks one or carries an install script.
//
//   npm run pack:release -- out/                # the release
//   npm run pack:release -- out/ --host         # a contributor's: this machine's prebuild only (says
//                                               # what it skipped; not a release, never publish it)
//   npm run pack:release -- out/ --expect darwin-x64,darwin-arm64 --no-build
//                                               # also requires these (built elsewhere, already in
//                                               # prebuilds/); --no-build: build nothing, check and pack
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPrebuilds } from './check-prebuilds.mjs';
import { buildableTargets, buildPrebuild, hostTarget, installHint, missingTools, prebuildPath, RELEASE_TARGETS } from './prebuild.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function fail(message) {
  console.error(`pack:release: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const [value] = args.splice(at, 2).slice(1);
  return value ?? fail(`${name} needs a value`);
};
const flag = (name) => {
  const at = args.indexOf(name);
  if (at !== -1) args.splice(at, 1);
  return at !== -1;
};
const expected = (option('--expect') ?? '').split(',').filter(Boolean);
const build = !flag('--no-build');
const host = flag('--host');
const [dir, ...rest] = args;
if (dir === undefined || rest.length > 0) fail('usage: npm run pack:release -- DIR [--host] [--expect TARGET,…] [--no-build]');
const out = resolve(process.env.INIT_CWD ?? process.cwd(), dir);

const targets = host ? [hostTarget()] : [...new Set([...RELEASE_TARGETS, ...expected])];
const skipped = host ? RELEASE_TARGETS.filter((t) => t !== hostTarget()) : [];
if (build) {
  const buildable = buildableTargets();
  const here = targets.filter((t) => buildable.includes(t));
  // Every missing tool first, so one message says everything to install.
  const lacking = here.map((t) => [t, missingTools(t)]).filter(([, tools]) => tools.length > 0);
  if (lacking.length > 0) {
    fail(
      'cannot build ' + lacking.map(([t, tools]) => `${t} (${tools.join(', ')} missing: ${installHint(t)})`).join('; ') +
        '. A contributor\'s tarball with this machine\'s prebuild only: npm run pack:release -- DIR --host',
    );
  }
  for (const target of here) {
    try {
      const file = buildPrebuild(target);
      console.log(`built ${target}: ${relative(ROOT, file)} (${statSync(file).size} bytes)`);
    } catch (error) {
      fail(`the ${target} prebuild could not be built: ${error.message}`);
    }
  }
}
const problems = checkPrebuilds(targets);
if (problems.length > 0) {
  const elsewhere = targets.filter((t) => !buildableTargets().includes(t));
  fail(
    `not packing:\n${problems.map((p) => `  - ${p}`).join('\n')}` +
      (elsewhere.length > 0 && build ? `\n  (${elsewhere.join(', ')}: not buildable on ${hostTarget()}; put them into prebuilds/ first)` : '') +
      (host ? '' : "\n  A contributor's tarball with this machine's prebuild only: npm run pack:release -- DIR --host"),
  );
}
if (skipped.length > 0) {
  console.log(`pack:release: --host: built and checked ${targets.join(', ')} only; skipped ${skipped.join(', ')}: not a release, never publish it`);
}

// dist/ from this checkout's source, then npm pack (its prepack guard, scripts/check-prebuilds.mjs,
// checks again; --host packs with REFRAME_PACK_ANY=1, the guard's override).
const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
if (built.status !== 0) fail(`npm run build exited with ${built.status ?? built.signal}`);
mkdirSync(out, { recursive: true });
const env = host ? { ...process.env, REFRAME_PACK_ANY: '1' } : process.env;
const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (pack.status !== 0) fail(`npm pack exited with ${pack.status ?? pack.signal}`);
const [{ filename, files, size, unpackedSize }] = JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[\s*$/m)));
const packed = new Set(files.map((f) => f.path));
const prebuilds = [...packed].filter((p) => p.startsWith('prebuilds/')).sort();
const missing = targets.map((t) => relative(ROOT, prebuildPath(t)).split('\\').join('/')).filter((p) => !packed.has(p));
if (missing.length > 0) fail(`${filename} lacks ${missing.join(', ')} (packed prebuilds: ${prebuilds.join(', ') || 'none'})`);
const manifest = JSON.parse(spawnSync('tar', ['-xOzf', join(out, filename), 'package/package.json'], { encoding: 'utf8' }).stdout);
const scripts = ['preinstall', 'install', 'postinstall'].filter((name) => manifest.scripts?.[name] !== undefined);
if (scripts.length > 0) fail(`${filename} has install scripts (${scripts.join(', ')}): a release installs none`);
console.log(`${join(out, filename)}: ${size} bytes packed, ${unpackedSize} unpacked; prebuilds: ${prebuilds.join(', ')}`);
if (host) {
  const unchecked = prebuilds.filter((p) => !targets.some((t) => relative(ROOT, prebuildPath(t)).split('\\').join('/') === p));
  console.log(`pack:release: --host: not a release${unchecked.length > 0 ? `; ${unchecked.join(', ')} came from prebuilds/ as it was (not rebuilt, not checked)` : ''}`);
}
