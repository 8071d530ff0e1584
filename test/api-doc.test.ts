// The API reference (docs/api.md, issue 14; TypeDoc since issue 21): TypeDoc, with typedoc.json's
// settings, regenerates it into a temporary directory and it must equal the checked-in file. The
// coverage checks read the package itself, not TypeDoc: every runtime export of every built entry and
// every export of every .d.ts in package.json "exports" has its section; every exported declaration,
// and every member of a class or interface that is not an override of a Node base class, has a
// JSDoc summary; the entry table names exactly what the Node entry adds to the browser one; each
// error code has its meaning; every link inside the file resolves.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Application, ReflectionKind, type DeclarationReflection, type ProjectReflection, type Reflection } from 'typedoc';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist } from './support/child.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUTPUT = 'docs/api.md';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };

/** Every `types` file package.json "exports" names, as its .d.ts (a .d.cts is the twin of its .d.ts). */
function typesFiles(): string[] {
  const files = new Set<string>();
  const visit = (target: unknown): void => {
    if (target === null || typeof target !== 'object') return;
    for (const [key, value] of Object.entries(target)) {
      if (key === 'types' && typeof value === 'string') files.add(value.replace(/^\.\//, '').replace(/\.d\.cts$/, '.d.ts'));
      else visit(value);
    }
  };
  visit(pkg.exports);
  return [...files];
}

/** The names a .d.ts exports, read with the compiler. */
function exportsOf(file: string): string[] {
  const path = join(ROOT, file);
  const program = ts.createProgram([path], { noLib: true, types: [], module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  const source = program.getSourceFile(path);
  if (source === undefined) throw new Error(`${file}: the compiler did not read it`);
  // A .d.ts without a module symbol has no exports TypeScript can see: a broken file, not an empty one.
  const symbol = program.getTypeChecker().getSymbolAtLocation(source);
  if (symbol === undefined) throw new Error(`${file}: TypeScript finds no module symbol`);
  return program.getTypeChecker().getExportsOfModule(symbol).map((s) => s.name).sort();
}

/** The names of the `### Name` / `### name()` sections of the reference. */
function sectionNames(markdown: string): string[] {
  return [...markdown.matchAll(/^### (\w+)(?:\(\))?$/gm)].map((m) => m[1]);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fence = !fence;
    if (fence) continue;
    const heading = /^#{1,6} (.*)$/.exec(line);
    if (heading) {
      const base = heading[1].toLowerCase().replace(/<[^>]*>/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n ? `${base}-${n}` : base);
    }
    for (const m of line.matchAll(/<a id="([^"]+)"/g)) anchors.add(m[1]);
  }
  return anchors;
}

/** Declarations and members that must carry a JSDoc summary, with the name of each that does not. */
function undocumented(project: ProjectReflection): string[] {
  const missing: string[] = [];
  const summary = (r: Reflection & { comment?: { summary: { text: string }[] } }): boolean =>
    (r.comment?.summary ?? []).some((part) => part.text.trim() !== '');
  const documented = (d: DeclarationReflection): boolean =>
    summary(d) || (d.signatures ?? []).some(summary) || (d.getSignature !== undefined && summary(d.getSignature));
  for (const declaration of project.children ?? []) {
    if (!documented(declaration)) missing.push(declaration.name);
    if (!declaration.kindOf(ReflectionKind.Class | ReflectionKind.Interface)) continue;
    for (const member of declaration.children ?? []) {
      // An override of a Node base class's hook (`_transform`, …) is documented by that class.
      if (member.inheritedFrom || member.overwrites || member.kindOf(ReflectionKind.Constructor)) continue;
      if (!documented(member)) missing.push(`${declaration.name}.${member.name}`);
    }
  }
  return missing;
}

/** TypeDoc as `npm run docs:api` runs it (typedoc.json), writing into `out` instead of docs/. */
async function typedoc(out: string): Promise<{ project: ProjectReflection; markdown: string }> {
  const app = await Application.bootstrapWithPlugins({ options: join(ROOT, 'typedoc.json'), out, logLevel: 'Warn' });
  const project = await app.convert();
  if (!project || app.logger.hasErrors() || app.logger.hasWarnings()) throw new Error('TypeDoc: conversion failed or warned');
  await app.generateOutputs(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) throw new Error('TypeDoc: writing the reference failed or warned');
  return { project, markdown: readFileSync(join(out, 'api.md'), 'utf8') };
}

describe(OUTPUT, () => {
  let out: string;
  let project: ProjectReflection;
  let generated: string;
  let checkedIn: string;

  beforeAll(async () => {
    ensureDist();
    out = mkdtempSync(join(tmpdir(), 'reframe-api-doc-'));
    ({ project, markdown: generated } = await typedoc(out));
    checkedIn = readFileSync(join(ROOT, OUTPUT), 'utf8');
  }, 120_000);
  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('is what `npm run docs:api` (TypeDoc) generates from the sources', () => {
    expect(checkedIn, `${OUTPUT} is out of date: run \`npm run docs:api\` and commit it`).toBe(generated);
  });

  it('every exported declaration, and every member of a class or interface, has a JSDoc summary', () => {
    expect(project.children?.length).toBeGreaterThan(0);
    expect(undocumented(project), 'add the JSDoc in src/, then run `npm run docs:api`').toEqual([]);
  });

  it('covers every types file in package.json "exports"', () => {
    expect(typesFiles().sort()).toEqual(['dist/browser.d.ts', 'dist/index.d.ts', 'dist/polyfill.d.ts']);
  });

  describe.each(typesFiles())('%s', (file) => {
    it('every runtime export of the built entry has its section', async () => {
      const module = await import(pathToFileURL(join(ROOT, file.replace(/\.d\.ts$/, '.js'))).href) as Record<string, unknown>;
      const names = Object.keys(module).filter((name) => name !== 'default');
      if (file === 'dist/index.d.ts') expect(names).toEqual(expect.arrayContaining(['Chunker', 'chunkerStream', 'chunks', 'backend']));
      const sections = new Set(sectionNames(checkedIn));
      expect(names.filter((name) => !sections.has(name)), `exports of ${file} without a section`).toEqual([]);
    });

    it('every export in the .d.ts has its section', () => {
      const names = exportsOf(file);
      if (file === 'dist/index.d.ts') expect(names).toEqual(expect.arrayContaining(['Chunker', 'chunkerStream', 'ChunkerOptions']));
      if (file === 'dist/browser.d.ts') expect(names).toEqual(expect.arrayContaining(['Chunker', 'ChunkerStream', 'chunks', 'ChunkerOptions']));
      const sections = new Set(sectionNames(checkedIn));
      expect(names.filter((name) => !sections.has(name)), `exports of ${file} without a section`).toEqual([]);
    });
  });

  it('the entry table names, as the browser entry\'s exceptions, exactly what the Node entry adds', () => {
    const row = checkedIn.split('\n').find((line) => line.startsWith('| `reframer/browser`'));
    expect(row, 'the entry table has no `reframer/browser` row').toBeDefined();
    const named = [...row!.matchAll(/\[`(\w+)`\]\(#/g)].map((m) => m[1]).sort();
    const browser = new Set(exportsOf('dist/browser.d.ts'));
    const nodeOnly = exportsOf('dist/index.d.ts').filter((name) => !browser.has(name));
    expect(nodeOnly.length).toBeGreaterThan(0);
    expect(named).toEqual(nodeOnly);
  });

  it('gives each error code its meaning', () => {
    const codes = [...readFileSync(join(ROOT, 'dist/errors.d.ts'), 'utf8').matchAll(/'(ERR_REFRAME_\w+)'/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThanOrEqual(4);
    for (const code of new Set(codes)) expect(checkedIn, `no meaning for ${code}`).toMatch(new RegExp(`^- \`${code}\`: \\S`, 'm'));
  });

  it('every link to a heading or anchor of the file resolves, and no block is a runnable one', () => {
    const anchors = anchorsOf(checkedIn);
    const links = [...checkedIn.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(20);
    expect(links.filter((anchor) => !anchors.has(anchor))).toEqual([]);
    expect(checkedIn).not.toMatch(/^\s*```\s*\w+\s+run\b/m); // those are executed by test/docs-run.test.ts
  });
});
