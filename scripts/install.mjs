#!/usr/bin/env node
// reframe's install script: builds the native addon (build/Release/reframe.node) with cmake-js.
//
// Where reframe is a dependency, a failed build does not fail `npm install`: the package then runs
// on its TypeScript core (same contract, slower) and says so once, at import, with the command to
// rebuild. A build is required (a failure exits non-zero) where someone asked for it:
//   - in reframe's own checkout (not inside a node_modules folder): developers and CI;
//   - under `npm rebuild` (the command the runtime warning points to);
//   - with REFRAME_BUILD=required in the environment.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const required =
  !root.split(sep).includes('node_modules') ||
  process.env.npm_command === 'rebuild' ||
  process.env.REFRAME_BUILD === 'required';

function fail(reason) {
  if (required) {
    console.error(`reframe: the native addon could not be built: ${reason}`);
    process.exit(1);
  }
  console.warn(
    `reframe: the native addon could not be built (${reason}).\n` +
      'reframe still works, on its TypeScript core (same results, slower), and says so once when it is imported.\n' +
      'To build the native core: install cmake and a C++17 compiler, then run `npm rebuild reframer`.\n' +
      'To use the TypeScript core without the warning: set REFRAME_BACKEND=js.',
  );
  process.exit(0);
}

let cmakeJs;
try {
  cmakeJs = createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
} catch {
  fail('cmake-js is not installed');
}
const build = spawnSync(process.execPath, [cmakeJs, 'compile', '--log-level', 'error'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.error) fail(build.error.message);
if (build.status !== 0) fail(`cmake-js exited with ${build.status ?? build.signal}`);
