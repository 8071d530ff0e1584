#!/usr/bin/env node
// CI: the packed package (scripts/packed.mjs) as its users meet it. Fails when
// - the manifest `npm pack` writes (prepack/postpack: scripts/pack-manifest.mjs) carries an
//   install-time script or any script but the ones a user runs inside the installed package, or the
//   checkout's package.json is not restored byte for byte after the pack;
// - @arethetypeswrong/cli finds a problem in any entry under node10, node16 (CJS and ESM) or bundler;
// - publint (strict, suggestions included) has anything to say about the tarball;
// - a shipped declaration file imports web-streams-polyfill (an optional peer dependency: the types
//   must compile without it, and every TypeScript project below has none installed);
// - a TypeScript browser project (moduleResolution bundler with customConditions ["browser"], no
//   @types/node) cannot type-check its use of `reframer`, `reframer/browser` and `reframer/polyfill`,
//   or gets the Node entry's types;
// - a TypeScript Node project under moduleResolution bundler (no customConditions) does not get the
//   Node entry's types (chunkerStream, chunks typed by the options in `for await` and 'data');
// - a CommonJS TypeScript project (module node16, with @types/node) cannot type-check `require`s of
//   the package, or Node cannot run them;
// - a shipped source map names a source that is neither inlined nor shipped;
// - a relative link or image of the packed README.md or of a shipped docs/*.md names a file that is
//   not in the tarball, leaves the package, or names a heading its Markdown target does not have;
// - Node does not resolve `import 'reframer'` to the Node entry;
// - `reframer/polyfill` (import and require) does not throw ERR_REFRAME_NO_POLYFILL naming
//   `npm install web-streams-polyfill` where that is not installed, or does not register it where it is.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { PUBLISHED_SCRIPTS } from './pack-manifest.mjs';
import { packed, repo } from './packed.mjs';

// No web-streams-polyfill in the scratch project: the types must not need it (section 7 adds it).
const { project, tarball } = packed(['typescript', '@types/node']);
const failures = [];
const run = (what, command, args, options = {}) => {
  try {
    const out = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
    console.log(`check-package: ${what}: ok`);
    return out;
  } catch (error) {
    failures.push(`${what}:\n${error.stdout ?? ''}${error.stderr ?? ''}`.trimEnd());
    return undefined;
  }
};

