// Runs the docs' runnable blocks (issue 14; the convention is at the top of test/docs-run.test.ts).
// A DocSandbox is one temporary directory holding node_modules/reframer, a symbolic link to this
// checkout, so a block imports 'reframer' by name and Node resolves it the way it resolves an installed
// package: through package.json "exports" (the "node" condition: dist/index.js, the default core). Each
// run gets a fresh working directory inside it with the stand-in files, and its own Node process with
// the stand-in globals preloaded, a time bound and the core chosen by REFRAME_BACKEND.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transform } from 'esbuild';
import { STANDIN_DECLARATIONS, writeStandinFiles } from './doc-standins.mjs';
import { normalizeOutput, type RunnableBlock } from './markdown-blocks.js';
import { runProcess, type ChildRun } from './child.js';
import { scaled } from './util.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PRELOAD = `${pathToFileURL(fileURLToPath(new URL('./doc-standins.mjs', import.meta.url))).href}?install`;

/** The time bound of one block's process, in ms (stretched under test:asan, as every bound is). */
export const RUN_TIMEOUT = scaled(15_000);

export interface BlockRun extends ChildRun {
  /** The core the process ran on ('native' or 'js', its REFRAME_BACKEND). */
  backend: string;
  timeout: number;
  /** Wall time of the process (compiling a ts block not included), in ms. */
  ms: number;
}

/**
 * The block's code as a file whose line numbers are the markdown's: it starts with one empty line
 * per markdown line before the block's first line, so a stack trace points into the markdown. A ts
 * block is compiled by esbuild (types stripped, nothing checked), with an inline source map for the same.
 */
async function moduleText(block: RunnableBlock): Promise<string> {
  const padded = '\n'.repeat(block.line) + block.code + '\n';
  if (block.lang === 'js') return padded;
  const { code } = await transform(padded, { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', sourcefile: block.file });
  return code;
}

export class DocSandbox {
  readonly dir: string;
  #runs = 0;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reframe-docs-'));
    fs.mkdirSync(path.join(this.dir, 'node_modules'));
    // 'junction': a directory link Windows makes without privileges; elsewhere the type is ignored.
    fs.symlinkSync(ROOT, path.join(this.dir, 'node_modules', 'reframer'), 'junction');
  }

  /**
   * Runs `block` in a fresh working directory with the stand-ins, as `node --import doc-standins.mjs?install <block>`;
   * `bare`: as a user who pasted it into a file of an empty project runs it, with no stand-in global or file.
   */
  async run(block: RunnableBlock, { backend, timeout = RUN_TIMEOUT, bare = false }: { backend: string; timeout?: number; bare?: boolean }): Promise<BlockRun> {
    const cwd = path.join(this.dir, `run-${++this.#runs}`);
    fs.mkdirSync(cwd);
    try {
      if (!bare) writeStandinFiles(cwd);
      const script = path.join(cwd, `${path.basename(block.file)}.mjs`);
      fs.writeFileSync(script, await moduleText(block));
      const args = [...(block.lang === 'ts' ? ['--enable-source-maps'] : []), ...(bare ? [] : ['--import', PRELOAD]), script];
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', REFRAME_BACKEND: backend };
      delete env.FORCE_COLOR;
      const started = performance.now();
      const run = await runProcess(args, { cwd, env, timeout });
      return { ...run, backend, timeout, ms: performance.now() - started };
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  }

  /**
   * Type-checks `blocks` (their ts ones) in one TypeScript program, with tsconfig.json's compiler
   * options, against the package's own types (dist/*.d.ts through node_modules/reframer, as a user's
   * project sees them) and the stand-ins' declarations. Returns each block's errors as
   * `<file>:<line>:<column> TS<code>: <message>`; an error outside every block is given to all of them.
   */
  async typecheck(blocks: readonly RunnableBlock[]): Promise<Map<RunnableBlock, string[]>> {
    const { default: ts } = await import('typescript');
    const dir = fs.mkdtempSync(path.join(this.dir, 'typecheck-'));
    const standins = path.join(dir, 'doc-standins.d.ts');
    fs.writeFileSync(standins, STANDIN_DECLARATIONS);
    const byFile = new Map<string, RunnableBlock>();
    for (const block of blocks) {
      if (block.lang !== 'ts') continue;
      // .mts: an ES module whatever the directory, so top-level await type-checks as it runs.
      const file = path.join(dir, `${byFile.size}-${path.basename(block.file)}-${block.line}.mts`);
      fs.writeFileSync(file, '\n'.repeat(block.line) + block.code + '\n');
      byFile.set(file, block);
    }
    const errors = new Map<RunnableBlock, string[]>([...byFile.values()].map((b) => [b, []]));
    if (!byFile.size) return errors;

    const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.convertCompilerOptionsFromJson(config.config.compilerOptions, ROOT);
    const program = ts.createProgram([...byFile.keys(), standins], {
      ...options,
      noEmit: true,
      declaration: false,
      sourceMap: false,
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
    });
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      const block = diagnostic.file && byFile.get(path.resolve(diagnostic.file.fileName));
      if (block && diagnostic.start !== undefined) {
        const { line, character } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
        errors.get(block)!.push(`${block.file}:${line + 1}:${character + 1} ${message}`);
      } else {
        const where = diagnostic.file ? `${diagnostic.file.fileName}: ` : '';
        for (const list of errors.values()) list.push(`${where}${message}`);
      }
    }
    return errors;
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Why `run` of `block` failed, naming the block's file and line, with its stdout and stderr; undefined
 * when it passed: exit code 0, nothing on stderr, and stdout equal to the block's `text output` if it has one.
 */
export function verdict(block: RunnableBlock, run: BlockRun): string | undefined {
  const why: string[] = [];
  if (run.timedOut) why.push(`overran its ${run.timeout} ms time bound`);
  else if (run.signal) why.push(`died of ${run.signal}`);
  else if (run.code !== 0) why.push(`exited with code ${run.code}`);
  if (run.stderr !== '') why.push('wrote to stderr');
  const mismatch = block.output !== undefined && normalizeOutput(run.stdout) !== normalizeOutput(block.output.text);
  if (mismatch) why.push(`printed other than its output block (${block.file}:${block.output!.line})`);
  if (!why.length) return undefined;
  const section = (title: string, text: string) => `--- ${title}\n${text.replace(/\n$/, '')}${text ? '\n' : ''}`;
  return `${block.file}:${block.line} (${block.lang} run, ${run.backend} core) ${why.join(', ')}\n` +
    (mismatch ? section('expected stdout', block.output!.text) : '') +
    section('stdout', run.stdout) +
    section('stderr', run.stderr);
}
