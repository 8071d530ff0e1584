#!/usr/bin/env node
// The CommonJS faces of the build (run after `tsc -p tsconfig.build.json`, by `npm run build`).
//
// reframe ships one build, ESM. A CommonJS caller gets the same modules through Node's require(esm)
// (Node ≥ 20.19, the package's engines): dist/<entry>.cjs requires dist/<entry>.js, so there is one
// copy of every module whichever way it is loaded (no dual-package state: one core, one registered
// polyfill). TypeScript needs CommonJS-format declarations to type such a require under
// `module: node16` (else TS1479), so every dist/**/*.d.ts gets a .d.cts twin whose relative imports
// name the .cjs twins (which TypeScript resolves to the .d.cts files). A src/*.cts (polyfill.cts)
// is compiled by tsc to its own .cjs and .d.cts, which are left as they are.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const src = fileURLToPath(new URL('../src/', import.meta.url));
// polyfill.cjs is compiled from its own source (src/polyfill.cts: it requires the optional peer
// dependency, so that a missing one is a coded error), and so is its .d.cts.
const ENTRIES = ['index', 'browser'];

for (const entry of ENTRIES) {
  writeFileSync(join(dist, `${entry}.cjs`),
    `'use strict';\n// CommonJS face of ./${entry}.js (scripts/build-cjs.mjs): the same ES module, through require(esm).\n` +
    `module.exports = require('./${entry}.js');\n`);
}

let declarations = 0;
const walk = (dir) => {
  for (const dirent of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, dirent.name);
    if (dirent.isDirectory()) {
      walk(path);
    } else if (dirent.name.endsWith('.d.ts') && !existsSync(join(src, relative(dist, path).replace(/\.d\.ts$/, '.cts')))) {
      const text = readFileSync(path, 'utf8');
      // Relative specifiers only: './x.js' → './x.cjs' (packages and node: modules stay as they are).
      const cts = text.replace(/(['"])(\.\.?\/[^'"]*?)\.js\1/g, '$1$2.cjs$1');
      writeFileSync(path.replace(/\.d\.ts$/, '.d.cts'), cts);
      declarations++;
    }
  }
};
walk(dist);
if (declarations === 0) throw new Error(`build-cjs: no .d.ts in ${relative(process.cwd(), dist)}: run tsc first`);