// 0. The published manifest: a real `npm pack`, its prepack and postpack included (packed() packs with
// --ignore-scripts). REFRAME_PACK_ANY=1: the release guard's override, this check is not a release.
{
  const before = readFileSync(join(repo, 'package.json'));
  const out = join(project, 'with-scripts');
  mkdirSync(out);
  const json = run('npm pack with its lifecycle scripts', 'npm', ['pack', '--json', '--pack-destination', out],
    { cwd: repo, env: { ...process.env, REFRAME_PACK_ANY: '1' } });
  if (json !== undefined) {
    const [{ filename }] = JSON.parse(json.slice(json.search(/^\[\s*$/m)));
    const { scripts = {} } = JSON.parse(execFileSync('tar', ['-xOzf', join(out, filename), 'package/package.json'], { encoding: 'utf8' }));
    const extra = Object.keys(scripts).filter((name) => !PUBLISHED_SCRIPTS.includes(name));
    if (extra.length > 0) failures.push(`the packed package.json carries scripts it cannot run: ${extra.join(', ')}`);
    else console.log(`check-package: packed scripts: ${Object.keys(scripts).join(', ') || 'none'}: ok`);
  }
  if (!readFileSync(join(repo, 'package.json')).equals(before)) failures.push('npm pack left package.json changed (postpack did not restore it)');
}

// 1. attw: every entry under every resolution mode (the default, strict profile).
run('attw', process.execPath, [join(repo, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--format', 'table-flipped']);

// 2. publint on the tarball's own files.
const bytes = readFileSync(tarball);
const { messages, pkg } = await publint({
  pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
  level: 'suggestion', strict: true,
});
if (messages.length === 0) console.log('check-package: publint: ok');
for (const message of messages) failures.push(`publint ${message.type} ${message.code}: ${formatMessage(message, pkg)}`);

// 2b. No shipped declaration file imports the optional peer dependency.
const declarations = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter((f) => /\.d\.c?ts$/.test(f));
const IMPORTS_POLYFILL = /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]web-streams-polyfill(?:\/[^'"]*)?['"]/;
const naming = declarations.filter((f) => IMPORTS_POLYFILL.test(readFileSync(join(project, 'node_modules/reframer', f.replace(/^package\//, '')), 'utf8')));
if (declarations.length === 0) failures.push('the tarball has no declaration files');
else if (naming.length > 0) failures.push(`declaration files that import web-streams-polyfill: ${naming.join(', ')}`);
else console.log(`check-package: ${declarations.length} declaration files, none imports web-streams-polyfill: ok`);

const tsc = join(project, 'node_modules/typescript/bin/tsc');

// 3. A browser project: DOM types, no @types/node (types: []), bundler resolution with the
// "browser" condition (plain bundler resolution gets the Node entry's types: section 3b).
const browser = join(project, 'browser-app');
mkdirSync(browser);
writeFileSync(join(browser, 'tsconfig.json'), JSON.stringify({
  compilerOptions: {
    target: 'es2022', module: 'esnext', moduleResolution: 'bundler', customConditions: ['browser'],
    lib: ['es2022', 'dom', 'dom.iterable'], types: [], strict: true, noEmit: true, skipLibCheck: false,
  },
  include: ['main.ts'],
}));
writeFileSync(join(browser, 'main.ts'), `
import 'reframer/polyfill';
import { Chunker, ChunkerStream, chunks, backend, type ChunkerOptions, type ReframeErrorCode } from 'reframer';
import * as browserEntry from 'reframer/browser';
// The browser types: the Node stream face is not there.
// @ts-expect-error chunkerStream is the Node entry's
import { chunkerStream } from 'reframer';

const options: ChunkerOptions<'float32'> = { size: 4, type: 'float32' };
const chunker = new Chunker(options);
const out: Float32Array[] = chunker.push(new Float32Array(8));
const pair: ReadableWritablePair<Uint8Array, ArrayBufferView | ArrayBuffer> = new ChunkerStream(188);
const body = new ReadableStream<Uint8Array>().pipeThrough(new ChunkerStream({ size: 188, batch: true }));
const batches: ReadableStream<Uint8Array[]> = body;
const which: 'native' | 'js' = backend;
const code: ReframeErrorCode = 'ERR_REFRAME_NO_STREAMS';
async function loop(source: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of chunks(source, 64)) n += chunk.length;
  return n;
}
export { out, pair, batches, which, code, loop, browserEntry, chunkerStream };
`);
run('types: browser project without @types/node (moduleResolution bundler, customConditions browser)', process.execPath, [tsc, '-p', browser]);

// 3b. A Node project under moduleResolution bundler and no customConditions (tsx, tsup, Next.js
// server code): TypeScript matches "types", "import" and "default" only, and must get the Node
// entry's types, the stream face's items typed by the options. (It used to get the browser types:
// TS2724, no exported member 'chunkerStream'.)
const nodeBundler = join(project, 'node-bundler-app');
mkdirSync(nodeBundler);
writeFileSync(join(nodeBundler, 'tsconfig.json'), JSON.stringify({
  compilerOptions: {
    target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['es2022'], types: ['node'],
    strict: true, noEmit: true, skipLibCheck: false,
  },
  include: ['main.ts'],
}));
writeFileSync(join(nodeBundler, 'main.ts'), `
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import 'reframer/polyfill';
import { chunkerStream, ChunkerTransform, chunks, Chunker, type NodeChunkOf } from 'reframer';

export async function run(): Promise<number> {
  let n = 0;
  for await (const chunk of chunkerStream({ size: 4, type: 'int16' })) {
    const typed: Int16Array = chunk;
    // @ts-expect-error an int16 chunk is not a Buffer
    const wrong: Buffer = chunk;
    n += typed.length + wrong.length;
  }
  chunkerStream(64).on('data', (chunk) => { const b: Buffer = chunk; n += b.length; });
  chunkerStream({ size: 8, batch: true }).once('data', (batch) => { const bs: Buffer[] = batch; n += bs.length; });
  chunkerStream(64).on('error', (error) => { const e: Error = error; n += e.message.length; });
  const transform: ChunkerTransform<'float32'> = chunkerStream({ size: 2, type: 'float32' });
  await pipeline(Readable.from([new Float32Array(4)]), transform, async (source: AsyncIterable<unknown>) => {
    for await (const item of source) n += (item as Float32Array).length;
  });
  const chunk: NodeChunkOf<'uint8'> = Buffer.alloc(1);
  const sync: Float64Array[] = new Chunker({ size: 2, type: 'float64' }).push(new Float64Array(4));
  for await (const c of chunks([new Uint8Array(4)], 2)) n += c.length;
  return n + chunk.length + sync.length;
}
`);
run('types: Node project under moduleResolution bundler (no customConditions)', process.execPath, [tsc, '-p', nodeBundler]);

// 4. A CommonJS project under module node16: types for require, and require itself (Node ≥ 20.19).
const cjs = join(project, 'cjs-app');
mkdirSync(cjs);
writeFileSync(join(cjs, 'package.json'), JSON.stringify({ type: 'commonjs' }));
writeFileSync(join(cjs, 'tsconfig.json'), JSON.stringify({
  compilerOptions: {
    target: 'es2022', module: 'node16', moduleResolution: 'node16', lib: ['es2022'], types: ['node'],
    strict: true, skipLibCheck: false, outDir: 'out',
  },
  include: ['main.cts'],
}));
writeFileSync(join(cjs, 'main.cts'), `
import { Chunker, chunkerStream, backend } from 'reframer';
import { ChunkerStream } from 'reframer/browser';
const chunks: Uint8Array[] = new Chunker(4).push(new Uint8Array(9));
const transform: import('node:stream').Transform = chunkerStream(4);
const pair = new ChunkerStream(4);
console.log(JSON.stringify({ chunks: chunks.length, backend, transform: typeof transform.write, pair: typeof pair.readable }));
`);
if (run('types: CommonJS project (module node16)', process.execPath, [tsc, '-p', cjs]) !== undefined) {
  // REFRAME_BACKEND=js: the scratch copy has no addon build; which core loads is not this check's business.
  const out = run('require() of the package from CommonJS', process.execPath, [join(cjs, 'out/main.cjs')],
    { cwd: cjs, env: { ...process.env, REFRAME_BACKEND: 'js' } });
  if (out !== undefined && out.trim() !== JSON.stringify({ chunks: 2, backend: 'js', transform: 'function', pair: 'object' })) {
    failures.push(`require() of the package from CommonJS printed ${out.trim()}`);
  }
}

// 5. Every shipped source map resolves: each of its sources is inlined (sourcesContent) or shipped.
const maps = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.js.map'));
const unresolved = [];
for (const map of maps) {
  const path = join(project, 'node_modules/reframer', map.replace(/^package\//, ''));
  const { sources, sourcesContent = [] } = JSON.parse(readFileSync(path, 'utf8'));
  sources.forEach((source, i) => {
    if (typeof sourcesContent[i] !== 'string' && !existsSync(join(dirname(path), source))) unresolved.push(`${map}: ${source}`);
  });
}
if (maps.length === 0) unresolved.push('the tarball has no source maps (has the build changed?)');
if (unresolved.length > 0) failures.push(`source maps that do not resolve:\n${unresolved.join('\n')}`);
else console.log(`check-package: ${maps.length} source maps resolve: ok`);

// 6. The README's and the shipped docs' relative links and images resolve inside the tarball.
checkDocLinks();

// 7. Node resolves `import 'reframer'` to the Node entry (the stream face is there).
const esm = run('import of the package from an ES module', process.execPath, ['--input-type=module', '-e',
  "import * as reframer from 'reframer'; console.log(typeof reframer.chunkerStream, reframer.backend);"],
{ cwd: project, env: { ...process.env, REFRAME_BACKEND: 'js' } });
if (esm !== undefined && esm.trim() !== 'function js') failures.push(`import of the package from an ES module printed ${esm.trim()}`);

/**
 * What a reader of the installed package (node_modules, or npm's file view) meets: every relative link
 * and image (Markdown inline and reference links, HTML src/href) of README.md and of every shipped
 * Markdown file under docs/ must name a file or folder in the tarball, inside the package; a
 * `#fragment` on a Markdown target must be one of its headings (GitHub's anchors). Fenced code and
 * code spans are not links. Absolute URLs are not checked here.
 */
function checkDocLinks() {
  const shipped = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n')
    .filter((f) => f.startsWith('package/') && !f.endsWith('/')).map((f) => f.slice('package/'.length));
  const files = new Set(shipped);
  const folders = new Set(shipped.flatMap((f) => f.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  const root = join(project, 'node_modules/reframer');
  const read = (file) => readFileSync(join(root, file), 'utf8');
  const sources = shipped.filter((f) => f === 'README.md' || (f.startsWith('docs/') && f.endsWith('.md')));
  const broken = [];
  let count = 0;
  for (const source of sources) {
    for (const { target, line } of markdownLinks(read(source))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // absolute
      count++;
      const [rawPath, fragment] = target.split('#', 2);
      const path = rawPath === '' ? source : posix.normalize(posix.join(posix.dirname(source), decodeURIComponent(rawPath))).replace(/\/$/, '');
      const where = `${source}:${line}: ${target}`;
      if (path.startsWith('../') || path === '..') broken.push(`${where} leaves the package`);
      else if (!files.has(path) && !folders.has(path)) broken.push(`${where}: ${path} is not in the tarball`);
      else if (fragment && path.endsWith('.md') && files.has(path) && !headingAnchors(read(path)).has(fragment)) {
        broken.push(`${where}: ${path} has no heading #${fragment}`);
      }
    }
  }
  if (!sources.includes('README.md')) broken.push('the tarball has no README.md');
  if (count === 0) broken.push('no relative link found in README.md or docs/ (has the check stopped reading them?)');
  if (broken.length > 0) failures.push(`links and images that do not resolve inside the package:\n${broken.join('\n')}`);
  else console.log(`check-package: ${count} relative links and images of ${sources.join(', ')} resolve inside the tarball: ok`);
}

/** The lines of a Markdown text outside fenced code blocks, with code spans blanked; [line number, text]. */
function proseLines(markdown) {
  const out = [];
  let fence;
  markdown.split('\n').forEach((text, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return;
    }
    if (marker) {
      fence = marker;
      return;
    }
    out.push([i + 1, text.replace(/(`+)[^`]*?\1/g, '')]);
  });
  return out;
}

/** Link and image targets of a Markdown text: inline `[x](t)`, `![x](t)`, definitions `[x]: t`, HTML src/href. */
function markdownLinks(markdown) {
  const links = [];
  for (const [line, text] of proseLines(markdown)) {
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: m[1], line });
    for (const m of text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/g)) links.push({ target: m[1], line });
    for (const m of text.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)) links.push({ target: m[1], line });
  }
  return links;
}

/** GitHub's anchors for the headings of a Markdown text (and explicit `<a id>`/`<a name>` anchors). */
function headingAnchors(markdown) {
  const anchors = new Set();
  const seen = new Map();
  for (const [, text] of proseLines(markdown)) {
    for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  }
  let fence;
  for (const text of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const plain = heading[1].replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const base = plain.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

// 7. reframer/polyfill where web-streams-polyfill is not installed: a coded error naming the install
// command, from import and from require; then, with it installed, the fallback registered (a pair
// built where the platform has no streams is the ponyfill's).
const POLYFILL_PROBE = (load) => `
  let outcome;
  try { ${load}; outcome = 'loaded'; } catch (e) { outcome = { code: e.code, command: String(e.message).includes('npm install web-streams-polyfill') }; }
  delete globalThis.ReadableStream; delete globalThis.WritableStream; delete globalThis.TransformStream;
  let pair;
  try {
    const { ChunkerStream } = require('reframer');
    const readable = new ChunkerStream(4).readable;
    pair = readable instanceof require('web-streams-polyfill').ReadableStream ? 'ponyfill' : 'other'; // the CommonJS build: src/polyfill.cts
  } catch (e) { pair = e.code; }
  console.log(JSON.stringify({ outcome, pair }));
`;
const probes = {
  require: ['-e', POLYFILL_PROBE("require('reframer/polyfill')")],
  import: ['--input-type=module', '-e', `import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/');\n` +
    POLYFILL_PROBE("await import('reframer/polyfill')")],
};
const missing = { outcome: { code: 'ERR_REFRAME_NO_POLYFILL', command: true }, pair: 'ERR_REFRAME_NO_STREAMS' };
const present = { outcome: 'loaded', pair: 'ponyfill' };
for (const [installed, want] of [[false, missing], [true, present]]) {
  if (installed) symlinkSync(join(repo, 'node_modules', 'web-streams-polyfill'), join(project, 'node_modules', 'web-streams-polyfill'), 'dir');
  for (const [how, args] of Object.entries(probes)) {
    const what = `${how} of reframer/polyfill ${installed ? 'with' : 'without'} web-streams-polyfill`;
    const out = run(what, process.execPath, args, { cwd: project, env: { ...process.env, REFRAME_BACKEND: 'js' } });
    if (out !== undefined && out.trim() !== JSON.stringify(want)) failures.push(`${what} printed ${out.trim()}, expected ${JSON.stringify(want)}`);
  }
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`check-package: ${failure}`);
  console.error(`check-package: the scratch project is kept in ${project}`);
  process.exit(1);
}
console.log(`check-package: ok (the tarball: ${readFileSync(tarball).byteLength} B)`);
rmSync(project, { recursive: true, force: true });
