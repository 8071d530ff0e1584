// The API reference (docs/api.md, issue 14): regenerated in memory from the .d.ts files `pretest`
// built, it must equal the checked-in file; every export of every entry has its section; every
// exported declaration and member has a JSDoc summary. A tiny inline .d.ts pins what the renderer
// makes of overloads, an optional documented property, a getter and an export two entries share.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEADER, OUTPUT, RUNTIME_KINDS, entriesOf, generate, render, slugger, type Reference } from '../scripts/api-doc.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: unknown };
const ENTRIES = entriesOf(pkg);

/** `### kind name` headings of a reference, as "kind name" strings, in order. */
function sections(markdown: string): string[] {
  return [...markdown.matchAll(/^### (\w+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
}

/** The lines from `### heading` up to the next `##` or `###` heading. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`### ${heading}`);
  expect(start, `no section "### ${heading}"`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, i) => i > start && /^##{1,2} /.test(line));
  return `${lines.slice(start, end < 0 ? undefined : end).join('\n').trimEnd()}\n`;
}

describe(OUTPUT, () => {
  let reference: Reference;
  let checkedIn: string;

  beforeAll(() => {
    reference = generate(ROOT);
    checkedIn = readFileSync(join(ROOT, OUTPUT), 'utf8');
  });

  it('is what `npm run docs:api` generates from the built .d.ts files', () => {
    expect(checkedIn, `${OUTPUT} is out of date: run \`npm run docs:api\` and commit it`).toBe(reference.markdown);
  });

  it('every exported declaration and member has a JSDoc summary, every entry a note', () => {
    expect(reference.problems, 'add the JSDoc in src/, then run `npm run docs:api`').toEqual([]);
  });

  it('starts with the generated-file header, documents each declaration once, and has plain ```ts blocks', () => {
    expect(checkedIn.split('\n')[0]).toBe(HEADER);
    const headings = sections(checkedIn);
    expect(headings.length).toBeGreaterThan(0);
    expect(new Set(headings).size, 'a declaration documented twice').toBe(headings.length);
    expect(checkedIn).not.toMatch(/^\s*```\s*\w+\s+run\b/m); // those are executed by the README's example test
  });

  it('every link to a heading of the file resolves', () => {
    const slug = slugger();
    const anchors = new Set<string>();
    let fence = false;
    for (const line of checkedIn.split('\n')) {
      if (/^\s*```/.test(line)) fence = !fence;
      if (!fence && /^#{1,6} /.test(line)) anchors.add(slug(line.replace(/^#+ /, '')));
    }
    const links = [...checkedIn.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((anchor) => !anchors.has(anchor))).toEqual([]);
  });

  it('covers every types file in package.json "exports"', () => {
    expect(reference.entries.map((e) => e.file)).toEqual(ENTRIES.map((e) => e.file));
    expect(ENTRIES.map((e) => e.file)).toEqual(expect.arrayContaining(['dist/index.d.ts', 'dist/browser.d.ts', 'dist/polyfill.d.ts']));
  });

  describe.each(ENTRIES.map((e) => e.file))('%s', (file) => {
    it('every runtime export of the built entry has its section', async () => {
      const module = await import(pathToFileURL(join(ROOT, file.replace(/\.d\.ts$/, '.js'))).href) as Record<string, unknown>;
      const names = Object.keys(module).filter((name) => name !== 'default').sort();
      const headings = sections(checkedIn);
      const missing = names.filter((name) => !RUNTIME_KINDS.some((kind) => headings.includes(`${kind} ${name}`)));
      expect(missing, `exports of ${file} without a "### <kind> <name>" section`).toEqual([]);
      const entry = reference.entries.find((e) => e.file === file)!;
      expect(entry.exports.filter((d) => RUNTIME_KINDS.includes(d.kind)).map((d) => d.name).sort()).toEqual(names);
    });

    it('every export in the .d.ts has its section', () => {
      // Read with the compiler directly, not through the script: the export list it must cover.
      const path = join(ROOT, file);
      const program = ts.createProgram([path], { noLib: true, types: [], module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
      const checker = program.getTypeChecker();
      const symbol = checker.getSymbolAtLocation(program.getSourceFile(path)!);
      const names = symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : [];
      const headings = new Set(sections(checkedIn).map((h) => h.split(' ')[1]));
      expect(names.filter((name) => !headings.has(name)), `exports of ${file} without a section`).toEqual([]);
      if (file === 'dist/index.d.ts') expect(names).toEqual(expect.arrayContaining(['Chunker', 'chunkerStream', 'ChunkerOptions']));
    });
  });
});

describe('api-doc renderer', () => {
  const root = '/api-doc-fixture';
  const FIXTURE = `\
/** Adds two numbers. */
export declare function add(a: number, b: number): number;
/**
 * Joins two strings.
 * @param a - the first
 * @returns \`a\` then \`b\`
 * @example
 * add('a', 'b'); // 'ab'
 * @see {@link Options}
 */
export declare function add(a: string, b: string): string;
/** Options of the fixture. */
export interface Options {
    /** Samples per chunk. */
    size: number;
    /**
     * How many at once.
     * @default 1
     */
    count?: number;
}
/**
 * A box of samples.
 *
 * \`\`\`ts run
 * new Box(1);
 * \`\`\`
 */
export declare class Box {
    #private;
    /** @throws RangeError for a negative size. */
    constructor(size: number);
    /** Samples in the box. */
    get size(): number;
}
`;
  const MORE = `export * from './index.js';\n/** Only in the second entry. */\nexport declare const extra: number;\n`;
  const entries = [
    { file: 'index.d.ts', routes: [{ specifier: 'fixture', conditions: [''] }] },
    { file: 'more.d.ts', routes: [{ specifier: 'fixture/more', conditions: [''] }] },
  ];
  const notes = { 'index.d.ts': { where: 'everywhere', text: 'The fixture.' }, 'more.d.ts': { where: '', text: 'More.' } };
  const fixture = (index: string) => render({ root, entries, notes, files: { 'index.d.ts': index, 'more.d.ts': MORE } });

  it('renders each overload with its own signature and JSDoc; @param, @returns, @example and @see as Markdown', () => {
    const { markdown, problems } = fixture(FIXTURE);
    expect(problems).toEqual([]);
    expect(section(markdown, 'function add')).toBe(`\
### function add

\`\`\`ts
function add(a: number, b: number): number;
\`\`\`

Adds two numbers.

\`\`\`ts
function add(a: string, b: string): string;
\`\`\`

Joins two strings.

**Parameters:**

- \`a\`: the first

**Returns:** \`a\` then \`b\`

**Example:**

\`\`\`ts
add('a', 'b'); // 'ab'
\`\`\`

**See:** [\`Options\`](#interface-options)

*Exported by* [\`fixture\` everywhere](#fixture-everywhere), [\`fixture/more\`](#fixturemore).
`);
  });

  it('lists an interface\'s properties with type, optional marker, JSDoc and @default', () => {
    const text = section(fixture(FIXTURE).markdown, 'interface Options');
    expect(text).toContain('```ts\ninterface Options {\n    size: number;\n    count?: number;\n}\n```');
    expect(text).toContain('- `size: number`: Samples per chunk.\n');
    expect(text).toContain('- `count?: number` *(optional)*: How many at once.\n\n  **Default:** `1`\n');
  });

  it('shows a class without its private fields, and each member (a getter, the constructor\'s @throws) under its own heading', () => {
    const text = section(fixture(FIXTURE).markdown, 'class Box');
    expect(text).toContain('```ts\nclass Box {\n    constructor(size: number);\n    get size(): number;\n}\n```');
    expect(text).not.toContain('#private');
    expect(text).toContain('A box of samples.\n\n```ts\nnew Box(1);\n```\n'); // never ```ts run: the README test runs those
    expect(text).toContain('#### `new Box(size)`\n\n```ts\nconstructor(size: number);\n```\n\n**Throws:** RangeError for a negative size.\n');
    expect(text).toContain('#### `size`\n\n```ts\nget size(): number;\n```\n\nSamples in the box.\n');
  });

  it('documents an export two entries share once, and says what the larger entry adds', () => {
    const { markdown } = fixture(FIXTURE);
    expect(sections(markdown)).toEqual(['class Box', 'function add', 'const extra', 'interface Options']);
    expect(markdown).toContain('Everything [`fixture` everywhere](#fixture-everywhere) exports, and:\n\n' +
      '| Export | Kind | Summary |\n|---|---|---|\n| [`extra`](#const-extra) | const | Only in the second entry. |\n');
  });

  it('reports a declaration or member without a JSDoc summary', () => {
    const bare = FIXTURE.replace('/** Adds two numbers. */\n', '').replace('    /** Samples per chunk. */\n', '');
    expect(fixture(bare).problems).toEqual(['add (overload 1): no JSDoc summary', 'Options.size: no JSDoc summary']);
  });

  it('reads the entries from package.json "exports": one per types file, .d.cts twins folded in', () => {
    expect(entriesOf({
      name: 'p',
      exports: {
        '.': {
          node: { import: { types: './dist/a.d.ts' }, require: { types: './dist/a.d.cts' } },
          default: { types: './dist/b.d.ts', default: './dist/b.js' },
        },
        './b': { import: { types: './dist/b.d.ts' }, require: { types: './dist/b.d.cts' } },
        './package.json': './package.json',
      },
    })).toEqual([
      { file: 'dist/a.d.ts', routes: [{ specifier: 'p', conditions: ['node'] }] },
      { file: 'dist/b.d.ts', routes: [{ specifier: 'p', conditions: ['default'] }, { specifier: 'p/b', conditions: [''] }] },
    ]);
  });
});
