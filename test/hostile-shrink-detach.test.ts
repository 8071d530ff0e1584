// Issue 11, cases 5, 6, 7 and 10: a stream face reads a large write lazily, as its consumer pulls
// (SPEC "Input"), so the caller can shrink or detach the write's buffer while the face still
// reads it. That write must then fail with ERR_REFRAME_INPUT through the face's normal error path,
// after the chunks completed before it: the Node face errors ('error', the write's callback gets
// the error), the WHATWG face rejects write(), close() and, after the queued chunks, read();
// chunks() throws out of the loop. Nothing hangs, no error is uncoded, and no write reports
// success for bytes it did not re-frame: the chunks delivered are always a prefix of the
// reference framing of the bytes the write held when it was accepted.
// What went wrong before: case 5, the write succeeded with most of its chunks missing and the next
// honest write threw an uncoded error out of write(); case 6, the write callback and end() never
// ran (batch, or chunks of 32 KiB or more); case 7, the reader got an uncoded TypeError and
// write()/close() never settled; case 10, chunks() dropped the rest of the burst and ended normally.
// Also here: a burst grown while it waits is framed at the length it had when it was accepted.
import { describe, expect, it } from 'vitest';
import { ChunkerStream, chunkerStream, chunks, type ChunkerOptions } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { IMPLEMENTATIONS, settle } from './support/web.js';
import { frame } from './support/reference.js';
import {
  FOREIGN, callbackOutcome, chunksOf, concat, detach, expectInputError, expectOnlyInputBytes, expectPrefix, expectUnchanged, grow, growable, marked, outcome, resizable, resize, within, type Outcome,
} from './support/boundary.js';
import { STREAM, bytesOf } from './support/util.js';

const BIG = 4 << 20; // far more than any face reads ahead of a stalled consumer
const PREFIX = marked(100, 3); // an honest write before the hostile one: its chunks come first
const HONEST = marked(700, 4); // an honest write queued behind the hostile one

/** A hostile burst: what it is, the bytes it holds when accepted, and what the caller does to it. */
interface Hostile {
  burst: unknown;
  real: Uint8Array;
  mutate: () => void;
}

const bigBytes = marked(BIG, 5);

/** [what, how the burst is made over `bytes`]. Every one loses bytes the face has not read yet. */
const KINDS: [string, (bytes: Uint8Array) => Hostile][] = [
  ['a length-tracking Uint8Array, its resizable buffer shrunk to 1 KiB', (bytes) => {
    const buffer = resizable(bytes);
    return { burst: new Uint8Array(buffer), real: bytes, mutate: () => resize(buffer, 1024) };
  }],
  ['a fixed-length Uint8Array, its buffer detached (transferred)', (bytes) => {
    const buffer = resizable(bytes);
    return { burst: new Uint8Array(buffer, 0, bytes.length), real: bytes, mutate: () => detach(buffer) };
  }],
  ['a resizable ArrayBuffer itself, shrunk to 0', (bytes) => {
    const buffer = resizable(bytes);
    return { burst: buffer, real: bytes, mutate: () => resize(buffer, 0) };
  }],
  ['a length-tracking DataView at offset 4 KiB, its buffer detached', (bytes) => {
    const buffer = resizable(bytes);
    return { burst: new DataView(buffer, 4096), real: bytes.subarray(4096), mutate: () => detach(buffer) };
  }],
];

const SHAPES: [string, ChunkerOptions & { batch: boolean }][] = [
  ['64-byte chunks', { size: 64, batch: false }],
  ['64-byte chunks, batch', { size: 64, batch: true }],
  ['40,000-byte chunks (copy-once)', { size: 40_000, batch: false }],
  ['40,000-byte chunks (copy-once), batch', { size: 40_000, batch: true }],
];

const references = new Map<string, Uint8Array[]>();
/** The reference framing of the whole stream (PREFIX, `real`, HONEST), cached: framing 4 MiB of
 *  64-byte chunks takes a while. */
function reference(options: ChunkerOptions, real: Uint8Array, key: string): Uint8Array[] {
  const k = `${options.size}/${key}`;
  let want = references.get(k);
  if (!want) references.set(k, want = frame(concat([PREFIX, real, HONEST]), options).chunks);
  return want;
}

/** Records every chunk a face hands out, with its bytes at that moment. */
function recorder() {
  const rec = {
    chunks: [] as ArrayBufferView[],
    snapshots: [] as Uint8Array[],
    items: 0,
    take(item: unknown): void {
      rec.items++;
      for (const chunk of chunksOf(item)) {
        rec.chunks.push(chunk);
        rec.snapshots.push(bytesOf(chunk));
      }
    },
  };
  return rec;
}

