#!/usr/bin/env node
// A checkout's set-up, run by `npm test` (npm's `pretest`), so that the README's two commands,
// `npm install` then `npm test`, set everything up: the TypeScript build (dist/), then the addon from
// source (build/Release/reframe.node) when it is missing or older than native/, cmake/ or
// CMakeLists.txt. A checkout has no prebuilds (they are made for a release: `npm run pack:release`),
// so without the local build its tests would run the TypeScript core alone.
//
// Not an install script: the package ships none (npm's `prepare` used to run this, and it went out
// in the published manifest without the file, so installing the unpacked package from a folder
// failed; and npm runs a dependency's `prepare` for folder and git installs).
//
// The addon is built when cmake and a C++ compiler are on PATH; without them, this says what to
// install and succeeds (the TypeScript core still runs everything). A failed build with the tools
// present fails. REFRAME_SKIP_NATIVE=1 skips the addon.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (args) => execFileSync(npm, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });

run(['run', 'build', '--silent']);

/** Whether `command --version` runs. */
const has = (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

/** The newest modification time among the addon's sources (native/, cmake/, CMakeLists.txt). */
function newestSource() {
  const walk = (dir) => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : [])
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return Math.max(...[...walk(join(root, 'native')), ...walk(join(root, 'cmake')), join(root, 'CMakeLists.txt')]
    .map((file) => statSync(file).mtimeMs));
}

if (process.env.REFRAME_SKIP_NATIVE === '1' || !existsSync(join(root, 'native', 'binding.cc'))) process.exit(0);
const addon = join(root, 'build', 'Release', 'reframe.node');
if (existsSync(addon) && statSync(addon).mtimeMs >= newestSource()) process.exit(0); // up to date
const compiler = ['c++', 'g++', 'clang++'].find(has) ?? (process.platform === 'win32' ? 'cl' : undefined);
if (!has('cmake') || !compiler) {
  console.warn(
    'reframer: the addon was not built (needs cmake ≥ 3.15 and a C++17 compiler on PATH; Debian: ' +
    '`apt-get install cmake g++`), so `npm test` runs the TypeScript core only. ' +
    'With the tools installed: `npm run build:native`.');
  process.exit(0);
}
run(['run', 'build:native']);
