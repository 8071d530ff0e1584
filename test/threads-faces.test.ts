// Issue 19, H13 and H17: moving one chunk's buffer never breaks the chunker and never empties or
// changes another chunk, on every face. 64- and 4,096-byte chunks in bursts of 40; the consumer
// moves each chunk as it gets it: by chunk.buffer.transfer() (H13; where it exists) or by
// enqueueing it into a byte stream (H17: ReadableByteStreamController.enqueue transfers its buffer),
// which is read back at the end. Today the move takes the siblings that share the chunk's buffer:
// the write fails with ERR_REFRAME_INPUT, queued chunks come out empty. Each case runs in a child
// process (test/children/threads-faces.mjs) on both cores, under Node 20, Node 26 and Bun.
import { describe } from 'vitest';
import { IN_MATRIX, threadsCase } from './support/threads.js';
import { KNOWN_FAILING } from './support/threads-known.js';

const FACES = [
  ['node', "the Node face's 'data' handler"],
  ['web', 'a WHATWG reader'],
  ['chunks', 'a chunks() loop'],
  ['chunker', "Chunker.push's results"],
] as const;

describe.skipIf(IN_MATRIX).concurrent('H13: chunk.buffer.transfer() by the consumer never breaks the chunker', () => {
  for (const [face, says] of FACES) {
    threadsCase({
      finding: 'H13', what: `transfer ${face}`, script: 'threads-faces.mjs', args: ['transfer', face], timeout: 30_000,
      says: `${says} transfers each chunk's buffer: no error, every chunk complete and right, the moved buffers hold them`,
      skip: (target) => (target.transfer ? undefined : `${target.version} has no ArrayBuffer.prototype.transfer`),
    }, KNOWN_FAILING);
  }
});

describe.skipIf(IN_MATRIX).concurrent('H17: enqueueing chunks into a byte stream never empties the others', () => {
  for (const [face, says] of FACES) {
    threadsCase({
      finding: 'H17', what: `enqueue ${face}`, script: 'threads-faces.mjs', args: ['enqueue', face], timeout: 30_000,
      says: `${says} enqueues each chunk into a byte stream: no error, every chunk complete and right, and all of them read back from it`,
    }, KNOWN_FAILING);
  }
});