/** The contract for a write that lost its bytes: coded error, a proper prefix, nothing changed or foreign. */
function expectFailedAfterPrefix(
  rec: ReturnType<typeof recorder>, want: Uint8Array[], error: unknown, write: Outcome, mustFail: boolean,
): void {
  if (write.ok) {
    expect(mustFail, 'the write reported success for bytes it could not have read').toBe(false);
    expect(error, 'a write that succeeded').toBeUndefined();
    expectPrefix(rec.snapshots, want, true);
  } else {
    expectInputError(write.error, 'the write');
    expectInputError(error, 'the stream');
    expectPrefix(rec.snapshots, want, false);
  }
  expectUnchanged(rec.chunks, rec.snapshots);
  expectOnlyInputBytes(rec.chunks);
}

// ---------------------------------------------------------------------------------------------
// The faces, each driven the same way: PREFIX, then the hostile burst (accepted at once: the face
// is idle), then HONEST and the end. With `stall`, the face has filled its queue and stopped when
// the burst loses its bytes, and only then does the consumer start; otherwise the loss happens
// once `when` says so, from inside the consumer (a 'data' handler, a read loop, a for-await body).

interface Drive {
  options: ChunkerOptions & { batch: boolean };
  hostile: Hostile;
  /** Mutate before consuming anything (the write then cannot have been read whole). */
  stall: boolean;
  /** Called after every chunk taken: mutate when it returns true (once). */
  when?: (taken: number) => boolean;
}

interface Result {
  rec: ReturnType<typeof recorder>;
  error: unknown; // what the stream or loop ended with
  write: Outcome; // the hostile write's outcome
}

type Face = (drive: Drive) => Promise<Result>;

const nodeFace: Face = async ({ options, hostile, stall, when }) => {
  const rec = recorder();
  const s = chunkerStream(options, { highWaterMark: 2 });
  const ended = new Promise<unknown>((resolve) => {
    s.on('error', resolve);
    s.on('end', () => resolve(undefined));
  });
  let mutated = false;
  const prefix = callbackOutcome((cb) => s.write(PREFIX, cb));
  const write = callbackOutcome((cb) => s.write(hostile.burst, cb));
  const buffered = s.readableLength; // items pushed before the loss: they must all come
  if (stall) {
    hostile.mutate();
    mutated = true;
  }
  let honest: Promise<Outcome> | undefined;
  try {
    honest = callbackOutcome((cb) => s.write(HONEST, cb));
    s.end();
  } catch (error) {
    expect.fail(`write() or end() threw synchronously instead of erroring the stream: ${String(error)}`);
  }
  s.on('data', (item: unknown) => {
    rec.take(item);
    if (!mutated && when?.(rec.chunks.length)) {
      mutated = true;
      hostile.mutate();
    }
  });
  const error = await within(ended, "the stream's 'end' or 'error'");
  if (stall) expect(rec.items, 'items the face had pushed before the loss').toBeGreaterThanOrEqual(buffered);
  expect((await within(prefix, 'the first write callback')).ok).toBe(true);
  const result = { rec, error, write: await within(write, "the hostile write's callback") };
  await within(honest!, 'the callback of the write queued behind it');
  return result;
};

const webFace = (impl: (typeof IMPLEMENTATIONS)[number]): Face => async ({ options, hostile, stall, when }) => {
  const rec = recorder();
  const pair = new ChunkerStream(options, { streams: impl.streams, highWaterMark: 2 });
  await settle(); // started: a write on an idle stream now runs the sink at once
  const writer = pair.writable.getWriter();
  const reader = pair.readable.getReader();
  const prefix = await within(outcome(writer.write(PREFIX)), 'the first write');
  expect(prefix.ok).toBe(true);
  const write = outcome(writer.write(hostile.burst as Uint8Array));
  let mutated = false;
  if (stall) {
    hostile.mutate();
    mutated = true;
  }
  const honest = outcome(writer.write(HONEST));
  const closed = outcome(writer.close());
  let error: unknown;
  const read = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      rec.take(value);
      if (!mutated && when?.(rec.chunks.length)) {
        mutated = true;
        hostile.mutate();
      }
    }
  })().catch((e: unknown) => { error = e; });
  await within(read, 'the reader');
  const result = { rec, error, write: await within(write, 'the hostile write') };
  const [honestOutcome, closeOutcome] = await within(Promise.all([honest, closed]), 'the write behind it and close()');
  if (!result.write.ok) {
    expect(honestOutcome.ok, 'a write queued behind the failed one').toBe(false);
    expect(closeOutcome.ok, 'close() after the failed write').toBe(false);
    if (!closeOutcome.ok) expectInputError(closeOutcome.error, 'close()');
  } else {
    expect(closeOutcome.ok).toBe(true);
  }
  return result;
};

