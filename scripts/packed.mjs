// What the package checks share: the package as npm would publish it. Builds dist/, packs the
// tarball (`npm pack`), and unpacks it as node_modules/reframer of a scratch project whose other
// dependencies (web-streams-polyfill, typescript, @types/node) are links to this checkout's: no
// registry, no install script.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('..', import.meta.url));

/** Builds and packs the package; returns the scratch project's directory and the tarball's path. */
export function packed(links = ['web-streams-polyfill']) {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });
  const project = mkdtempSync(join(tmpdir(), 'reframer-packed-'));
  // --ignore-scripts: dist/ was just built; `prepare` would only build it again.
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', project], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  const [name] = readdirSync(project).filter((f) => f.endsWith('.tgz'));
  if (name === undefined) throw new Error(`npm pack wrote no tarball into ${project}`);
  const tarball = join(project, name);
  const target = join(project, 'node_modules', 'reframer');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', target, '--strip-components=1']);
  for (const dependency of links) {
    const to = join(project, 'node_modules', dependency);
    mkdirSync(join(to, '..'), { recursive: true });
    symlinkSync(join(repo, 'node_modules', dependency), to, 'dir');
  }
  return { project, tarball };
}
