// Docs that run (issue 14): every runnable code block of README.md and docs/**/*.md runs as its own
// program, so an example that drifts from the API fails the suite. test/fixtures/docs-sample.md is run
// the same way: the harness's own sample, using every face and every stand-in.
//
// The convention, for whoever writes the docs:
//
// - A runnable block is a fenced block (``` or ~~~) whose info string is exactly `js run` or `ts run`.
//   Other js/ts blocks are illustrations and do not run. An info string that looks like a run marker
//   but is not exactly one (`js runnable`, `JS run`, `javascript run`, `sh run`) fails the file's
//   "markers" test, as do a mistyped `text output`, an output block that follows no runnable block,
//   and a fence never closed (test/support/markdown-blocks.ts).
// - An optional `text output` block right after a runnable block (only blank lines between) is what
//   the block must print on stdout: trailing spaces of lines and trailing blank lines do not count.
//   Without one, stdout is not checked.
// - Each block is a complete ES module: it imports what it uses from 'reframer' or from node: modules.
//   It imports 'reframer' by name, as a user does: the block runs from a temporary directory whose
//   node_modules/reframer is a symbolic link to this checkout, so the package's "exports" resolve it
//   (dist/index.js, built by `npm test`'s pretest; rebuilt here when src/ is newer).
// - A `ts run` block is compiled by esbuild (types stripped), and all `ts run` blocks are type-checked
//   together in one TypeScript program with tsconfig.json's options (strict, verbatimModuleSyntax:
//   write `import { type X }` for types) against the package's own .d.ts files, as a user's project
//   sees them. A type error fails the block's test with its markdown file and line.
// - README.md's blocks run bare: no stand-in below, an empty working directory, as a user who pastes
//   a block into a file of an empty project meets it (issue 21). A README block makes its own input
//   (writes a small file, starts a local server, `new Response(bytes)`, a generator).
// - Other docs' blocks may use stand-ins (test/support/doc-standins.mjs), defined before the block
//   runs, so it uses them without declaring them:
//     socket    a Node Readable of bytes, like a net.Socket: 200 MPEG-TS packets (188 bytes, 0x47 then
//               byte j of packet i = (i + j) & 0xff) in segments of 1, 100, 1460, 7, 4000… bytes, then ends
//     response  a WHATWG Response whose body streams 65,536 bytes (byte k = k & 0xff) in uneven pieces
//     handle(chunk)  counts one chunk in handle.count; throws a TypeError unless given one Uint8Array
//   and in the working directory, a fresh temporary directory for each run:
//     recording.ts  1,000 such MPEG-TS packets (188,000 bytes)
//     samples.cf32  8,192 complex64 samples (float32 re, im; 65,536 bytes), sample n = (cos 2πn/64, sin 2πn/64)
//     input.bin     100,000 bytes, byte k = (k · 31 + 7) & 0xff
// - Each block runs in its own Node process (this Node), within 15 s, once on each core this machine
//   has (REFRAME_BACKEND=native and =js, side by side), and fails on a non-zero exit, anything on
//   stderr (a warning too), or stdout other than its output block. A stack trace's line numbers are
//   the markdown file's.
//
// One test per block, named <file>:<line> (the line of its opening fence).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend as installed } from '../src/index.js';
import { ensureDist } from './support/child.js';
import { DocSandbox, RUN_TIMEOUT, verdict, type BlockRun } from './support/doc-runner.js';
import {
  makeHandle, makeResponse, makeSocket, responseBytes, RESPONSE_PIECES, SOCKET_SEGMENTS, tsPackets,
} from './support/doc-standins.mjs';
import { extractBlocks, type RunnableBlock } from './support/markdown-blocks.js';
import { scaled } from './support/util.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BACKENDS = installed === 'native' ? ['native', 'js'] : ['js'];
const FIXTURE = 'test/fixtures/docs-sample.md';
/** Files whose blocks run with no stand-ins: what a user copies first. */
const BARE_FILES = new Set(['README.md']);

/** README.md and docs/**\/*.md (repository-relative paths), then the harness's own sample. */
function docFiles(): string[] {
  const docs = fs.existsSync(path.join(ROOT, 'docs'))
    ? fs.readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.md')).map((f) => path.posix.join('docs', f.split(path.sep).join('/'))).sort()
    : [];
  return ['README.md', ...docs, FIXTURE];
}

const FILES = docFiles().map((file) => ({ file, ...extractBlocks(fs.readFileSync(path.join(ROOT, file), 'utf8'), file) }));
const ALL_BLOCKS = FILES.flatMap((f) => f.blocks);

let sandbox: DocSandbox;
beforeAll(() => {
  ensureDist();
  sandbox = new DocSandbox();
});
afterAll(() => sandbox?.dispose());

/** The type errors of the `ts run` blocks of every file, found once, by the first ts block's test to ask. */
let typeErrors: Promise<Map<RunnableBlock, string[]>> | undefined;