const chunksFace: Face = async ({ options, hostile, stall, when }) => {
  const rec = recorder();
  const before = Math.floor(PREFIX.length / options.size); // chunks PREFIX alone completes
  let mutated = false;
  let took = false;
  async function* source() {
    yield PREFIX;
    took = true;
    yield hostile.burst;
    yield HONEST;
  }
  let error: unknown;
  const loop = (async () => {
    for await (const item of chunks(source(), options)) {
      rec.take(item);
      if (mutated) continue;
      // The loop has taken the hostile burst once it hands out a chunk beyond PREFIX's.
      if (stall ? took && rec.chunks.length > before : when?.(rec.chunks.length)) {
        mutated = true;
        hostile.mutate();
      }
    }
  })().catch((e: unknown) => { error = e; });
  await within(loop, 'the for-await loop');
  // chunks() has no per-write outcome: the loop's end is the write's.
  return { rec, error, write: error === undefined ? { ok: true } : { ok: false, error } };
};

const FACES: [string, Face][] = [
  ['Node face', nodeFace],
  ...IMPLEMENTATIONS.map((impl): [string, Face] => [`WHATWG face (${impl.name})`, webFace(impl)]),
  ['chunks()', chunksFace],
];

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe.each(FACES)('%s', (_, face) => {
    describe.each(SHAPES)('%s', (_shape, options) => {
      it.each(KINDS)('%s while the consumer is stalled: the write fails with ERR_REFRAME_INPUT after a prefix', async (kind, make) => {
        const hostile = make(bigBytes);
        const want = reference(options, hostile.real, kind);
        const { rec, error, write } = await face({ options, hostile, stall: true });
        expectFailedAfterPrefix(rec, want, error, write, true);
      }, STREAM);
    });

    // The same losses at seeded moments while the consumer reads: the write either read all its
    // bytes in time (and every chunk came), or failed with ERR_REFRAME_INPUT after a prefix.
    it.each([
      ['64-byte chunks', { size: 64, batch: false }, 8],
      ['4,000-byte chunks, batch', { size: 4000, batch: true }, 6],
      ['40,000-byte chunks', { size: 40_000, batch: false }, 6],
    ] as const)('%s, lost at random moments: all chunks, or ERR_REFRAME_INPUT after a prefix', async (_what, options, rounds) => {
      const bytes = marked(300_000, 6);
      const total = Math.floor((PREFIX.length + bytes.length) / options.size);
      let seed = 7;
      const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
      for (let round = 0; round < rounds; round++) {
        const [kind, make] = KINDS[round % KINDS.length]!;
        const hostile = make(bytes);
        const want = frame(concat([PREFIX, hostile.real, HONEST]), options).chunks;
        const at = round === rounds - 1 ? total : 1 + random(total); // the last round: at the very end
        const { rec, error, write } = await face({ options, hostile, stall: false, when: (taken) => taken >= at });
        try {
          expectFailedAfterPrefix(rec, want, error, write, false);
        } catch (e) {
          throw new Error(`round ${round} (${kind}, lost after chunk ${at}): ${(e as Error).message}`);
        }
      }
    }, 3 * STREAM);

    it.each([
      ['a length-tracking Uint8Array of a resizable ArrayBuffer', (bytes: Uint8Array) => {
        const buffer = resizable(bytes, 2 * bytes.length);
        return { burst: new Uint8Array(buffer), real: bytes, mutate: () => {
          resize(buffer, 2 * bytes.length);
          new Uint8Array(buffer, bytes.length).fill(FOREIGN);
        } };
      }],
      ['a length-tracking Uint8Array of a growable SharedArrayBuffer', (bytes: Uint8Array) => {
        const buffer = growable(bytes, 2 * bytes.length);
        return { burst: new Uint8Array(buffer), real: bytes, mutate: () => {
          grow(buffer, 2 * bytes.length);
          new Uint8Array(buffer, bytes.length).fill(FOREIGN);
        } };
      }],
    ] as const)('%s grown while its write waits: framed at the length it had when accepted', async (kind, make) => {
      for (const options of [{ size: 64, batch: false }, { size: 40_000, batch: true }]) {
        const hostile = make(marked(BIG / 4, 8));
        const want = frame(concat([PREFIX, hostile.real, HONEST]), options).chunks;
        const { rec, error, write } = await face({ options, hostile, stall: true });
        expect(write.ok, `${kind}, size ${options.size}: the write succeeds`).toBe(true);
        expect(error).toBeUndefined();
        expectPrefix(rec.snapshots, want, true, `size ${options.size}:`);
        expectOnlyInputBytes(rec.chunks, [], `size ${options.size}:`);
      }
    }, STREAM);
  });

  // A face is done with a burst once its write settles (SPEC "Input"): losing the buffer after
  // that is no error for anyone.
  describe('a buffer lost after its write settled changes nothing', () => {
    const options = { size: 64 };
    const bytes = marked(100_000, 12);
    const want = frame(concat([bytes, HONEST]), options).chunks;

    it('Node face', async () => {
      const rec = recorder();
      const s = chunkerStream(options);
      s.on('data', rec.take);
      const ended = new Promise<unknown>((resolve) => {
        s.on('error', resolve);
        s.on('end', () => resolve(undefined));
      });
      const buffer = resizable(bytes);
      expect((await within(callbackOutcome((cb) => s.write(new Uint8Array(buffer), cb)), 'the write')).ok).toBe(true);
      detach(buffer);
      s.end(HONEST);
      expect(await within(ended, 'the stream ending')).toBeUndefined();
      expectPrefix(rec.snapshots, want, true);
    }, STREAM);

    it.each(IMPLEMENTATIONS)('WHATWG face ($name)', async (impl) => {
      const rec = recorder();
      const pair = new ChunkerStream(options, { streams: impl.streams });
      const writer = pair.writable.getWriter();
      const reader = pair.readable.getReader();
      const read = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          rec.take(value);
        }
      })();
      const buffer = resizable(bytes);
      await within(writer.write(new Uint8Array(buffer)), 'the write');
      resize(buffer, 0);
      await within(writer.write(HONEST), 'the next write');
      await within(writer.close(), 'close()');
      await within(read, 'the reader');
      expectPrefix(rec.snapshots, want, true);
    }, STREAM);

    it('chunks()', async () => {
      const rec = recorder();
      const buffer = resizable(bytes);
      async function* source() {
        yield new Uint8Array(buffer);
        detach(buffer); // the loop asks for the next burst: it is done with this one
        yield HONEST;
      }
      await within((async () => {
        for await (const item of chunks(source(), options)) rec.take(item);
      })(), 'the loop');
      expectPrefix(rec.snapshots, want, true);
    }, STREAM);
  });

  // Accepted means taken by the face, not passed to write(): a write queued behind another is
  // read at the length its buffer has when the face gets to it.
  describe('a write queued behind another is read at the length it has when the face takes it', () => {
    const first = marked(1 << 20, 10);
    const options = { size: 64 };

    it('Node face', async () => {
      const rec = recorder();
      const s = chunkerStream(options, { highWaterMark: 2 });
      const ended = new Promise<unknown>((resolve) => {
        s.on('error', resolve);
        s.on('end', () => resolve(undefined));
      });
      const buffer = resizable(marked(5000, 11));
      s.write(first); // stalls: the consumer is not reading
      s.write(new Uint8Array(buffer)); // queued
      resize(buffer, 1000); // before the face takes it
      s.end();
      s.on('data', rec.take);
      expect(await within(ended, 'the stream ending')).toBeUndefined();
      expectPrefix(rec.snapshots, frame(concat([first, marked(5000, 11).subarray(0, 1000)]), options).chunks, true);
    }, STREAM);

    it.each(IMPLEMENTATIONS)('WHATWG face ($name)', async (impl) => {
      const rec = recorder();
      const pair = new ChunkerStream(options, { streams: impl.streams, highWaterMark: 2 });
      await settle();
      const writer = pair.writable.getWriter();
      const buffer = resizable(marked(5000, 11));
      const writes = [outcome(writer.write(first)), outcome(writer.write(new Uint8Array(buffer))), outcome(writer.close())];
      resize(buffer, 1000);
      const reader = pair.readable.getReader();
      const read = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          rec.take(value);
        }
      })();
      await within(read, 'the reader');
      expect((await within(Promise.all(writes), 'the writes')).every((o) => o.ok)).toBe(true);
      expectPrefix(rec.snapshots, frame(concat([first, marked(5000, 11).subarray(0, 1000)]), options).chunks, true);
    }, STREAM);
  });
});
