// The browser build (src/browser.ts, the "browser" export condition) must load where there is no
// Node: its import graph imports no `node:` module (nor a bare Node built-in), loads no addon and
// uses no Node global. Walks the graph from the source with TypeScript's parser: with
// verbatimModuleSyntax, the imports tsc keeps in dist/ are exactly the non-type imports here.
import { builtinModules, createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const requireHere = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(resolve(repo, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
};

const NODE_BUILTINS = new Set(builtinModules);
const NODE_GLOBALS = new Set(['Buffer', 'process', 'require', '__dirname', '__filename', 'global', 'setImmediate']);
// What loading the addon looks like: its file, the loader module, and CommonJS require in ESM.
const ADDON_MARKERS = [/\.node\b['"]/, /\bcreateRequire\b/, /native-engine/, /node-runtime/];

interface Module {
  file: string;
  /** Specifiers imported at run time (type-only imports are erased by tsc and skipped). */
  imports: string[];
  /** Free references to Node globals. */
  globals: string[];
}

function parse(file: string): Module {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const imports: string[] = [];
  const globals: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      // `import { type A } from 'x'` stays in the output as `import {} from 'x'`: it counts.
      imports.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      imports.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      imports.push(arg && ts.isStringLiteral(arg) ? arg.text : '<dynamic import of a computed specifier>');
    } else if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text) && isFreeReference(node)) {
      globals.push(`${node.text} (line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { file, imports, globals };
}

/** An identifier that refers to a variable in scope (not a property name, a declaration or a type). */
function isFreeReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent) ||
       ts.isPropertySignature(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent)) && parent.name === node) return false;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) ||
       ts.isBindingElement(parent)) && parent.name === node) return false;
  if (ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent) || ts.isTypeQueryNode(parent)) return false;
  return true;
}

/** Where a package's ESM entry is, per its exports' import/browser/default condition. */
function packageEntry(name: string): string {
  const manifest = requireHere.resolve(`${name}/package.json`);
  const { exports, module, main } = JSON.parse(readFileSync(manifest, 'utf8'));
  let target: unknown = exports?.['.'] ?? exports;
  while (target && typeof target === 'object') {
    const t = target as Record<string, unknown>;
    target = t.browser ?? t.import ?? t.default;
  }
  return resolve(dirname(manifest), (target as string | undefined) ?? module ?? main);
}

/** Every problem in the graph from `entry`: node: modules, built-ins, the addon, Node globals. */
function problems(entry: string): { problems: string[]; files: string[] } {
  const found: string[] = [];
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const where = file.slice(repo.length);
    const text = readFileSync(file, 'utf8');
    for (const marker of ADDON_MARKERS) if (marker.test(text)) found.push(`${where}: addon reference ${marker}`);
    const ours = !file.includes('node_modules');
    const module = ours ? parse(file) : { file, imports: ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName), globals: [] };
    for (const global of module.globals) found.push(`${where}: Node global ${global}`);
    for (const specifier of module.imports) {
      if (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || specifier.startsWith('<')) {
        found.push(`${where}: imports ${specifier}`);
      } else if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        queue.push(ours && target.endsWith('.js') ? target.replace(/\.js$/, '.ts') : target);
      } else {
        queue.push(packageEntry(specifier));
      }
    }
  }
  return { problems: found, files: [...seen].map((f) => f.slice(repo.length)) };
}

describe('the browser build', () => {
  it('imports no node: module, no Node built-in and no addon, and uses no Node global', () => {
    const { problems: found, files } = problems(resolve(repo, 'src/browser.ts'));
    expect(found).toEqual([]);
    // The walk reached the faces and the TS core (and so would have seen their imports).
    expect(files).toEqual(expect.arrayContaining([
      'src/chunker.ts', 'src/web-stream.ts', 'src/chunks.ts', 'src/core/js-engine.ts', 'src/reframer.ts',
    ]));
  });

  it('the walk finds what the Node entry imports (it can fail)', () => {
    const found = problems(resolve(repo, 'src/index.ts')).problems.join('\n');
    expect(found).toMatch(/imports node:buffer/);
    expect(found).toMatch(/imports node:stream/);
    expect(found).toMatch(/addon reference/);
    expect(found).toMatch(/Node global process/);
  });

  it('does not load web-streams-polyfill: only reframer/polyfill does', () => {
    const { files } = problems(resolve(repo, 'src/browser.ts'));
    expect(files.filter((file) => file.includes('web-streams-polyfill'))).toEqual([]);
    // The walk follows package imports: from the polyfill entry it reaches the polyfill.
    const polyfill = problems(resolve(repo, 'src/polyfill.ts'));
    expect(polyfill.files.some((file) => file.includes('node_modules/web-streams-polyfill/'))).toBe(true);
    expect(polyfill.problems).toEqual([]);
  });

  it('is what package.json gives browsers and bundlers ("browser", and "default" after the runtimes)', () => {
    const root = pkg.exports['.'] as Record<string, unknown>;
    const browser = { types: './dist/browser.d.ts', default: './dist/browser.js' };
    const node = {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    };
    // Bun and Deno first (by name, whatever else they match), then browsers, then Node, then the rest.
    expect(Object.keys(root)).toEqual(['bun', 'deno', 'browser', 'node', 'default']);
    expect(root.browser).toEqual(browser);
    // "default" runs the browser build, but names the Node entry's types: TypeScript's bundler
    // resolution matches only types/import/default, and a Node project must see chunkerStream
    // (the Node types are a superset of the browser ones; browsers type-check with customConditions).
    expect(root.default).toEqual({ ...browser, types: './dist/index.d.ts' });
    // The runtimes get the Node entry (the native core), for import and (through require(esm)) require.
    expect(root.node).toEqual(node);
    expect(root.bun).toEqual(node);
    expect(root.deno).toEqual(node);
  });
});
