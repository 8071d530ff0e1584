#!/usr/bin/env node
// The release guard, npm's `prepack` (so `npm pack` and `npm publish` run it): a tarball goes out only
// with every prebuild a release ships (RELEASE_TARGETS in scripts/prebuild.mjs, the README's list),
// none older than the native sources, and the Linux ones within their ABI floor (scripts/check-abi.mjs).
// `npm run pack:release -- DIR` builds them all and packs; `--host` packs this machine's only.
//
// Contributors' tarballs: the repo's own checks pack with `npm pack --ignore-scripts` (no guard);
// REFRAME_PACK_ANY=1 npm pack packs whatever prebuilds/ holds, with a warning (never for a release).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkAbi } from './check-abi.mjs';
import { prebuildPath, RELEASE_TARGETS } from './prebuild.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The newest native source's time: a prebuild older than it is stale. */
function newestSource() {
  const files = (dir, pattern) => readdirSync(join(ROOT, dir)).filter((f) => pattern.test(f)).map((f) => join(ROOT, dir, f));
  const sources = [...files('native', /\.(cc|h)$/), ...files('cmake', /\.(cc|cmake)$/), join(ROOT, 'CMakeLists.txt')];
  return Math.max(...sources.map((f) => statSync(f).mtimeMs));
}

/** What is wrong with the prebuilds of `targets` in prebuilds/: a list of sentences, empty when ready. */
export function checkPrebuilds(targets = RELEASE_TARGETS) {
  const problems = [];
  const newest = newestSource();
  for (const target of targets) {
    const file = prebuildPath(target);
    const name = relative(ROOT, file).split('\\').join('/');
    if (!existsSync(file)) {
      problems.push(`${name} (${target}) is missing`);
      continue;
    }
    if (statSync(file).mtimeMs < newest) problems.push(`${name} (${target}) is older than native/, cmake/ or CMakeLists.txt`);
    if (target.startsWith('linux-')) {
      try {
        const { tooNew } = checkAbi(file);
        if (tooNew.length > 0) problems.push(`${name} needs ${tooNew.map((t) => `${t.version} (${t.symbol})`).join(', ')}: npm run check:abi`);
      } catch (error) {
        problems.push(`${name}: ${error.message}`);
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.env.REFRAME_PACK_ANY === '1') {
    console.warn('reframer prepack: REFRAME_PACK_ANY=1: packing without the release check (not a release tarball)');
    process.exit(0);
  }
  const problems = checkPrebuilds();
  if (problems.length > 0) {
    console.error(
      `reframer prepack: refusing to pack without every release prebuild (${RELEASE_TARGETS.join(', ')}):\n` +
        problems.map((p) => `  - ${p}\n`).join('') +
        '  Build them and pack with `npm run pack:release -- DIR`; for a tarball of this machine\'s prebuild only,\n' +
        '  `npm run pack:release -- DIR --host` (or REFRAME_PACK_ANY=1 npm pack); never publish those.',
    );
    process.exit(1);
  }
}
