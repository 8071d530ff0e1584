#!/usr/bin/env node
// Builds the addon as a prebuild: prebuilds/<platform>-<arch>/reframer[.<libc>].node (N-API 8,
// stripped), the file src/core/native-engine.ts loads when there is no local build. One target per
// argument; none: this machine's own.
//
// Each prebuild carries its C++ runtime (CMake option REFRAME_PORTABLE): on Linux libstdc++ is linked
// statically with its symbols hidden, and cmake/glibc-compat.cc defines the few glibc > 2.17 symbols
// that static libstdc++ references, so the Linux prebuilds need glibc 2.17 and no libstdc++ from the
// system (`npm run check:abi` checks every shipped one with objdump -T). win32-x64 is cross-compiled
// with MinGW-w64 (plain cmake and cmake/x86_64-w64-mingw32.cmake: cmake-js does not cross-compile),
// linked against an import library for node.exe made from node-api-headers' def/node_api.def.
//
//   node scripts/prebuild.mjs                     # this machine (here: linux-x64-glibc)
//   node scripts/prebuild.mjs linux-arm64-glibc   # cross, with Debian's g++-aarch64-linux-gnu
//   node scripts/prebuild.mjs win32-x64           # cross, with Debian's g++-mingw-w64-x86-64
//   node scripts/prebuild.mjs --if-stale          # only when older than native/, cmake/ or CMakeLists.txt
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The prebuilds a release ships (README's prebuild list; `npm run pack:release` and the prepack guard,
 * scripts/check-prebuilds.mjs, fail without any of them). All are built and tested on linux-x64-glibc.
 */
export const RELEASE_TARGETS = ['linux-x64-glibc', 'linux-arm64-glibc', 'win32-x64'];

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

/** Cross targets this repo knows how to build on linux-x64-glibc: how, and with which tools. */
const CROSS = {
  'linux-arm64-glibc': {
    cmakeJs: ['--arch', 'arm64', `--CDCMAKE_TOOLCHAIN_FILE=${join(ROOT, 'cmake', 'aarch64-linux-gnu.cmake')}`],
    tools: ['aarch64-linux-gnu-g++'],
    strip: 'aarch64-linux-gnu-strip',
    install: 'apt-get install g++-aarch64-linux-gnu',
  },
  'win32-x64': {
    toolchain: join(ROOT, 'cmake', 'x86_64-w64-mingw32.cmake'),
    tools: ['x86_64-w64-mingw32-g++-posix', 'x86_64-w64-mingw32-dlltool'],
    strip: 'x86_64-w64-mingw32-strip',
    install: 'apt-get install g++-mingw-w64-x86-64',
  },
};

/** The targets this machine can build: its own, and the cross ones from linux-x64-glibc. */
export function buildableTargets() {
  const host = hostTarget();
  return host === 'linux-x64-glibc' ? [host, ...Object.keys(CROSS)] : [host];
}

/** The tools a target's build needs that are missing here (empty: it can be built). */
export function missingTools(target) {
  const cross = target === hostTarget() ? undefined : CROSS[target];
  const tools = cross?.tools ?? ['cmake'];
  return [...new Set(['cmake', ...tools])].filter((tool) => !has(tool));
}

/** How to install a cross target's tools. */
export const installHint = (target) => CROSS[target]?.install ?? 'cmake and a C++17 compiler';

/** prebuilds/<platform>-<arch>/reframer[.<libc>].node for a target name. */
export function prebuildPath(target) {
  const [platform, arch, libc] = target.split('-');
  return join(ROOT, 'prebuilds', `${platform}-${arch}`, libc ? `reframer.${libc}.node` : 'reframer.node');
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

function newestSource() {
  const files = (dir, pattern) => readdirSync(join(ROOT, dir)).filter((f) => pattern.test(f)).map((f) => join(ROOT, dir, f));
  const sources = [...files('native', /\.(cc|h)$/), ...files('cmake', /\.(cc|cmake)$/), join(ROOT, 'CMakeLists.txt')];
  return Math.max(...sources.map((f) => statSync(f).mtimeMs));
}

/** node-api-headers (cmake-js's dependency): the N-API headers and the def file of node.exe's exports. */
function nodeApiHeaders() {
  const fromCmakeJs = createRequire(require.resolve('cmake-js/package.json'));
  return dirname(fromCmakeJs.resolve('node-api-headers/package.json'));
}

/**
 * win32-x64 with MinGW-w64: the import library for node.exe (N-API functions only: the addon calls
 * nothing else), then the CMake project with the MinGW toolchain. Returns the built .node.
 */
function buildWindows(out, cross) {
  const headers = nodeApiHeaders();
  mkdirSync(out, { recursive: true });
  const lib = join(out, 'node.lib');
  run('x86_64-w64-mingw32-dlltool', ['-d', join(headers, 'def', 'node_api.def'), '-D', 'node.exe', '-l', lib]);
  const release = join(out, 'Release');
  run('cmake', [
    '-S', ROOT, '-B', out, '-G', has('ninja') ? 'Ninja' : 'Unix Makefiles', '--log-level=ERROR',
    `-DCMAKE_TOOLCHAIN_FILE=${cross.toolchain}`, '-DCMAKE_BUILD_TYPE=Release',
    `-DCMAKE_JS_INC=${join(headers, 'include')}`, `-DCMAKE_JS_LIB=${lib}`, '-DCMAKE_CXX_FLAGS=-DBUILDING_NODE_EXTENSION',
    `-DCMAKE_RUNTIME_OUTPUT_DIRECTORY=${release}`, `-DCMAKE_LIBRARY_OUTPUT_DIRECTORY=${release}`, '-DREFRAME_PORTABLE=ON',
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  run('cmake', ['--build', out, '--target', 'reframe'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(release, 'reframe.node');
}

/** Builds one target's prebuild; returns its path. */
export function buildPrebuild(target) {
  const host = hostTarget();
  const cross = target === host ? undefined : CROSS[target];
  if (target !== host && (cross === undefined || host !== 'linux-x64-glibc')) {
    throw new Error(`prebuild ${target}: this machine (${host}) cannot build it; known: ${buildableTargets().join(', ')}`);
  }
  const missing = missingTools(target);
  if (missing.length > 0) throw new Error(`prebuild ${target}: ${missing.join(', ')} missing (${installHint(target)})`);
  const out = join(ROOT, 'build-prebuild', target);
  let built;
  if (cross?.toolchain) {
    built = buildWindows(out, cross);
  } else {
    const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
    run(process.execPath, [cmakeJs, 'compile', '-O', out, '--log-level', 'error', '--CDREFRAME_PORTABLE=ON', ...(cross?.cmakeJs ?? [])]);
    built = join(out, 'Release', 'reframe.node');
  }
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
