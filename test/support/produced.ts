// Counts the chunks the faces take from the Reframer (every chunk comes out through Reframer.take:
// takeAll and step() use it), so tests can tell how far ahead of its consumer a face has run without
// peeking inside it. (Own chunks are made when their engine call runs, at most STAGE_BYTES of them
// ahead: src/memory.ts.)
import { afterEach, beforeEach } from 'vitest';
import { Reframer } from '../../src/reframer.js';

/** Call inside a describe block; `chunks` counts what the faces made since the test started. */
export function useChunkCounter(): { readonly chunks: number } {
  const counter = { chunks: 0 };
  const { take } = Reframer.prototype;
  beforeEach(() => {
    counter.chunks = 0;
    Reframer.prototype.take = function countedTake(this: Reframer) {
      counter.chunks++;
      return take.call(this);
    };
  });
  afterEach(() => {
    Reframer.prototype.take = take;
  });
  return counter;
}
