// Counts the chunks the faces produce (every face makes them with Reframer.step), so tests can
// tell how far ahead of its consumer a face has run without peeking inside it.
import { afterEach, beforeEach } from 'vitest';
import { Reframer } from '../../src/reframer.js';

/** Call inside a describe block; `chunks` counts what the faces made since the test started. */
export function useChunkCounter(): { readonly chunks: number } {
  const counter = { chunks: 0 };
  const original = Reframer.prototype.step;
  beforeEach(() => {
    counter.chunks = 0;
    Reframer.prototype.step = function step(this: Reframer, bytes, offset, max, into) {
      const before = into.length;
      const next = original.call(this, bytes, offset, max, into);
      counter.chunks += into.length - before;
      return next;
    };
  });
  afterEach(() => { Reframer.prototype.step = original; });
  return counter;
}
