// Error messages read as English wherever they are built (options, input, the end of a stream): the
// article follows the sound of the word ("an Int16Array", "a Uint8Array") and a count of one takes the
// singular ("1 byte"). Messages used to say "a Int16Array" and "of 1 bytes". Only these two slips
// are checked, over the messages that interpolate a type name or a count.
import { describe, expect, it } from 'vitest';
import { Chunker, ChunkerStream, chunks } from '../src/index.js';
import { plural, withArticle } from '../src/errors.js';
import { CORES, useCore } from './support/cores.js';

/** The message of what `fn` throws (it must throw). */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

// "a" before a vowel sound, "an" before a consonant sound ("u" as in Uint8Array sounds "you").
const WRONG_ARTICLE = /\ba (?:[aeio]|u(?!int|ni))|\ban (?![aeio]|u(?!int|ni))/i;
const WRONG_PLURAL = /\b1 (?:bytes|samples|chunks|values)\b/;

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  const messages: [string, () => unknown][] = [
    ['an Int16Array given to a uint32 chunker', () => new Chunker({ size: 2, type: 'uint32' }).push(new Int16Array(4))],
    ['an Int32Array given to an int16 chunker', () => new Chunker({ size: 2, type: 'int16' }).push(new Int32Array(4))],
    ['an Int8Array given to a float64 chunker', () => new Chunker({ size: 2, type: 'float64' }).push(new Int8Array(4))],
    ['a Float32Array given to an int8 chunker', () => new Chunker({ size: 2, type: 'int8' }).push(new Float32Array(4))],
    ['a Uint16Array given to an int32 chunker', () => new Chunker({ size: 2, type: 'int32' }).push(new Uint16Array(4))],
    ['an object burst', () => new Chunker(2).push({} as never)],
    ['an array burst', () => new Chunker(2).push([] as never)],
    ['a uint8 chunk over 2³² bytes (1-byte samples)', () => new Chunker({ size: 2 ** 32 + 1 })],
    ['one sample too large for a chunk (at most 1 sample)', () => new Chunker({ size: 2, type: 'float64', channels: 2 ** 29 })],
    ['an object as the source of chunks()', () => chunks({} as never, 2)],
    ['an object as size', () => new Chunker({ size: {} } as never)],
    ['a lone Int8Array as the source of chunks()', () => chunks(new Int8Array(2) as never, 2)],
    ['an ArrayBuffer as init', () => new ChunkerStream(2, 7 as never)],
  ];

  it.each(messages)('%s', (_, fn) => {
    const message = messageOf(fn);
    expect(message).not.toMatch(WRONG_ARTICLE);
    expect(message).not.toMatch(WRONG_PLURAL);
  });

  it("tail: 'error' with a 1-sample chunk", () => {
    const c = new Chunker({ size: 1, type: 'int16', tail: 'error' });
    c.push(new Uint8Array(1)); // half a sample: the end is inside a sample
    expect(messageOf(() => c.flush())).not.toMatch(WRONG_PLURAL);
  });
});

describe('the helpers', () => {
  it.each([
    ['Int16Array', 'an'], ['ArrayBuffer', 'an'], ['Object', 'an'], ['Error', 'an'],
    ['Uint8Array', 'a'], ['Uint8ClampedArray', 'a'], ['Float32Array', 'a'], ['BigInt64Array', 'a'], ['Map', 'a'],
  ])('withArticle(%s) uses %s', (word, article) => {
    expect(withArticle(word)).toBe(`${article} ${word}`);
  });

  it('plural() is singular for one only', () => {
    expect([plural(1, 'byte'), plural(0, 'byte'), plural(2, 'sample'), plural(1n, 'sample')]).toEqual(['1 byte', '0 bytes', '2 samples', '1 sample']);
  });
});
