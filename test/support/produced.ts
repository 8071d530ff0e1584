// Counts the chunks the faces make (every chunk object comes from Reframer.take or takeAll, which
// step() uses), so tests can tell how far ahead of its consumer a face has run without peeking
// inside it.
import { afterEach, beforeEach } from 'vitest';
import { Reframer } from '../../src/reframer.js';

/** Call inside a describe block; `chunks` counts what the faces made since the test started. */
export function useChunkCounter(): { readonly chunks: number } {
  const counter = { chunks: 0 };
  const { take, takeAll } = Reframer.prototype;
  beforeEach(() => {
    counter.chunks = 0;
    Reframer.prototype.take = function countedTake(this: Reframer) {
      counter.chunks++;
      return take.call(this);
    };
    Reframer.prototype.takeAll = function countedTakeAll(this: Reframer, into) {
      const before = into.length;
      takeAll.call(this, into);
      counter.chunks += into.length - before;
    };
  });
  afterEach(() => {
    Reframer.prototype.take = take;
    Reframer.prototype.takeAll = takeAll;
  });
  return counter;
}
