// The bad-input catalogue (issue 6): every bad option and bad input SPEC.md names, on every face
// (Chunker, the Node face, the WHATWG face on both streams implementations, chunks()) and both cores,
// each under a time bound (the test timeout): a coded error, no hang, no crash, and a refused burst
// leaves the state as it was. Error, cancel and abort paths must leave no unhandled rejection (vitest
// fails the run on one). Last: padding never exposes stale memory.
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  Chunker, ChunkerStream, ChunkerTransform, chunkerStream, chunks, type ChunkerOptions, type SampleType,
} from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { IMPLEMENTATIONS } from './support/web.js';
import { BAD_OPTIONS } from './support/bad-options.js';
import { STREAM, bytesOf, caught, collectNode, expectCoded, scaled, seq, type Coded } from './support/util.js';

type AnyOptions = ChunkerOptions<SampleType> | number;

// Bad options (SPEC "Options"): test/support/bad-options.ts.

/** Every face's constructor (or call), each of which must refuse bad options synchronously. */
const CONSTRUCTORS: [string, (options: unknown) => unknown][] = [
  ['new Chunker', (o) => new Chunker(o as AnyOptions)],
  ['chunkerStream', (o) => chunkerStream(o as AnyOptions)],
  ['new ChunkerTransform', (o) => new ChunkerTransform(o as AnyOptions)],
  ...IMPLEMENTATIONS.map((impl): [string, (options: unknown) => unknown] =>
    [`new ChunkerStream (${impl.name})`, (o) => new ChunkerStream(o as AnyOptions, { streams: impl.streams })]),
  ['chunks', (o) => chunks([seq(4)], o as AnyOptions)],
];

// ---------------------------------------------------------------------------------------------
// Bad bursts (SPEC "Input").

