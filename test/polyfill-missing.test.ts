// web-streams-polyfill is an optional peer dependency (issue 21: it was a hard one, 46 % of the
// install for everybody): the packed package installs without it, and only `reframer/polyfill`
// needs it. Where it is missing, importing or requiring `reframer/polyfill` throws
// ERR_REFRAME_NO_POLYFILL naming `npm install web-streams-polyfill`; the rest of the package runs.
// Once it is installed, the same entry registers the ponyfill as ChunkerStream's fallback.
//
// The packed tarball (dist/ as `npm test` built it) is unpacked as node_modules/reframer of a
// scratch project, and each check runs in a child Node (an entry's registration is process state).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) =>
  !name.startsWith('npm_') && !name.startsWith('REFRAME_') && name !== 'NODE_OPTIONS'));

let work: string;
let project: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'reframe-polyfill-'));
  // --ignore-scripts: dist/ is already built (npm test's pretest); nothing may rewrite it here.
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: repo, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  })) as [{ filename: string }];
  project = join(work, 'project');
  const installed = join(project, 'node_modules', 'reframer');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', join(work, filename), '-C', installed, '--strip-components=1']);
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * Loads reframer/polyfill (`how`), then builds a ChunkerStream where the platform has no streams;
 * prints what the load did and what the pair was built on.
 */
function probe(how: 'import' | 'require'): unknown {
  const load = how === 'import' ? "await import('reframer/polyfill')" : "require('reframer/polyfill')";
  const source = `
    import { createRequire } from 'node:module';
    const require = createRequire(process.cwd() + '/');
    let load;
    try { ${load}; load = 'loaded'; } catch (e) {
      load = { code: e.code, names: String(e.message).includes('npm install web-streams-polyfill') };
    }
    const { ChunkerStream, Chunker } = await import('reframer');
    const works = new Chunker(2).push(new Uint8Array(4)).length;
    delete globalThis.ReadableStream; delete globalThis.WritableStream; delete globalThis.TransformStream;
    let pair;
    try {
      const readable = new ChunkerStream(2).readable;
      // Either build of the ponyfill (the CommonJS one on Node: see src/polyfill.cts).
      const builds = [require('web-streams-polyfill'), await import('web-streams-polyfill')];
      pair = builds.some((b) => readable instanceof b.ReadableStream) ? 'ponyfill' : 'other';
    } catch (e) { pair = e.code; }
    console.log(JSON.stringify({ load, works, pair }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: project, env: { ...env, REFRAME_BACKEND: 'js' }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('reframer/polyfill', () => {
  it('the package declares web-streams-polyfill as an optional peer, not a dependency', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'reframer', 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>; peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    expect(manifest.dependencies?.['web-streams-polyfill']).toBeUndefined();
    expect(manifest.peerDependencies?.['web-streams-polyfill']).toBeDefined();
    expect(manifest.peerDependenciesMeta?.['web-streams-polyfill']?.optional).toBe(true);
  });

  describe.each(['import', 'require'] as const)('%s', (how) => {
    it('without web-streams-polyfill: ERR_REFRAME_NO_POLYFILL naming the install command; the rest runs', () => {
      expect(probe(how)).toEqual({ load: { code: 'ERR_REFRAME_NO_POLYFILL', names: true }, works: 2, pair: 'ERR_REFRAME_NO_STREAMS' });
    });

    it('with web-streams-polyfill installed: the ponyfill is the fallback', () => {
      const link = join(project, 'node_modules', 'web-streams-polyfill');
      symlinkSync(join(repo, 'node_modules', 'web-streams-polyfill'), link, 'dir');
      try {
        expect(probe(how)).toEqual({ load: 'loaded', works: 2, pair: 'ponyfill' });
      } finally {
        unlinkSync(link); // the link itself (rmSync follows a link to a folder on Node 24: 'Path is a directory')
      }
    });
  });
});
