// The published manifest (issue 21): the tarball's package.json carries no install-time script and no
// script that names a file the package does not ship (it carried `prepare: node scripts/prepare.mjs`
// without the script, so installing the unpacked package from a folder failed, and 24 others). npm's
// prepack/postpack run scripts/pack-manifest.mjs around the pack; this runs a real `npm pack` on a
// scratch copy of this repo's package.json (its prepack/postpack pointed at that copy) and checks
// the tarball's manifest and that the copy is restored byte for byte, also after a pack that died.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PUBLISHED_SCRIPTS, restore, strip } from '../scripts/pack-manifest.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const script = join(repo, 'scripts', 'pack-manifest.mjs');
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_') && name !== 'INIT_CWD'));
const work = mkdtempSync(join(tmpdir(), 'reframe-manifest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A scratch package: this repo's package.json (its own prepack/postpack, aimed at the scratch folder) and a stub dist/. */
function scratch(name: string): { dir: string; text: string } {
  const dir = join(work, name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'index.js'), 'export {};\n');
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.prepack).toContain('pack-manifest.mjs strip');
  expect(pkg.scripts.postpack).toContain('pack-manifest.mjs restore');
  // The repo's prepack may run more (a release guard) before the strip: only the strip is kept here.
  pkg.scripts.prepack = `node ${JSON.stringify(script)} strip .`;
  pkg.scripts.postpack = `node ${JSON.stringify(script)} restore .`;
  const text = `${JSON.stringify(pkg, null, 2)}\n`;
  writeFileSync(join(dir, 'package.json'), text);
  return { dir, text };
}

const INSTALL_TIME = ['preinstall', 'install', 'postinstall', 'prepare', 'preprepare', 'postprepare', 'prepublish'];

describe('npm pack', () => {
  it('writes a manifest with only the scripts a user runs in the installed package, and restores package.json', () => {
    const { dir, text } = scratch('pack');
    const out = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .replace(/^[^[]*/, '')) as [{ filename: string }];
    const packed = JSON.parse(execFileSync('tar', ['-xOzf', join(work, out[0].filename), 'package/package.json'], { encoding: 'utf8' })) as {
      scripts?: Record<string, string>; name: string; exports: unknown;
    };
    const source = JSON.parse(text) as { scripts: Record<string, string>; exports: unknown };
    expect(Object.keys(packed.scripts ?? {})).toEqual(PUBLISHED_SCRIPTS);
    expect(packed.scripts!['build:native']).toBe(source.scripts['build:native']);
    for (const name of INSTALL_TIME) expect(packed.scripts?.[name], name).toBeUndefined();
    expect(packed.exports).toEqual(source.exports); // nothing else changes
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(text);
    expect(existsSync(join(dir, '.cache', 'package.json.dev'))).toBe(false);
  }, 60_000);

  it('the checkout itself has no install-time script', () => {
    const { scripts } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const name of INSTALL_TIME) expect(scripts[name], name).toBeUndefined();
  });
});

describe('a pack that died between prepack and postpack', () => {
  it('the next strip restores the original first, and restore puts it back byte for byte', () => {
    const { dir, text } = scratch('died');
    strip(dir);
    const stripped = readFileSync(join(dir, 'package.json'), 'utf8');
    expect(stripped).not.toBe(text);
    strip(dir); // no postpack ran: the backup is still the original, not the stripped file
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(stripped);
    expect(restore(dir)).toBe(true);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(text);
    expect(restore(dir)).toBe(false);
  });
});