const ARRAYS = [
  Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;

/** Not a burst on any face, for any type. */
const NOT_BURSTS: [string, unknown][] = [
  ['a number', 42], ['a plain object', { length: 4 }], ['an array', [1, 2, 3, 4]], ['undefined', undefined],
  ['a boolean', true], ['a symbol', Symbol('burst')], ['a function', () => 0], ['a bigint', 4n],
  ['a view lookalike', { buffer: new ArrayBuffer(4), byteOffset: 0, byteLength: 4 }],
  ['a promise', Promise.resolve(new Uint8Array(4))], ['a Blob', new Blob([new Uint8Array(4)])],
];

/** The type every burst test runs with, and a burst of each wrong kind for it. */
const INT16 = { size: 4, hop: 3, type: 'int16' } as const;
const WRONG_FOR_INT16: [string, unknown][] = [
  ...NOT_BURSTS,
  ...ARRAYS.filter((A) => A !== Int16Array).map((A): [string, unknown] => [`a ${A.name}`, new A(8)]),
  ['a Uint8ClampedArray (bytes only for uint8)', new Uint8ClampedArray(4)],
  ['a string (int16 is not bytes)', 'abcd'],
];
const WRONG_FOR_INT16_WEB: [string, unknown][] = [...WRONG_FOR_INT16, ['null', null]];
const WRONG_FOR_INT16_CHUNKER: [string, unknown][] = [...WRONG_FOR_INT16, ['null', null], ['a uint8 string', 'abcd']];

/** The good bursts before the bad one: 11 bytes = 5 samples and a stray byte; with size 4, hop 3:
 *  one chunk (samples 0..3), then sample 4 pending and a byte of sample 5. */
const PREFIX = [seq(5), seq(6, 5)];
const PREFIX_CHUNKS = [seq(8)];

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe('bad options: a coded TypeError/RangeError at construction, naming the option', () => {
    describe.each(CONSTRUCTORS)('%s', (_, construct) => {
      it.each(BAD_OPTIONS)('%s', (_label, options, option, kind) => {
        const error = expectCoded(caught(() => construct(options)), 'ERR_REFRAME_OPTION', kind);
        expect(error.message).toContain(option);
      }, STREAM);
    });

    it.each(IMPLEMENTATIONS)('new ChunkerStream ($name): bad highWaterMark and streams are ERR_REFRAME_OPTION', (impl) => {
      for (const highWaterMark of [-1, 1.5, NaN, Infinity, '4']) {
        expectCoded(caught(() => new ChunkerStream(4, { streams: impl.streams, highWaterMark: highWaterMark as number })), 'ERR_REFRAME_OPTION');
      }
      for (const streams of [null, 5, {}, { ReadableStream: 1, WritableStream: 2 }]) {
        expectCoded(caught(() => new ChunkerStream(4, { streams: streams as never })), 'ERR_REFRAME_OPTION');
      }
    }, STREAM);
  });

  describe('Chunker: a refused push changes nothing', () => {
    it.each(WRONG_FOR_INT16_CHUNKER)('%s', (_, bad) => {
      const refused = new Chunker(INT16);
      const clean = new Chunker(INT16);
      const got = [...refused.push(PREFIX[0]), ...refused.push(PREFIX[1])].map(bytesOf);
      const want = [...clean.push(PREFIX[0]), ...clean.push(PREFIX[1])].map(bytesOf);
      const pending = refused.pending;
      expect(pending).toBe(1);
      expectCoded(caught(() => refused.push(bad as Uint8Array)), 'ERR_REFRAME_INPUT', TypeError);
      expect(refused.pending).toBe(pending); // what was pending is still pending
      // ... and the stream goes on as if the refused burst had never come.
      const rest = seq(13, 11);
      got.push(...refused.push(rest).map(bytesOf), ...refused.flush().map(bytesOf));
      want.push(...clean.push(rest).map(bytesOf), ...clean.flush().map(bytesOf));
      expect(got).toEqual(want);
    }, STREAM);
  });

  describe('Node face: a bad write errors the stream after the chunks completed before it', () => {
    it.each(WRONG_FOR_INT16)('%s', async (_, bad) => {
      const s = chunkerStream(INT16);
      const done = collectNode<Int16Array>(s);
      for (const burst of PREFIX) s.write(burst);
      s.write(bad);
      s.end();
      const { items, error } = await done;
      expectCoded(error, 'ERR_REFRAME_INPUT', TypeError);
      expect((items as ArrayBufferView[]).map(bytesOf)).toEqual(PREFIX_CHUNKS); // nothing after: the partial chunk is not handed out
      expect(s.destroyed).toBe(true);
    }, STREAM);

    it("write(null) throws Node's ERR_STREAM_NULL_VALUES and the stream goes on unchanged", async () => {
      const s = chunkerStream(INT16);
      const done = collectNode<Int16Array>(s);
      for (const burst of PREFIX) s.write(burst);
      await new Promise((resolve) => setImmediate(resolve));
      const pending = s.pending;
      expect(pending).toBe(1);
      expectCoded(caught(() => s.write(null)), 'ERR_STREAM_NULL_VALUES', TypeError);
      expect(s.pending).toBe(pending);
      s.end(seq(13, 11));
      const { items, error } = await done;
      expect(error).toBeUndefined();
      const clean = new Chunker(INT16);
      const want = [...clean.push(seq(24)), ...clean.flush()].map(bytesOf);
      expect(items.map(bytesOf)).toEqual(want);
    }, STREAM);

    it('a bad write with a callback: the callback gets the coded error', async () => {
      const s = chunkerStream(INT16);
      s.on('error', () => {});
      s.resume();
      const error = await new Promise<unknown>((resolve) => s.write(7, resolve));
      expectCoded(error, 'ERR_REFRAME_INPUT', TypeError);
    }, STREAM);
  });

  describe.each(IMPLEMENTATIONS)('WHATWG face ($name): a bad write errors both sides after the chunks before it', (impl) => {
    it.each(WRONG_FOR_INT16_WEB)('%s', async (_, bad) => {
      const pair = new ChunkerStream(INT16, { streams: impl.streams });
      const { items, readError, writeResults, closeResult } = await drive(pair, [...PREFIX, bad]);
      expect(writeResults.slice(0, PREFIX.length)).toEqual([undefined, undefined]);
      expectCoded(writeResults[PREFIX.length], 'ERR_REFRAME_INPUT', TypeError);
      expectCoded(readError, 'ERR_REFRAME_INPUT', TypeError);
      expect(closeResult).toBeDefined(); // close() after the error rejects
      expect((items as ArrayBufferView[]).map(bytesOf)).toEqual(PREFIX_CHUNKS);
      expect(pair.pending).toBe(1); // the refused burst did not touch what was pending
    }, STREAM);
  });

  describe('chunks(): a bad burst ends the loop with the coded error after the chunks before it', () => {
    // for await unwraps a promise a source yields (the language's rule), so a promise is not a bad burst here.
    it.each(WRONG_FOR_INT16.filter(([label]) => label !== 'a promise'))('%s', async (_, bad) => {
      const { items, error } = await loop(chunks([...PREFIX, bad], INT16));
      expectCoded(error, 'ERR_REFRAME_INPUT', TypeError);
      expect((items as ArrayBufferView[]).map(bytesOf)).toEqual(PREFIX_CHUNKS);
    }, STREAM);

    it.each([
      ['null', null], ['undefined', undefined], ['a number', 4], ['a plain object', { size: 4 }],
      ['a single Uint8Array (not a source of bursts)', new Uint8Array(4)], ['a string', 'abcd'],
    ])('a source that is %s: ERR_REFRAME_INPUT at the call', (_, source) => {
      expectCoded(caught(() => chunks(source as never, 4)), 'ERR_REFRAME_INPUT', TypeError);
    }, STREAM);
  });

  // ---------------------------------------------------------------------------------------------
  // The end of the stream (SPEC "tail"): a partial chunk under tail 'error', and a stream that ends
  // inside a sample. Each face reports the coded error with the tail; the Chunker starts afresh.

  const ENDS: [string, ChunkerOptions<SampleType>, Uint8Array[], string, number][] = [
    ["tail 'error' with a partial chunk", { size: 4, type: 'int16', tail: 'error' }, [seq(6)], 'ERR_REFRAME_TAIL', 6],
    ['the stream ends inside a sample (emit)', { size: 4, type: 'int16' }, [seq(5)], 'ERR_REFRAME_INPUT', 4],
    ['the stream ends inside a sample (pad)', { size: 4, type: 'int16', tail: 'pad' }, [seq(3)], 'ERR_REFRAME_INPUT', 2],
    ['the stream ends inside a sample (error)', { size: 4, type: 'int16', tail: 'error' }, [seq(1)], 'ERR_REFRAME_INPUT', 0],
    ['the stream ends inside a complex stereo sample', { size: 2, type: 'complex64', channels: 2 }, [seq(17)], 'ERR_REFRAME_INPUT', 16],
  ];

  describe.each(ENDS)('%s', (_, options, bursts, code, tailBytes) => {
    const expectTail = (error: unknown) => {
      const e = expectCoded(error, code);
      if (tailBytes > 0) expect(bytesOf(e.tail!)).toEqual(seq(tailBytes));
    };

    it('Chunker: flush() throws, then a fresh stream starts', () => {
      const c = new Chunker(options);
      for (const burst of bursts) c.push(burst);
      expectTail(caught(() => c.flush()));
      expect(c.pending).toBe(0);
      expect(c.flush()).toEqual([]);
    }, STREAM);

    it('Node face: end() errors the stream', async () => {
      const s = chunkerStream(options);
      const done = collectNode(s);
      for (const burst of bursts) s.write(burst);
      s.end();
      const { items, error } = await done;
      expectTail(error);
      expect(items).toEqual([]);
    }, STREAM);

    it('Node face: flush() mid-stream errors the stream', async () => {
      const s = chunkerStream(options);
      const done = collectNode(s);
      for (const burst of bursts) s.write(burst);
      s.flush();
      const { error } = await done;
      expectTail(error);
    }, STREAM);

    it.each(IMPLEMENTATIONS)('WHATWG face ($name): close() and read() reject', async (impl) => {
      const { items, readError, closeResult } = await drive(new ChunkerStream(options, { streams: impl.streams }), bursts);
      expectTail(readError);
      expectTail(closeResult);
      expect(items).toEqual([]);
    }, STREAM);

    it('chunks(): the loop throws at the end', async () => {
      const { items, error } = await loop(chunks(bursts, options));
      expectTail(error);
      expect(items).toEqual([]);
    }, STREAM);
  });

  // ---------------------------------------------------------------------------------------------
  // Cancel and abort in the middle of a huge burst: everything settles, nothing is left unhandled.

  describe('cancel, abort and destroy mid-burst settle with no unhandled rejection', () => {
    const huge = () => new Uint8Array(1 << 20); // 1 MiB: 16,384 chunks of 64, produced lazily

    it('Node face: destroy(error) while a huge write waits for the consumer', async () => {
      const s = chunkerStream({ size: 64 }, { highWaterMark: 2 });
      const written = new Promise<unknown>((resolve) => s.write(huge(), resolve));
      const failed = new Promise<unknown>((resolve) => s.on('error', resolve));
      const closed = new Promise((resolve) => s.on('close', resolve));
      s.read();
      s.destroy(Object.assign(new Error('stop'), { code: 'STOP' }));
      expect((await failed as Coded).code).toBe('STOP');
      await closed;
      expect(await written).toBeInstanceOf(Error); // nobody awaits that write's callback forever
      expect(s.pending).toBe(0); // the engine's state is released
    }, STREAM);

    it('Node face: an AbortSignal aborts a huge write', async () => {
      const controller = new AbortController();
      const s = chunkerStream({ size: 64 }, { highWaterMark: 2, signal: controller.signal });
      const failed = new Promise<unknown>((resolve) => s.on('error', resolve));
      s.write(huge());
      controller.abort();
      expect((await failed as Coded).name).toBe('AbortError');
    }, STREAM);

    it.each(IMPLEMENTATIONS)('WHATWG face ($name): cancel() the readable mid-burst', async (impl) => {
      const pair = new ChunkerStream({ size: 64 }, { streams: impl.streams, highWaterMark: 2 });
      const writer = pair.writable.getWriter();
      const write = writer.write(huge()).then(() => 'resolved', (e: unknown) => e);
      const reader = pair.readable.getReader();
      await reader.read();
      await reader.cancel('enough');
      expect(await write).toBe('enough'); // the pending write rejects with the reason
      await expect(writer.closed).rejects.toBe('enough');
      expect(pair.pending).toBe(0);
    }, STREAM);

    it.each(IMPLEMENTATIONS)('WHATWG face ($name): abort() the writable mid-burst', async (impl) => {
      const pair = new ChunkerStream({ size: 64 }, { streams: impl.streams, highWaterMark: 2 });
      const writer = pair.writable.getWriter();
      const write = writer.write(huge()).then(() => 'resolved', (e: unknown) => e);
      const reader = pair.readable.getReader();
      await reader.read();
      await writer.abort('gone');
      expect(await write).toBe('gone');
      await expect(reader.closed).rejects.toBe('gone');
      expect(pair.pending).toBe(0);
    }, STREAM);

    it('chunks(): leaving the loop mid-burst releases the source', async () => {
      let released = false;
      async function* source() {
        try {
          yield huge();
          yield huge();
        } finally {
          released = true;
        }
      }
      let n = 0;
      for await (const _chunk of chunks(source(), 64)) if (++n === 3) break;
      expect(released).toBe(true);
    }, STREAM);

    it('chunks(): a source that throws ends the loop with its error', async () => {
      async function* source() {
        yield seq(100);
        throw Object.assign(new Error('source failed'), { code: 'SOURCE' });
      }
      const { items, error } = await loop(chunks(source(), 64));
      expect(items).toHaveLength(1);
      expect((error as Coded).code).toBe('SOURCE');
    }, STREAM);
  });

  // ---------------------------------------------------------------------------------------------
  // Stale memory: output memory comes uninitialized (Buffer.allocUnsafeSlow) and the native
  // engine's window is uninitialized too. Padding must write every byte it hands out, so no chunk
  // (nor the rest of its ArrayBuffer) may ever hold a byte of memory freed before.

  describe('padding never exposes stale memory', () => {
    const SECRET = 0xa5;
    const gc = exposeGc();

    /** Allocates secrets in every way a process does, fills them with SECRET, and drops them. */
    function spill(round: number): void {
      const sizes = [64, 4096, 4096 + round % 64, 65536];
      for (const size of sizes) {
        Buffer.allocUnsafeSlow(size).fill(SECRET);
        Buffer.allocUnsafe(size).fill(SECRET); // from Node's pool when small
        new Uint8Array(size).fill(SECRET);
      }
      new Chunker(4096).push(new Uint8Array(5000).fill(SECRET)); // secrets through an engine, too
      if (gc && round % 50 === 0) gc();
    }

    /** The chunk is exactly the pushed samples and fill, and no byte of its whole ArrayBuffer (which
     *  may hold other chunks of the same stream) is a secret. One cheap check per chunk: thousands
     *  of deep toEqual calls on 4 KiB arrays would take minutes. */
    function expectClean(chunk: ArrayBufferView, expected: Uint8Array): void {
      const all = new Uint8Array(chunk.buffer);
      const clean = !all.includes(SECRET) && Buffer.compare(bytesOf(chunk), expected) === 0;
      if (!clean) expect(bytesOf(chunk), `the chunk's ArrayBuffer holds ${all.filter((b) => b === SECRET).length} secret bytes`).toEqual(expected);
      expect(clean).toBe(true);
    }

    const padded = (size: number, first: number[], fill: number[]) => {
      const out = new Uint8Array(size);
      out.set(first);
      for (let at = first.length; at < size; at += fill.length) out.set(fill, at);
      return out;
    };

    it('Chunker: 2,000 cycles of a 1-byte push and a padded flush (a new and a reused chunker)', () => {
      const reused = new Chunker({ size: 4096, tail: 'pad', fill: 7 });
      const expected = padded(4096, [1], [7]);
      for (let round = 0; round < 2000; round++) {
        spill(round);
        const fresh = new Chunker({ size: 4096, tail: 'pad', fill: 7 });
        fresh.push(Uint8Array.of(1));
        reused.push(Uint8Array.of(1));
        const [a] = fresh.flush();
        const [b] = reused.flush();
        expectClean(a, expected);
        expectClean(b, expected);
      }
    }, scaled(60_000));

    it('Chunker: copy-once chunks (32 KiB and more), completed in place, and their padded tails', () => {
      const size = 40_000;
      const whole = new Uint8Array(size).fill(1);
      const tail = padded(1000, [1, 1], [7]);
      for (let round = 0; round < 200; round++) {
        spill(round);
        Buffer.allocUnsafeSlow(size).fill(SECRET);
        const c = new Chunker({ size, tail: 'pad', fill: 7, align: 1000 });
        expect(c.push(whole.subarray(1))).toEqual([]); // the window is left open in output memory
        const [chunk] = c.push(Uint8Array.of(1, 1, 1)); // ... and completed there
        expectClean(chunk, whole);
        expectClean(c.flush()[0], tail);
      }
    }, scaled(60_000));

    it('Chunker: multi-byte samples with align, emit and error tails', () => {
      const fill = [4, 3, 2, 1, 4, 3, 2, 1]; // uint32 0x01020304, little-endian, 2 channels
      const le = new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 4;
      const sampleFill = le ? fill : [1, 2, 3, 4, 1, 2, 3, 4];
      for (let round = 0; round < 500; round++) {
        spill(round);
        const pad = new Chunker({ size: 1000, type: 'uint32', channels: 2, tail: 'pad', fill: 0x01020304, align: 10 });
        pad.push(new Uint8Array(8).fill(9));
        expectClean(pad.flush()[0], padded(80, [9, 9, 9, 9, 9, 9, 9, 9], sampleFill));

        const emit = new Chunker({ size: 1000, type: 'uint32', channels: 2 });
        emit.push(new Uint8Array(8).fill(9));
        expectClean(emit.flush()[0], new Uint8Array(8).fill(9));

        const error = new Chunker({ size: 1000, tail: 'error' });
        error.push(Uint8Array.of(9));
        expectClean(expectCoded(caught(() => error.flush()), 'ERR_REFRAME_TAIL').tail!, Uint8Array.of(9));
      }
    }, scaled(60_000));

    it('Node face: 300 cycles of a 1-byte write and a padded flush()', async () => {
      const s = chunkerStream({ size: 4096, tail: 'pad', fill: 7 });
      const items: Buffer[] = [];
      s.on('data', (chunk: Buffer) => items.push(chunk));
      for (let round = 0; round < 300; round++) {
        spill(round);
        s.write(Uint8Array.of(1));
        await new Promise<void>((resolve) => s.flush(() => resolve()));
      }
      s.end();
      await new Promise((resolve) => s.on('end', resolve));
      expect(items).toHaveLength(300);
      for (const chunk of items) expectClean(chunk, padded(4096, [1], [7]));
    }, scaled(60_000));

    it.each(IMPLEMENTATIONS)('WHATWG face ($name) and chunks(): 300 padded streams of one byte', async (impl) => {
      const expected = padded(4096, [1], [7]);
      for (let round = 0; round < 300; round++) {
        spill(round);
        const { items } = await drive(new ChunkerStream({ size: 4096, tail: 'pad', fill: 7 }, { streams: impl.streams }), [Uint8Array.of(1)]);
        expect(items).toHaveLength(1);
        expectClean(items[0] as Uint8Array, expected);
        const looped = await loop(chunks([Uint8Array.of(1)], { size: 4096, tail: 'pad', fill: 7 }));
        expect(looped.items).toHaveLength(1);
        expectClean(looped.items[0] as Uint8Array, expected);
      }
    }, scaled(60_000));
  });
});

