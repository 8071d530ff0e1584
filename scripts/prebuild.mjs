#!/usr/bin/env node
// Builds the addon as a prebuild: prebuilds/<platform>-<arch>/reframer[.<libc>].node (N-API 8,
// stripped), the file src/core/native-engine.ts loads when there is no local build. One target per
// argument; none: this machine's own. On Linux the prebuilds need libstdc++ from GCC 11 or later
// (GLIBCXX_3.4.29: Debian 12, Ubuntu 22.04, RHEL 9) and glibc 2.17; linking libstdc++ statically
// would instead need this machine's glibc 2.36.
//
//   node scripts/prebuild.mjs                     # this machine (here: linux-x64-glibc)
//   node scripts/prebuild.mjs linux-arm64-glibc   # cross, with Debian's g++-aarch64-linux-gnu
//   node scripts/prebuild.mjs --if-stale          # only when older than native/ or CMakeLists.txt
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** This machine's libc on Linux, as the loader names it. */
function hostLibc() {
  try {
    if (readFileSync('/usr/bin/ldd', 'latin1').includes('musl')) return 'musl';
  } catch {
    // no ldd: report below
  }
  return process.report?.getReport?.().header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** This machine's target name: linux-x64-glibc, darwin-arm64, win32-x64. */
export function hostTarget() {
  const base = `${process.platform}-${process.arch}`;
  return process.platform === 'linux' ? `${base}-${hostLibc()}` : base;
}

/** Cross targets this repo knows how to build on linux-x64-glibc: extra cmake-js arguments and tools. */
const CROSS = {
  'linux-arm64-glibc': {
    args: ['--arch', 'arm64', `--CDCMAKE_TOOLCHAIN_FILE=${join(ROOT, 'cmake', 'aarch64-linux-gnu.cmake')}`],
    compiler: 'aarch64-linux-gnu-g++',
    strip: 'aarch64-linux-gnu-strip',
    install: 'apt-get install g++-aarch64-linux-gnu',
  },
};

/** The targets this machine can build: its own, and the cross ones from linux-x64-glibc. */
export function buildableTargets() {
  const host = hostTarget();
  return host === 'linux-x64-glibc' ? [host, ...Object.keys(CROSS)] : [host];
}

/** prebuilds/<platform>-<arch>/reframer[.<libc>].node for a target name. */
export function prebuildPath(target) {
  const [platform, arch, libc] = target.split('-');
  return join(ROOT, 'prebuilds', `${platform}-${arch}`, libc ? `reframer.${libc}.node` : 'reframer.node');
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

function newestSource() {
  const sources = readdirSync(join(ROOT, 'native')).filter((f) => /\.(cc|h)$/.test(f)).map((f) => join(ROOT, 'native', f));
  return Math.max(...[...sources, join(ROOT, 'CMakeLists.txt')].map((f) => statSync(f).mtimeMs));
}

/** Builds one target's prebuild; returns its path. */
export function buildPrebuild(target) {
  const host = hostTarget();
  const cross = target === host ? undefined : CROSS[target];
  if (target !== host && (cross === undefined || host !== 'linux-x64-glibc')) {
    throw new Error(`prebuild ${target}: this machine (${host}) cannot build it; known: ${buildableTargets().join(', ')}`);
  }
  if (cross && !has(cross.compiler)) throw new Error(`prebuild ${target}: ${cross.compiler} is missing (${cross.install})`);
  const out = join(ROOT, 'build-prebuild', target);
  const cmakeJs = createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
  run(process.execPath, [cmakeJs, 'compile', '-O', out, '--log-level', 'error', ...(cross?.args ?? [])]);
  const built = join(out, 'Release', 'reframe.node');
  const dest = prebuildPath(target);
  mkdirSync(join(dest, '..'), { recursive: true });
  copyFileSync(built, dest);
  if (process.platform === 'darwin') run('strip', ['-x', dest]);
  else if (process.platform !== 'win32') run(cross?.strip ?? 'strip', ['--strip-unneeded', dest]);
  return dest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const ifStale = args.includes('--if-stale');
  const targets = args.filter((a) => a !== '--if-stale');
  for (const target of targets.length > 0 ? targets : [hostTarget()]) {
    const dest = prebuildPath(target);
    if (ifStale && existsSync(dest) && statSync(dest).mtimeMs >= newestSource()) continue;
    const file = buildPrebuild(target);
    console.log(`${target}: ${file} (${statSync(file).size} bytes)`);
  }
}
