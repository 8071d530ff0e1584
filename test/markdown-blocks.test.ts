// The fence parser behind test/docs-run.test.ts (test/support/markdown-blocks.ts): which blocks of a
// markdown file run, where they are, what output they must print, and which markers are mistyped.
// Each fixture is inline markdown written as an array of lines, so line numbers can be read off it.
import { describe, expect, it } from 'vitest';
import { extractBlocks, normalizeOutput } from './support/markdown-blocks.js';

const md = (...lines: string[]) => lines.join('\n');
const fence = '```';

describe('extractBlocks', () => {
  it('finds a js run block, its line, its code and the output block after blank lines', () => {
    const { blocks, problems } = extractBlocks(md(
      '# Title',                          // 1
      '',                                 // 2
      `${fence}js run`,                   // 3
      "import { Chunker } from 'reframer';",
      'console.log(1);',                  // 5
      fence,                              // 6
      '',                                 // 7
      '',                                 // 8
      `${fence}text output`,              // 9
      '1',                                // 10
      fence,                              // 11
    ), 'doc.md');
    expect(problems).toEqual([]);
    expect(blocks).toEqual([{
      file: 'doc.md',
      line: 3,
      lang: 'js',
      code: "import { Chunker } from 'reframer';\nconsole.log(1);",
      output: { line: 9, text: '1' },
    }]);
  });

  it('finds ts run blocks and ~~~ fences; a run block needs no output block', () => {
    const { blocks, problems } = extractBlocks(md(
      '~~~ts run',
      'const n: number = 1;',
      '~~~',
      'Some prose.',
      '```js run',
      'console.log(2);',
      '```',
    ), 'doc.md');
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.line, b.lang, b.code, b.output])).toEqual([
      [1, 'ts', 'const n: number = 1;', undefined],
      [5, 'js', 'console.log(2);', undefined],
    ]);
  });

  it('skips js and ts blocks without the marker, and other languages', () => {
    const { blocks, problems } = extractBlocks(md(
      `${fence}js`, 'c.push(burst);', fence,
      `${fence}ts`, 'const x: number = 1;', fence,
      `${fence}sh`, 'npm install reframer', fence,
      fence, 'no info string', fence,
      `${fence}text`, 'plain text', fence,
    ), 'doc.md');
    expect(problems).toEqual([]);
    expect(blocks).toEqual([]);
  });

  it('a longer fence shows shorter ones as content: nested blocks never run', () => {
    const { blocks, problems } = extractBlocks(md(
      '````md',                // 1
      `${fence}js run`,        // 2
      'throw new Error();',
      fence,                   // 4: too short to close line 1
      `${fence}text output`,
      fence,
      '````',                  // 7
      '~~~~~',                 // 8
      '~~~js run',
      '~~~',
      '~~~~~',                 // 11
      '````js run',            // 12
      'const doc = `',
      `${fence}js`,            // a fence inside the code, in a template string
      fence,
      '`;',
      '````',                  // 17
    ), 'doc.md');
    expect(problems).toEqual([]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0].line).toBe(12);
    expect(blocks[0].code).toBe(`const doc = \`\n${fence}js\n${fence}\n\`;`);
  });

  it('a fence closes only on its own character: ~~~ inside ``` is content', () => {
    const { blocks } = extractBlocks(md(`${fence}js run`, '~~~', 'x;', fence), 'doc.md');
    expect(blocks.map((b) => b.code)).toEqual(['~~~\nx;']);
  });

  it('indented fences inside list items: the indentation comes off code and output', () => {
    const { blocks, problems } = extractBlocks(md(
      '1. First step:',         // 1
      '',
      '   ```js run',           // 3
      '   if (true) {',
      '     console.log("a");',
      '   }',
      '   ```',                 // 7
      '',
      '   ```text output',      // 9
      '   a',
      '   ```',
      '- Second:',              // 12
      '  ```ts run',            // 13
      '  const n: number = 2;',
      '  ```',
    ), 'doc.md');
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.line, b.code, b.output])).toEqual([
      [3, 'if (true) {\n  console.log("a");\n}', { line: 9, text: 'a' }],
      [13, 'const n: number = 2;', undefined],
    ]);
  });

  it('a mistyped run marker is a problem, not a silently skipped block', () => {
    const markers = ['js runable', 'js runnable', 'JS run', 'js Run', 'js run extra', 'javascript run', 'js,run', 'js {run}', 'sh run', 'js rnu', 'jsrun'];
    const { blocks, problems } = extractBlocks(markers.flatMap((m) => [fence + m, 'x;', fence]).join('\n'), 'doc.md');
    expect(blocks).toEqual([]);
    expect(problems.map((p) => p.line)).toEqual(markers.map((_, k) => 1 + 3 * k));
    expect(problems[0]).toMatchObject({ file: 'doc.md', message: expect.stringContaining('`js runable`') });
  });

  it('a mistyped output marker is a problem too', () => {
    const markers = ['txt output', 'text outptu', 'output', 'text stdout', 'text  output extra'];
    const { problems } = extractBlocks(markers.flatMap((m) => [`${fence}js run`, 'x;', fence, fence + m, '1', fence]).join('\n'), 'doc.md');
    expect(problems.map((p) => p.line)).toEqual(markers.map((_, k) => 4 + 6 * k));
  });

  it('an output block must follow a runnable block with only blank lines between', () => {
    const { blocks, problems } = extractBlocks(md(
      `${fence}js`, 'x;', fence,                    // 1–3: not runnable
      `${fence}text output`, '1', fence,            // 4: follows a plain block
      `${fence}js run`, 'x;', fence,                // 7
      'It prints:',                                 // 10
      `${fence}text output`, '1', fence,            // 11: prose between
      `${fence}js run`, 'x;', fence,                // 14
      `${fence}text output`, '1', fence,            // 17: fine
      `${fence}text output`, '2', fence,            // 20: a second one
    ), 'doc.md');
    expect(problems.map((p) => p.line)).toEqual([4, 11, 20]);
    expect(blocks.map((b) => [b.line, b.output?.line])).toEqual([[7, undefined], [14, 17]]);
  });

  it('a fence never closed is a problem (it would hide every block after it)', () => {
    const { blocks, problems } = extractBlocks(md('```js run', 'x;', fence, 'prose', '```js', 'x;', '```js run', 'y;'), 'doc.md');
    expect(blocks.map((b) => b.line)).toEqual([1]);
    expect(problems.map((p) => p.line)).toEqual([5]);
  });

  it('an HTML comment hides the blocks inside it', () => {
    const { blocks, problems } = extractBlocks(md(
      '<!-- section:api -->',
      '<!--',
      `${fence}js run`, 'x;', fence,
      '-->',
      `${fence}js run`, 'y;', fence,                // 7
    ), 'doc.md');
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.line, b.code])).toEqual([[7, 'y;']]);
  });

  it('a line of inline code that starts with backticks is not a fence', () => {
    const { blocks, problems } = extractBlocks(md('``` `js run` ``` marks a runnable block.', `${fence}js run`, 'x;', fence), 'doc.md');
    expect(problems).toEqual([]);
    expect(blocks.map((b) => b.line)).toEqual([2]);
  });

  it('reads CRLF files', () => {
    const { blocks } = extractBlocks(['```js run', 'x;', '```', '', '```text output', 'ok', '```'].join('\r\n'), 'doc.md');
    expect(blocks).toEqual([{ file: 'doc.md', line: 1, lang: 'js', code: 'x;', output: { line: 5, text: 'ok' } }]);
  });
});

describe('normalizeOutput', () => {
  it('ignores trailing spaces on lines, trailing blank lines and CRLF; keeps leading blank lines', () => {
    expect(normalizeOutput('a  \r\nb\t\n\n\n')).toBe('a\nb');
    expect(normalizeOutput('\na')).toBe('\na');
    expect(normalizeOutput('a\n  b')).toBe('a\n  b');
  });
});
