#!/usr/bin/env node
// The Linux prebuilds' ABI floor: every symbol version a shipped Linux prebuild imports, read with
// `objdump -T`, must exist on the oldest systems the README promises. glibc 2.17 (CentOS/RHEL 7),
// libstdc++ from GCC 8 (RHEL 8: GLIBCXX_3.4.25, CXXABI_1.3.11), libgcc_s from GCC 4.8 (GCC_4.8.0).
// The prebuilds link libstdc++ statically (CMake option REFRAME_PORTABLE), so today they import no
// GLIBCXX_ or CXXABI_ version at all; this check is what keeps a newer compiler or a new call from
// raising the floor unseen. Exits 1 and names each symbol above its floor.
//
//   npm run check:abi                         # every prebuilds/linux-*/*.node (none: an error)
//   node scripts/check-abi.mjs FILE.node…     # these files
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The newest version of each versioned library a prebuild may need. */
export const FLOORS = { GLIBC: '2.17', GLIBCXX: '3.4.25', CXXABI: '1.3.11', GCC: '4.8.0' };

const compare = (a, b) => {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
};

/** Every shipped Linux prebuild: prebuilds/linux-<arch>/*.node. */
export function linuxPrebuilds() {
  const dir = join(ROOT, 'prebuilds');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => d.startsWith('linux-'))
    .flatMap((d) => readdirSync(join(dir, d)).filter((f) => f.endsWith('.node')).map((f) => join(dir, d, f)));
}

/**
 * One file's imported symbol versions above their floor: [{ symbol, version }]; `versions` is every
 * version it needs (e.g. GLIBC_2.14), newest per library. Throws when objdump cannot read it.
 */
export function checkAbi(file) {
  const dump = spawnSync('objdump', ['-T', file], { encoding: 'utf8' });
  if (dump.error) throw new Error(`objdump: ${dump.error.message} (apt-get install binutils)`);
  if (dump.status !== 0) throw new Error(`objdump -T ${file}: ${dump.stderr.trim()}`);
  const tooNew = [];
  const newest = {};
  for (const line of dump.stdout.split('\n')) {
    // 0000000000000000      DF *UND*	0000000000000000 (GLIBCXX_3.4.29) _ZSt28__throw_bad_array_new_lengthv
    const match = /\*UND\*\s+\S+\s+\(?(GLIBC|GLIBCXX|CXXABI|GCC)_([0-9.]+)\)?\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, library, version, symbol] = match;
    if (newest[library] === undefined || compare(version, newest[library]) > 0) newest[library] = version;
    if (compare(version, FLOORS[library]) > 0) tooNew.push({ symbol, version: `${library}_${version}` });
  }
  return { tooNew, versions: Object.entries(newest).map(([library, version]) => `${library}_${version}`) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2) : linuxPrebuilds();
  if (files.length === 0) {
    console.error('check:abi: no Linux prebuild in prebuilds/ (build them: npm run build:prebuild -- linux-x64-glibc linux-arm64-glibc)');
    process.exit(1);
  }
  let failed = false;
  for (const file of files) {
    const { tooNew, versions } = checkAbi(file);
    const name = relative(process.cwd(), file);
    if (tooNew.length === 0) {
      console.log(`check:abi: ${name}: ok (needs ${versions.join(', ')})`);
    } else {
      failed = true;
      console.error(`check:abi: ${name} needs versions newer than ${Object.entries(FLOORS).map(([l, v]) => `${l}_${v}`).join(', ')}:`);
      for (const { symbol, version } of tooNew) console.error(`  ${version} ${symbol}`);
    }
  }
  process.exit(failed ? 1 : 0);
}
