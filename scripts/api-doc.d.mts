// Types of api-doc.mjs (plain JavaScript so that `npm run docs:api` runs it without a build), for
// test/api-doc.test.ts.

/** Where the reference is written, relative to the package root. */
export declare const OUTPUT: string;
/** The first line of the reference. */
export declare const HEADER: string;
/** Kinds that exist at run time (an `import { X }` of one gives a value). */
export declare const RUNTIME_KINDS: readonly string[];

/** What package.json cannot say about an entry: where it runs, and what importing it does. */
export interface EntryNote {
  where: string;
  text: string;
}
export declare const ENTRY_NOTES: Record<string, EntryNote>;

/** One entry point: a types file and the specifiers (with their runtime conditions) that resolve to it. */
export interface Entry {
  file: string;
  routes: { specifier: string; conditions: string[] }[];
}

/** One documented declaration. */
export interface Declaration {
  name: string;
  kind: string;
  key: string;
  entries: Entry[];
}

export interface Reference {
  markdown: string;
  /** Declarations without a JSDoc summary, entries without a note, error codes without a meaning. */
  problems: string[];
  entries: (Entry & { heading: string; exports: Declaration[] })[];
  declarations: Declaration[];
}

export declare function entriesOf(pkg: { name: string; exports?: unknown }): Entry[];
export declare function slugger(): (heading: string) => string;
export declare function generate(root?: string): Reference;
export declare function render(input: {
  root: string;
  entries: Entry[];
  notes?: Record<string, EntryNote>;
  files?: Record<string, string>;
  title?: string;
}): Reference;