/** Runs `block` on each core; resolves with every failure (type errors first). */
async function failuresOf(block: RunnableBlock): Promise<string[]> {
  const failures: string[] = [];
  if (block.lang === 'ts') {
    const errors = (await (typeErrors ??= sandbox.typecheck(ALL_BLOCKS))).get(block) ?? [];
    if (errors.length) failures.push(`${block.file}:${block.line} (ts run) does not type-check:\n${errors.join('\n')}`);
  }
  const bare = BARE_FILES.has(block.file);
  const runs = await Promise.all(BACKENDS.map((backend) => sandbox.run(block, { backend, bare })));
  for (const run of runs) {
    const failure = verdict(block, run);
    if (failure) failures.push(failure);
  }
  return failures;
}

for (const { file, blocks, problems } of FILES) {
  describe(file, () => {
    it(`${file}: markers and fences`, () => {
      expect(problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([]);
    });

    for (const block of blocks) {
      it(`${file}:${block.line}`, async () => {
        const failures = await failuresOf(block);
        if (failures.length) throw new Error(failures.join('\n\n'));
      }, RUN_TIMEOUT + 15_000);
    }
  });
}

describe('guards against passing vacuously', () => {
  // Until README.md has runnable blocks this fails on purpose: a harness that finds nothing to run
  // would otherwise pass while the docs drift.
  it('README.md has runnable blocks', () => {
    expect(FILES.find((f) => f.file === 'README.md')!.blocks.length).toBeGreaterThan(0);
  });

  it(`${FIXTURE} runs a block of each language, and each checks its output`, () => {
    const sample = FILES.find((f) => f.file === FIXTURE)!.blocks;
    expect(sample.length).toBeGreaterThanOrEqual(5);
    expect(new Set(sample.map((b) => b.lang))).toEqual(new Set(['js', 'ts']));
    expect(sample.filter((b) => !b.output)).toEqual([]);
  });
});

describe('the runner', () => {
  const block = (code: string, { lang = 'js', output }: { lang?: 'js' | 'ts'; output?: string } = {}): RunnableBlock => ({
    file: 'unit.md', line: 10, lang, code, ...(output === undefined ? {} : { output: { line: 20, text: output } }),
  });
  const run = (b: RunnableBlock, timeout?: number): Promise<BlockRun> => sandbox.run(b, { backend: BACKENDS[0], timeout });

  it('passes a block that imports reframer by name, prints its output block and exits 0', async () => {
    const b = block("import { Chunker } from 'reframer';\nconsole.log(new Chunker(4).push(new Uint8Array(9)).length);  ", { output: '2\n\n' });
    const result = await run(b);
    expect(verdict(b, result)).toBeUndefined();
  });

  it('runs a ts block with its types stripped; a block without an output block may print anything', async () => {
    const b = block("import { Chunker } from 'reframer';\nconst n: number = new Chunker<'int16'>({ size: 2, type: 'int16' }).push(new Int16Array(5)).length;\nconsole.log(n);", { lang: 'ts' });
    const result = await run(b);
    expect(verdict(b, result)).toBeUndefined();
    expect(result.stdout).toBe('2\n');
  });

  it('runs on the core REFRAME_BACKEND names', async () => {
    const b = block("import { backend } from 'reframer';\nconsole.log(backend);");
    for (const backend of BACKENDS) expect((await sandbox.run(b, { backend })).stdout).toBe(`${backend}\n`);
  });

  it('a wrong output fails, showing both outputs and naming the output block', async () => {
    const b = block('console.log("66 records");', { output: '65 records' });
    const message = verdict(b, await run(b));
    expect(message).toMatch(/^unit\.md:10 \(js run, \w+ core\) printed other than its output block \(unit\.md:20\)\n/);
    expect(message).toContain('--- expected stdout\n65 records\n--- stdout\n66 records\n');
  });

  it('a thrown error fails, with the stack trace pointing at the markdown line', async () => {
    const b = block("import { Chunker } from 'reframer';\nnew Chunker({ sise: 64 });");
    const result = await run(b);
    const message = verdict(b, result);
    expect(message).toMatch(/^unit\.md:10 \(js run, \w+ core\) exited with code 1, wrote to stderr\n/);
    expect(result.stderr).toContain('ERR_REFRAME_OPTION');
    expect(result.stderr).toContain('unit.md.mjs:12');
  });

  it('a ts block that throws points at the markdown line too (source map)', async () => {
    const b = block('const size: number = 0;\n\nthrow new Error(`size ${size}`);', { lang: 'ts' });
    const result = await run(b);
    expect(verdict(b, result)).toContain('exited with code 1');
    expect(result.stderr).toMatch(/unit\.md:13\b/);
  });

  it('a hang fails at the time bound', async () => {
    const b = block('setInterval(() => {}, 1000);');
    const result = await run(b, scaled(1000));
    expect(result.timedOut).toBe(true);
    expect(verdict(b, result)).toMatch(new RegExp(`^unit\\.md:10 \\(js run, \\w+ core\\) overran its ${scaled(1000)} ms time bound\n`));
  });

  it('a promise that never settles fails (Node exits 13)', async () => {
    const b = block('await new Promise(() => {});');
    expect(verdict(b, await run(b))).toMatch(/^unit\.md:10 \(js run, \w+ core\) exited with code 13/);
  });

  it('anything on stderr fails, even with exit code 0 and the right output', async () => {
    const b = block('console.log("ok"); console.warn("careful");', { output: 'ok' });
    expect(verdict(b, await run(b))).toMatch(/^unit\.md:10 \(js run, \w+ core\) wrote to stderr\n[^]*--- stderr\ncareful\n$/);
  });

  it('a bare run (README.md\'s blocks) has no stand-in global and an empty working directory', async () => {
    const b = block([
      "import fs from 'node:fs';",
      "console.log(typeof socket, typeof response, typeof handle, fs.readdirSync('.').filter((f) => !f.endsWith('.mjs')).length);",
    ].join('\n'), { output: 'undefined undefined undefined 0' });
    expect(verdict(b, await sandbox.run(b, { backend: BACKENDS[0], bare: true }))).toBeUndefined();
    expect(verdict(b, await run(b))).toBeDefined(); // with the stand-ins it sees them
  });

  it('a block sees the stand-ins: globals, and the files in its own working directory', async () => {
    const b = block([
      "import fs from 'node:fs';",
      'console.log(typeof socket.pipe, response instanceof Response, handle.count);',
      "console.log(fs.readdirSync('.').filter((f) => !f.endsWith('.mjs')).sort().map((f) => `${f} ${fs.statSync(f).size}`).join(', '));",
      "fs.writeFileSync('left-behind', 'x');",
    ].join('\n'), { output: 'function true 0\ninput.bin 100000, recording.ts 188000, samples.cf32 65536' });
    expect(verdict(b, await run(b))).toBeUndefined();
    expect(verdict(b, await run(b))).toBeUndefined(); // a fresh directory: 'left-behind' is gone
  });

  it('type errors name the markdown file, line and column', async () => {
    const good = block("import { Chunker } from 'reframer';\nconst c = new Chunker(4);\nhandle(c.push(new Uint8Array(4))[0]);", { lang: 'ts' });
    const bad = { ...block("import { Chunker } from 'reframer';\nconst pending: string = new Chunker(4).pending;\nsocket.pipe(process.stdout);", { lang: 'ts' }), line: 30 };
    const errors = await sandbox.typecheck([good, bad, block('not checked: js', { lang: 'js' })]);
    expect(errors.get(good)).toEqual([]);
    expect(errors.get(bad)).toEqual([expect.stringMatching(/^unit\.md:32:7 TS2322: Type 'number' is not assignable to type 'string'/)]);
    expect(errors.size).toBe(2);
  });
});

describe('the stand-ins', () => {
  it('socket: 200 TS packets in segments of the cycling sizes, one per read, then the end', async () => {
    const seen: number[] = [];
    const received: Buffer[] = [];
    const socket = makeSocket();
    socket.on('data', (segment: Buffer) => {
      seen.push(segment.length);
      received.push(segment);
    });
    await new Promise((resolve) => socket.on('end', resolve));
    expect(Buffer.concat(received)).toEqual(Buffer.from(tsPackets(200)));
    const expected: number[] = [];
    for (let left = 200 * 188, k = 0; left > 0; k++) {
      expected.push(Math.min(left, SOCKET_SEGMENTS[k % SOCKET_SEGMENTS.length]));
      left -= expected.at(-1)!;
    }
    expect(seen).toEqual(expected);
  });

  it('tsPackets: 0x47, then byte j of packet i is (i + j) & 0xff', () => {
    const bytes = tsPackets(300);
    expect(bytes.length).toBe(300 * 188);
    expect(bytes[299 * 188]).toBe(0x47);
    expect(bytes[299 * 188 + 1]).toBe(300 & 0xff);
    expect(bytes[257 * 188 + 187]).toBe((257 + 187) & 0xff);
  });

  it('response: 65,536 bytes, byte k = k & 0xff, in pieces of the cycling sizes', async () => {
    const response = makeResponse();
    const sizes: number[] = [];
    const received: Uint8Array[] = [];
    for await (const piece of response.body!) {
      sizes.push(piece.length);
      received.push(piece);
    }
    expect(Buffer.concat(received)).toEqual(Buffer.from(responseBytes()));
    expect(responseBytes()[300]).toBe(300 & 0xff);
    expect(sizes.slice(0, RESPONSE_PIECES.length)).toEqual(RESPONSE_PIECES);
  });

  it('handle: counts Uint8Array chunks (Buffers too), refuses anything else', () => {
    const handle = makeHandle();
    handle(new Uint8Array(4));
    handle(Buffer.alloc(4));
    expect(handle.count).toBe(2);
    expect(() => handle([new Uint8Array(4)] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => handle(new Float32Array(4) as unknown as Uint8Array)).toThrow(TypeError);
    expect(handle.count).toBe(2);
  });
});
