// Option names (SPEC "Options": no value silently becomes another): an unknown name is
// ERR_REFRAME_OPTION on every face, and the message names the known option it looks like a slip of;
// `new ChunkerStream(options, init)` checks its second argument the same way ({ hwm: 4 } used to be
// accepted and ignored). Messages are checked only for the name they suggest, quoted.
import { describe, expect, it } from 'vitest';
import { Chunker, ChunkerStream, chunkerStream, chunks } from '../src/index.js';
import { thrown } from './support/util.js';

type Construct = (options: unknown) => unknown;
const FACES: [string, Construct][] = [
  ['new Chunker', (o) => new Chunker(o as never)],
  ['chunkerStream', (o) => chunkerStream(o as never)],
  ['new ChunkerStream', (o) => new ChunkerStream(o as never)],
  ['chunks', (o) => chunks([], o as never)],
];

// [an options object with a slip, the option name the message should suggest]
const SLIPS: [unknown, string][] = [
  [{ size: 4, tial: 'pad' }, 'tail'],
  [{ sise: 4 }, 'size'],
  [{ size: 4, chanels: 2 }, 'channels'],
  [{ size: 4, Hop: 2 }, 'hop'],
  [{ size: 4, batched: true }, 'batch'],
  [{ size: 4, allign: 2 }, 'align'],
  [{ size: 4, type: 'Float32' }, 'float32'], // a value, the same way
  [{ size: 4, tail: 'dorp' }, 'drop'],
];

describe.each(FACES)('%s', (_, construct) => {
  it.each(SLIPS)('%o names %s', (options, suggestion) => {
    const error = thrown(() => construct(options), 'ERR_REFRAME_OPTION');
    expect(error.message).toContain(`'${suggestion}'`);
  });

  it('a name like no option is refused without a guess', () => {
    const error = thrown(() => construct({ size: 4, zebra: 1 }), 'ERR_REFRAME_OPTION', TypeError);
    expect(error.message).not.toMatch(/did you mean/);
  });
});

describe('chunks() knows its own signal option', () => {
  it('a slip of signal names it', () => {
    const error = thrown(() => chunks([], { size: 4, sigal: new AbortController().signal } as never), 'ERR_REFRAME_OPTION', TypeError);
    expect(error.message).toContain("'signal'");
  });
});

describe('new ChunkerStream(options, init): the second argument is checked like the first', () => {
  it.each([
    ['an unknown key (hwm)', { hwm: 4 }],
    ['a misspelt key', { highWatermark: 4 }],
    ['a chunker option in the wrong argument', { tail: 'pad' }],
    ['a Node stream option', { objectMode: true }],
    ['null', null],
    ['a number', 4],
    ['an array', []],
    ['a string', 'streams'],
  ])('%s is ERR_REFRAME_OPTION (TypeError)', (_, init) => {
    thrown(() => new ChunkerStream(16, init as never), 'ERR_REFRAME_OPTION', TypeError);
  });

  it('a misspelt highWaterMark names it', () => {
    expect(thrown(() => new ChunkerStream(16, { highWatermark: 4 } as never), 'ERR_REFRAME_OPTION').message).toContain("'highWaterMark'");
  });

  it('bad first-argument options still come first', () => {
    thrown(() => new ChunkerStream(0, { hwm: 4 } as never), 'ERR_REFRAME_OPTION', RangeError);
  });

  it.each([
    ['left out', undefined],
    ['empty', {}],
    ['both keys undefined', { streams: undefined, highWaterMark: undefined }],
    ['both keys', { streams: globalThis, highWaterMark: 2 }],
  ])('%s is accepted', (_, init) => {
    expect(new ChunkerStream(16, init).readable).toBeInstanceOf(ReadableStream);
  });
});
