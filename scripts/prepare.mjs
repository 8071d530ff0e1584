#!/usr/bin/env node
// `npm install` (or `npm ci`) in a checkout runs this, as npm's `prepare`: the TypeScript build, then
// the addon from source, so that `npm install` then `npm test` set everything up (README › Set up).
// A checkout has no prebuilds (they are made for a release: `npm run pack:release`), so without the
// local build its tests would run the TypeScript core alone.
//
// Users never run this: npm runs `prepare` only for a package's own directory and git installs, not
// for `npm install reframer` from the registry (the package ships prebuilt addons, no install script).
//
// The addon is built when cmake and a C++ compiler are on PATH; without them, this says what to
// install and lets `npm install` succeed (the TypeScript core still runs everything). A failed
// build with the tools present fails `npm install`. REFRAME_SKIP_NATIVE=1 skips the addon.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (args) => execFileSync(npm, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });

run(['run', 'build', '--silent']);

/** Whether `command --version` runs. */
const has = (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

if (process.env.REFRAME_SKIP_NATIVE === '1' || !existsSync(new URL('../native/binding.cc', import.meta.url))) {
  process.exit(0);
}
const compiler = ['c++', 'g++', 'clang++'].find(has) ?? (process.platform === 'win32' ? 'cl' : undefined);
if (!has('cmake') || !compiler) {
  console.warn(
    'reframer: the addon was not built (needs cmake ≥ 3.15 and a C++17 compiler on PATH; Debian: ' +
    '`apt-get install cmake g++`), so `npm test` runs the TypeScript core only. ' +
    'With the tools installed: `npm run build:native`.');
  process.exit(0);
}
run(['run', 'build:native']);
