#!/usr/bin/env node
// npm run pack:release -- DIR: builds every prebuild this machine can build (on linux-x64-glibc:
// linux-x64-glibc natively and linux-arm64-glibc with Debian's cross compiler), then writes into DIR
// every tarball a release publishes: the one reframer tarball, prebuilds inside. Fails when a
// prebuild is missing from the tarball: one of this machine's, or one named with --expect (the
// release workflow's, downloaded into prebuilds/ beforehand):
//
//   npm run pack:release -- out/
//   npm run pack:release -- out/ --expect darwin-x64,darwin-arm64,win32-x64 --no-build
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildableTargets, buildPrebuild, prebuildPath } from './prebuild.mjs';

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
const expected = (option('--expect') ?? '').split(',').filter(Boolean);
const build = !args.includes('--no-build');
const [dir, ...rest] = args.filter((a) => a !== '--no-build');
if (dir === undefined || rest.length > 0) fail('usage: npm run pack:release -- DIR [--expect TARGET,…] [--no-build]');
const out = resolve(process.env.INIT_CWD ?? process.cwd(), dir);

const targets = buildableTargets();
if (build) {
  for (const target of targets) {
    try {
      const file = buildPrebuild(target);
      console.log(`built ${target}: ${relative(ROOT, file)} (${statSync(file).size} bytes)`);
    } catch (error) {
      fail(`the ${target} prebuild could not be built: ${error.message}`);
    }
  }
}

mkdirSync(out, { recursive: true });
// npm pack runs `prepare` (tsc), so dist/ is this checkout's source.
const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (pack.status !== 0) fail(`npm pack exited with ${pack.status ?? pack.signal}`);
const [{ filename, files, size, unpackedSize }] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')));
const packed = new Set(files.map((f) => f.path));
const prebuilds = [...packed].filter((p) => p.startsWith('prebuilds/')).sort();
const missing = [...targets, ...expected].map((t) => relative(ROOT, prebuildPath(t)).split('\\').join('/')).filter((p) => !packed.has(p));
if (missing.length > 0) fail(`${filename} lacks ${missing.join(', ')} (packed prebuilds: ${prebuilds.join(', ') || 'none'})`);
const manifest = JSON.parse(spawnSync('tar', ['-xOzf', join(out, filename), 'package/package.json'], { encoding: 'utf8' }).stdout);
const scripts = ['preinstall', 'install', 'postinstall'].filter((name) => manifest.scripts?.[name] !== undefined);
if (scripts.length > 0) fail(`${filename} has install scripts (${scripts.join(', ')}): a release installs none`);
console.log(`${join(out, filename)}: ${size} bytes packed, ${unpackedSize} unpacked; prebuilds: ${prebuilds.join(', ')}`);