// ---------------------------------------------------------------------------------------------

/** Writes `bursts` then closes, while reading everything: each write's and close's outcome
 *  (undefined when it resolved, else the rejection) and the items read before any error. */
async function drive(pair: ChunkerStream<SampleType, boolean>, bursts: unknown[]) {
  const writer = pair.writable.getWriter();
  const reader = pair.readable.getReader();
  const settle = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
  const writes = bursts.map((burst) => settle(writer.write(burst as Uint8Array)));
  const close = settle(writer.close());
  const items: unknown[] = [];
  let readError: unknown;
  for (;;) {
    try {
      const { done, value } = await reader.read();
      if (done) break;
      items.push(value);
    } catch (error) {
      readError = error;
      break;
    }
  }
  return { items, readError, writeResults: await Promise.all(writes), closeResult: await close };
}

/** Runs a for-await loop to its end: the items and the error it threw, if any. */
async function loop(iterable: AsyncIterable<unknown>) {
  const items: unknown[] = [];
  try {
    for await (const item of iterable) items.push(item);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

/** global.gc, or one obtained through V8's flags when node runs without --expose-gc. */
function exposeGc(): (() => void) | undefined {
  const global = globalThis as { gc?: () => void };
  if (typeof global.gc === 'function') return global.gc;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}
