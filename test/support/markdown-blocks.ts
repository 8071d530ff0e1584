// Finds the runnable code blocks of a markdown file (issue 14: docs that run), for test/docs-run.test.ts.
// The convention is described at the top of that test. This module only parses: it knows fences, info
// strings and line numbers, nothing about running code.
//
// Fences follow CommonMark where it matters for docs: ``` or ~~~, three or more; a fence closes only on
// the same character, at least as long, with nothing after it, so a longer fence can show a shorter
// one as content; a fence may be indented (inside a list item), and its content loses up to that much
// indentation; an HTML comment (`<!-- … -->`, starting a line) hides what it spans; a backtick fence's
// info string holds no backtick (that line is inline code). Two deliberate differences: a fence that is
// never closed is a problem rather than running to the end of the file (it would silently swallow every
// block after it), and list items are not tracked, so an indented code block (four spaces, outside a
// list) that shows a fence is read as a fence.

/** A `text output` block: what the runnable block before it must print. */
export interface ExpectedOutput {
  /** 1-based line of its opening fence. */
  line: number;
  text: string;
}

/** A `js run` or `ts run` block. */
export interface RunnableBlock {
  /** The markdown file, as given to `extractBlocks` (a path relative to the repository in the tests). */
  file: string;
  /** 1-based line of the opening fence: the block is named `<file>:<line>`. */
  line: number;
  lang: 'js' | 'ts';
  /** The code, its fence's indentation removed; its first line is markdown line `line + 1`. */
  code: string;
  output?: ExpectedOutput;
}

/** Something in the markdown that would make a block silently not run, or run unchecked. */
export interface Problem {
  file: string;
  line: number;
  message: string;
}

export interface Extracted {
  blocks: RunnableBlock[];
  problems: Problem[];
}

interface Fence {
  line: number;
  info: string;
  text: string;
  /** True when the next non-blank line after the previous fence is this one (only blank lines between). */
  adjacent: boolean;
}

const OPENING = /^( *)(`{3,}|~{3,})(.*)$/;
const CLOSING = /^( *)(`{3,}|~{3,})[ \t]*$/;
const COMMENT_START = /^ {0,3}<!--/;

/** Every fenced code block of `markdown` in order, with fences that never close reported as problems. */
function fences(markdown: string, file: string, problems: Problem[]): Fence[] {
  const lines = markdown.split(/\r?\n/);
  const found: Fence[] = [];
  // Whether only blank lines were seen since the last fence closed (false before the first fence).
  let adjacent = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (COMMENT_START.test(line)) {
      while (i < lines.length && !lines[i].includes('-->')) i++;
      adjacent = false;
      continue;
    }
    const open = OPENING.exec(line);
    if (!open || (open[2][0] === '`' && open[3].includes('`'))) {
      if (line.trim() !== '') adjacent = false;
      continue;
    }
    const [, indentText, marker, info] = open;
    const indent = indentText.length;
    const content: string[] = [];
    let closed = false;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = CLOSING.exec(lines[j]);
      if (close && close[2][0] === marker[0] && close[2].length >= marker.length && close[1].length <= indent + 3) {
        closed = true;
        break;
      }
      content.push(lines[j].replace(new RegExp(`^ {0,${indent}}`), ''));
    }
    if (!closed) {
      problems.push({ file, line: i + 1, message: `the fence ${marker} opened here is never closed, so everything after it is code` });
      break;
    }
    found.push({ line: i + 1, info: info.trim(), text: content.join('\n'), adjacent });
    adjacent = true;
    i = j;
  }
  return found;
}

/** Edit distance with transpositions (optimal string alignment), for spotting misspelt markers. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const words = (info: string) => info.toLowerCase().split(/[^a-z]+/).filter(Boolean);

/** An info string that means to say `run` but is not exactly `js run` or `ts run` (`js runnable`, `JS run`, `sh run`, `js rnu`). */
function looksRunnable(info: string): boolean {
  return words(info).some((w) => w.includes('run') || distance(w, 'run') <= 1);
}

/** An info string that means to say `text output` but is not exactly that (`output`, `text stdout`, `txt output`, `text outptu`). */
function looksLikeOutput(info: string): boolean {
  return words(info).some((w) => w.startsWith('out') || w === 'stdout' || distance(w, 'output') <= 1);
}

/**
 * The runnable blocks of one markdown file, each with the `text output` block that follows it (only
 * blank lines between), and the problems: a marker that is almost but not exactly `js run`, `ts run`
 * or `text output`; an output block that follows no runnable block; a fence never closed.
 */
export function extractBlocks(markdown: string, file: string): Extracted {
  const problems: Problem[] = [];
  const blocks: RunnableBlock[] = [];
  let previous: RunnableBlock | undefined;
  for (const fence of fences(markdown, file, problems)) {
    const tokens = fence.info.split(/\s+/).filter(Boolean);
    const exact = (...want: string[]) => tokens.length === want.length && want.every((w, k) => tokens[k] === w);
    const last = previous;
    previous = undefined;
    if (exact('js', 'run') || exact('ts', 'run')) {
      previous = { file, line: fence.line, lang: tokens[0] as 'js' | 'ts', code: fence.text };
      blocks.push(previous);
    } else if (exact('text', 'output')) {
      if (last && fence.adjacent) last.output = { line: fence.line, text: fence.text };
      else problems.push({ file, line: fence.line, message: 'this `text output` block does not follow a runnable block (only blank lines may come between)' });
    } else if (looksRunnable(fence.info)) {
      problems.push({ file, line: fence.line, message: `\`${fence.info}\` looks like a runnable marker but is not exactly \`js run\` or \`ts run\`: this block would not run` });
    } else if (looksLikeOutput(fence.info)) {
      problems.push({ file, line: fence.line, message: `\`${fence.info}\` looks like an output marker but is not exactly \`text output\`: this output would not be checked` });
    }
  }
  return { blocks, problems };
}

/** Compares program output with an expected block: line endings, trailing spaces of lines and trailing blank lines do not count. */
export function normalizeOutput(text: string): string {
  return text.split(/\r?\n/).map((l) => l.trimEnd()).join('\n').replace(/\n+$/, '');
}
