// Issue 11, case 8: a user transferring a chunk's `buffer` (structuredClone with a transfer list,
// or postMessage) never breaks the chunker (SPEC "Output"). Small chunks are carved from a pool
// the chunker keeps writing: transferring one used to detach that pool, so every later push threw
// an uncoded error (on the Node face from inside a 'data' handler: an uncaught crash). On Node the
// pool is untransferable, so the transfer copies (Node 20) or throws a DataCloneError (newer
// Nodes); both are accepted, and either way the chunker goes on with the right chunks and the
// chunks of other steps stay valid.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Chunker, ChunkerStream, chunkerStream, chunks, type ChunkerOptions } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { IMPLEMENTATIONS } from './support/web.js';
import { frame } from './support/reference.js';
import {
  T, concat, expectOnlyInputBytes, expectPrefix, expectUnchanged, marked, snapshot, within,
} from './support/boundary.js';

type How = 'structuredClone' | 'postMessage';
const HOWS: How[] = ['structuredClone', 'postMessage'];

/**
 * Transfers `chunk.buffer` away as a user would, and resolves with the bytes the other side got.
 * A DataCloneError (the runtime refuses to transfer the chunker's memory) counts as a copy.
 */
function transferAway(chunk: ArrayBufferView, how: How): Promise<Uint8Array> {
  const refused = (error: unknown) => {
    expect((error as Error).name, 'a transfer either works or is a DataCloneError').toBe('DataCloneError');
    return snapshot(chunk);
  };
  if (how === 'structuredClone') {
    try {
      return Promise.resolve(snapshot(structuredClone(chunk, { transfer: [chunk.buffer as ArrayBuffer] })));
    } catch (error) {
      return Promise.resolve(refused(error));
    }
  }
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<Uint8Array>((resolve, reject) => {
    port2.once('message', (data: ArrayBufferView) => resolve(snapshot(data)));
    port2.once('messageerror', (error: unknown) => reject(new Error(`the message could not be received: ${String(error)}`)));
  }).finally(() => {
    port1.close();
    port2.close();
  });
  try {
    port1.postMessage(chunk, [chunk.buffer as ArrayBuffer]);
  } catch (error) {
    port1.close();
    port2.close();
    return Promise.resolve(refused(error));
  }
  return received;
}

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe.each(HOWS)('%s', (how) => {
    // [what, options, burst length]: 64-byte chunks come from the shared pool; 4,096-byte chunks
    // (12 KiB a push) from one allocation per push; 40,000-byte chunks are completed in place.
    it.each([
      ['64-byte chunks (the shared pool)', { size: 64 }, 1000],
      ['4,096-byte chunks (an allocation per push)', { size: 4096 }, 3 * 4096 + 100],
      ['40,000-byte chunks (completed in place)', { size: 40_000 }, 60_000],
    ] as const)('Chunker, %s: the chunker goes on; chunks of other pushes stay valid', async (_, options, length) => {
      const c = new Chunker(options);
      const bursts = Array.from({ length: 8 }, (_, i) => marked(length, i));
      const records: { chunk: ArrayBufferView; bytes: Uint8Array; push: number; sent: boolean }[] = [];
      const sent: Uint8Array[] = [];
      const received: Uint8Array[] = [];
      for (const [push, burst] of bursts.entries()) {
        const out = c.push(burst);
        for (const chunk of out) records.push({ chunk, bytes: snapshot(chunk), push, sent: false });
        // The first chunk of every other push goes away.
        if (push % 2 === 0 && out.length > 0) {
          records[records.length - out.length]!.sent = true;
          sent.push(snapshot(out[0]!));
          received.push(await transferAway(out[0]!, how));
        }
      }
      const tail = c.flush();
      expectPrefix([...records.map((r) => r.bytes), ...tail.map(snapshot)], frame(concat(bursts), options).chunks, true);
      expectPrefix(received, sent, true, 'what the other side got:');
      // Chunks of the other pushes stay valid; pooled chunks all do (the pool is never detached).
      // A transfer that really detached a push's own allocation takes that push's other chunks
      // with it: that is the user's doing.
      const stay = records.filter((r) => !r.sent && (r.push % 2 === 1 || options.size === 64));
      expectUnchanged(stay.map((r) => r.chunk), stay.map((r) => r.bytes));
      expect(c.pending).toBe(0);
    }, T);

    it('Node face: every chunk transferred away inside its \'data\' handler', async () => {
      const options = { size: 64 };
      const bursts = Array.from({ length: 20 }, (_, i) => marked(1000, i)); // < 8 KiB of chunks a step: the pool
      const s = chunkerStream(options);
      const snapshots: Uint8Array[] = [];
      const received: Promise<Uint8Array>[] = [];
      s.on('data', (chunk: Buffer) => {
        snapshots.push(snapshot(chunk));
        received.push(transferAway(chunk, how));
      });
      const ended = new Promise<unknown>((resolve) => {
        s.on('error', resolve);
        s.on('end', () => resolve(undefined));
      });
      try {
        for (const burst of bursts) await within(new Promise((resolve) => s.write(burst, resolve)), 'a write callback');
        s.end();
      } catch (error) {
        expect.fail(`write() threw synchronously: ${String(error)}`);
      }
      expect(await within(ended, 'the stream ending')).toBeUndefined();
      expectPrefix(snapshots, frame(concat(bursts), options).chunks, true);
      expectPrefix(await within(Promise.all(received), 'the transfers'), snapshots, true, 'what the other side got:');
    }, T);

    it.each(IMPLEMENTATIONS)('WHATWG face ($name): every chunk transferred away as it is read', async (impl) => {
      const options = { size: 64 };
      const bursts = Array.from({ length: 20 }, (_, i) => marked(1000, i));
      const pair = new ChunkerStream(options, { streams: impl.streams });
      const writer = pair.writable.getWriter();
      const reader = pair.readable.getReader();
      const writes = (async () => {
        for (const burst of bursts) await writer.write(burst);
        await writer.close();
      })();
      const snapshots: Uint8Array[] = [];
      const received: Uint8Array[] = [];
      const read = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          snapshots.push(snapshot(value));
          received.push(await transferAway(value, how));
        }
      })();
      await within(Promise.all([writes, read]), 'the writes and the reader');
      expectPrefix(snapshots, frame(concat(bursts), options).chunks, true);
      expectPrefix(received, snapshots, true, 'what the other side got:');
    }, T);

    it.each([false, true])('chunks() (batch: %s): every chunk transferred away as the loop takes it', async (batch) => {
      const options: ChunkerOptions & { batch: boolean } = { size: 64, batch };
      const bursts = Array.from({ length: 20 }, (_, i) => marked(1000, i));
      const snapshots: Uint8Array[] = [];
      const received: Uint8Array[] = [];
      const loop = (async () => {
        for await (const item of chunks(bursts, options)) {
          const all = Array.isArray(item) ? item as Uint8Array[] : [item as Uint8Array];
          snapshots.push(...all.map(snapshot)); // the whole batch, before a transfer could touch it
          for (const chunk of all) received.push(await transferAway(chunk, how));
        }
      })();
      await within(loop, 'the loop');
      expectPrefix(snapshots, frame(concat(bursts), { size: 64 }).chunks, true);
      expectPrefix(received, snapshots, true, 'what the other side got:');
    }, T);
  });

  // The stream faces write up to 64 KiB of chunks per engine call into one allocation (not the
  // pool) and make the chunk objects as the consumer takes them; chunks() makes them per step and
  // yields them one by one. A chunk transferred away there shares its buffer with chunks not yet
  // handed out: those must still come, whole and right. (On today's code the next chunk object is
  // made over the detached buffer: an uncoded TypeError out of write(), or empty chunks.)
  describe.each(HOWS)('%s while chunks of the same engine call are still to come', (how) => {
    const options = { size: 64 };
    const bursts = Array.from({ length: 3 }, (_, i) => marked(100_000, i));
    const want = frame(concat(bursts), options).chunks;
    const every = 100; // transfer every 100th chunk away

    it('Node face', async () => {
      const s = chunkerStream(options);
      const snapshots: Uint8Array[] = [];
      const sent: Uint8Array[] = [];
      const received: Promise<Uint8Array>[] = [];
      s.on('data', (chunk: Buffer) => {
        snapshots.push(snapshot(chunk));
        if (snapshots.length % every === 1) {
          sent.push(snapshots[snapshots.length - 1]!);
          received.push(transferAway(chunk, how));
        }
      });
      const ended = new Promise<unknown>((resolve) => {
        s.on('error', resolve);
        s.on('end', () => resolve(undefined));
      });
      try {
        for (const burst of bursts) s.write(burst);
        s.end();
      } catch (error) {
        expect.fail(`write() threw synchronously: ${String(error)}`);
      }
      expect(await within(ended, 'the stream ending')).toBeUndefined();
      expectPrefix(snapshots, want, true);
      expectPrefix(await within(Promise.all(received), 'the transfers'), sent, true, 'what the other side got:');
    }, T);

    it.each(IMPLEMENTATIONS)('WHATWG face ($name)', async (impl) => {
      const pair = new ChunkerStream(options, { streams: impl.streams });
      const writer = pair.writable.getWriter();
      const reader = pair.readable.getReader();
      const writes = (async () => {
        for (const burst of bursts) await writer.write(burst);
        await writer.close();
      })();
      const snapshots: Uint8Array[] = [];
      const sent: Uint8Array[] = [];
      const received: Uint8Array[] = [];
      const read = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          snapshots.push(snapshot(value));
          if (snapshots.length % every === 1) {
            sent.push(snapshots[snapshots.length - 1]!);
            received.push(await transferAway(value, how));
          }
        }
      })();
      await within(Promise.all([writes, read]), 'the writes and the reader');
      expectPrefix(snapshots, want, true);
      expectPrefix(received, sent, true, 'what the other side got:');
    }, T);

    it('chunks()', async () => {
      const snapshots: Uint8Array[] = [];
      const sent: Uint8Array[] = [];
      const received: Uint8Array[] = [];
      const loop = (async () => {
        for await (const chunk of chunks(bursts, options)) {
          snapshots.push(snapshot(chunk));
          if (snapshots.length % every === 1) {
            sent.push(snapshots[snapshots.length - 1]!);
            received.push(await transferAway(chunk, how));
          }
        }
      })();
      await within(loop, 'the loop');
      expectPrefix(snapshots, want, true);
      expectPrefix(received, sent, true, 'what the other side got:');
    }, T);
  });

  it('Chunker: after a transfer, later chunks hold only this stream\'s bytes', async () => {
    const c = new Chunker(64);
    const first = c.push(marked(1000, 1));
    await transferAway(first[0]!, 'structuredClone');
    const later = c.push(marked(5000, 2));
    expect(later).toHaveLength(Math.floor((1000 % 64 + 5000) / 64));
    expectOnlyInputBytes(later);
  }, T);
});
