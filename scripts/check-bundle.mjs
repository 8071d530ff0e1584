#!/usr/bin/env node
// CI: what a browser app that uses reframe bundles, from the packed package (scripts/packed.mjs),
// with esbuild (a pinned devDependency). Fails when
// - an app using ChunkerStream bundles above GOAL bytes minified (the polyfill must not come along:
//   every current browser has streams, and only `reframer/polyfill` loads web-streams-polyfill);
// - a browser or `--platform=neutral` bundle resolves to anything but the browser entry, or pulls
//   in web-streams-polyfill or a `node:` module;
// - a bundle for Node does not resolve to the Node entry;
// - an app importing `reframer/polyfill` does not get the polyfill.
// Prints one line per bundle: bytes minified and gzipped.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { packed } from './packed.mjs';

const GOAL = 16 * 1024; // bytes, minified: an app whose only import is ChunkerStream

const { project } = packed();
const APPS = {
  'stream-app.mjs': "import { ChunkerStream } from 'reframer';\nglobalThis.pair = new ChunkerStream({ size: 188 });\n",
  'all-app.mjs': "import { Chunker, ChunkerStream, chunks, backend } from 'reframer';\nObject.assign(globalThis, { Chunker, ChunkerStream, chunks, backend });\n",
  'polyfill-app.mjs': "import 'reframer/polyfill';\nimport { ChunkerStream } from 'reframer';\nglobalThis.pair = new ChunkerStream({ size: 188 });\n",
};
for (const [name, text] of Object.entries(APPS)) writeFileSync(join(project, name), text);

const CASES = [
  { app: 'stream-app.mjs', platform: 'browser', entry: 'browser', polyfill: false, goal: GOAL },
  { app: 'stream-app.mjs', platform: 'neutral', entry: 'browser', polyfill: false, goal: GOAL },
  { app: 'all-app.mjs', platform: 'browser', entry: 'browser', polyfill: false },
  { app: 'polyfill-app.mjs', platform: 'browser', entry: 'browser', polyfill: true },
  { app: 'stream-app.mjs', platform: 'node', entry: 'index', polyfill: false },
];

const failures = [];
for (const c of CASES) {
  const what = `${c.app} --platform=${c.platform}`;
  let result;
  try {
    result = await build({
      absWorkingDir: project, entryPoints: [c.app], bundle: true, minify: true, format: 'esm',
      platform: c.platform, write: false, metafile: true, logLevel: 'silent',
    });
  } catch (error) {
    failures.push(`${what}: esbuild failed: ${error.errors?.map((e) => e.text).join('; ') ?? error}`);
    continue;
  }
  const inputs = Object.keys(result.metafile.inputs);
  const code = result.outputFiles[0].contents;
  const bytes = code.byteLength;
  const gzip = gzipSync(code, { level: 9 }).byteLength;
  const has = (path) => inputs.some((input) => input.includes(path));
  if (!has(`node_modules/reframer/dist/${c.entry}.js`)) failures.push(`${what}: does not resolve to dist/${c.entry}.js`);
  if (c.entry === 'browser' && has('node_modules/reframer/dist/index.js')) failures.push(`${what}: bundles the Node entry`);
  if (c.entry === 'browser' && inputs.some((input) => input.startsWith('node:'))) failures.push(`${what}: imports a node: module`);
  if (has('node_modules/web-streams-polyfill/') !== c.polyfill) {
    failures.push(`${what}: ${c.polyfill ? 'lacks' : 'bundles'} web-streams-polyfill`);
  }
  if (c.goal !== undefined && bytes > c.goal) failures.push(`${what}: ${bytes} B minified, above the goal of ${c.goal} B`);
  console.log(`${what.padEnd(40)} ${String(bytes).padStart(7)} B minified ${String(gzip).padStart(6)} B gzip` +
    (c.goal !== undefined ? ` (goal ≤ ${c.goal} B)` : ''));
}
if (failures.length > 0) {
  for (const failure of failures) console.error(`check-bundle: ${failure}`);
  console.error(`check-bundle: the scratch project is kept in ${project}`);
  process.exit(1);
}
console.log('check-bundle: ok');
rmSync(project, { recursive: true, force: true });
