#!/usr/bin/env node
// The manifest npm packs: npm's `prepack` runs `strip`, `postpack` runs `restore` (the pattern of
// pinst and clean-package). The checkout's package.json carries the contributors' scripts (test,
// bench, fuzz, the checks, pretest's set-up): they name files the package does not ship (scripts/,
// bench/, test/, vitest), so the published manifest keeps only the scripts a user can run inside an
// installed reframer (`build:native`: `npm explore reframer -- npm run build:native`) and no
// install-time script at all.
//
// Why in place, around npm pack: npm writes package.json into the tarball from disk after
// `prepack` (pacote's directory fetcher tars the files as they are then), and runs `postpack` from
// the manifest it read before, so the pair sees the stripped file packed and the original restored.
// A pack that dies between the two leaves the backup (.cache/package.json.dev): the next `strip`
// restores it first, and `node scripts/pack-manifest.mjs restore` does so by hand.
// `npm pack --ignore-scripts` skips both (the repo's own test packs: their manifests keep the
// scripts). Publish the tarball pack:release wrote (`npm publish reframer-X.tgz`): npm publish from
// the folder re-reads package.json after postpack for the registry's metadata.
//
//   node scripts/pack-manifest.mjs strip|restore [DIR]     (DIR: the package folder, default this repo)
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The scripts a published reframer keeps: each runs inside the installed package from what it ships. */
export const PUBLISHED_SCRIPTS = ['build:native'];

/** Writes the published manifest over `dir`/package.json, keeping the original in `dir`/.cache. */
export function strip(dir) {
  const { manifest, backup } = paths(dir);
  if (restore(dir)) console.warn('pack-manifest: restored package.json from an earlier pack that did not finish');
  const text = readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  mkdirSync(join(dir, '.cache'), { recursive: true });
  writeFileSync(backup, text);
  const kept = PUBLISHED_SCRIPTS.filter((name) => pkg.scripts?.[name] !== undefined);
  if (kept.length > 0) pkg.scripts = Object.fromEntries(kept.map((name) => [name, pkg.scripts[name]]));
  else delete pkg.scripts;
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
}

/** Puts the original package.json back, if strip() saved one; returns whether it did. */
export function restore(dir) {
  const { manifest, backup } = paths(dir);
  if (!existsSync(backup)) return false;
  copyFileSync(backup, manifest);
  rmSync(backup);
  return true;
}

function paths(dir) {
  return { manifest: join(dir, 'package.json'), backup: join(dir, '.cache', 'package.json.dev') };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [command, dirArgument] = process.argv.slice(2);
  const dir = dirArgument === undefined ? fileURLToPath(new URL('..', import.meta.url)) : resolve(dirArgument);
  if (command === 'strip') strip(dir);
  else if (command === 'restore') restore(dir);
  else {
    console.error('usage: node scripts/pack-manifest.mjs strip|restore [DIR]');
    process.exit(2);
  }
}
