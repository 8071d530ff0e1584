// The Node face (SPEC "Faces"): an object-mode stream.Transform. One chunk per item (or arrays with
// batch), Buffers for uint8, stream options passed through, pipeline / pipe / for await, pending.
import { describe, expect, it } from 'vitest';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChunkerTransform, chunkerStream } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { frame } from './support/reference.js';
import { STREAM, bytesOf, collectNode, seq, thrown } from './support/util.js';


describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  it('is a stream.Transform; chunkerStream(n) is shorthand for new ChunkerTransform({ size: n })', async () => {
    const s = chunkerStream(3);
    expect(s).toBeInstanceOf(Transform);
    expect(s).toBeInstanceOf(ChunkerTransform);
    const a = collectNode<Buffer>(s);
    const b = collectNode<Buffer>(new ChunkerTransform({ size: 3 }).end(seq(7)) as ChunkerTransform);
    s.end(seq(7));
    expect((await a).items.map(bytesOf)).toEqual((await b).items.map(bytesOf));
  });

  it('read() returns one chunk at a time, never glued together', async () => {
    const s = chunkerStream(3);
    expect(s.readableObjectMode).toBe(true);
    s.end(seq(10));
    await new Promise((resolve) => s.once('readable', resolve));
    const got: number[][] = [];
    let chunk: Buffer | null;
    while ((chunk = s.read()) !== null) got.push(Array.from(chunk));
    expect(got).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  }, STREAM);

  it('uint8 chunks are Buffers, the tail included', async () => {
    const s = chunkerStream(4);
    const done = collectNode<Buffer>(s);
    s.end(seq(6));
    const { items } = await done;
    expect(items).toHaveLength(2);
    for (const chunk of items) expect(Buffer.isBuffer(chunk)).toBe(true);
  });

  it.each([
    ['int16', Int16Array], ['float32', Float32Array], ['complex64', Float32Array], ['biguint64', BigUint64Array],
  ] as const)('%s chunks are %O, not Buffers, with element-aligned byteOffset', async (type, Own) => {
    const s = chunkerStream({ size: 3, type });
    const done = collectNode<ArrayBufferView>(s);
    s.end(new Uint8Array(Own.BYTES_PER_ELEMENT * (type === 'complex64' ? 2 : 1) * 8));
    const { items } = await done;
    expect(items).toHaveLength(3);
    for (const chunk of items) {
      expect(chunk).toBeInstanceOf(Own);
      expect(Buffer.isBuffer(chunk)).toBe(false);
      expect(chunk.byteOffset % Own.BYTES_PER_ELEMENT).toBe(0);
    }
  });

  describe('batch', () => {
    it('hands out non-empty arrays of the same chunks', async () => {
      const bursts = [seq(5), seq(0), seq(1, 5), seq(30, 6), seq(2, 36)];
      const single = chunkerStream({ size: 4, hop: 3 });
      const batched = chunkerStream({ size: 4, hop: 3, batch: true });
      const a = collectNode<Buffer>(single);
      const b = collectNode<Buffer[]>(batched);
      for (const burst of bursts) {
        single.write(burst);
        batched.write(burst);
      }
      single.end();
      batched.end();
      const { items: arrays } = await b;
      for (const array of arrays) {
        expect(Array.isArray(array)).toBe(true);
        expect(array.length).toBeGreaterThan(0);
      }
      expect(arrays.flat().map(bytesOf)).toEqual((await a).items.map(bytesOf));
    });

    it('one huge burst comes as several arrays', async () => {
      const s = chunkerStream({ size: 1, batch: true });
      const done = collectNode<Buffer[]>(s);
      s.end(seq(100_000));
      const { items } = await done;
      // Arrays of up to 64 KiB of chunks: 65,536 one-byte chunks, then the rest.
      expect(items.map((array) => array.length)).toEqual([65_536, 100_000 - 65_536]);
      expect(items.flat()).toHaveLength(100_000);
    }, STREAM);
  });

  describe('stream options pass through', () => {
    it('highWaterMark: one huge write is produced as the consumer reads', async () => {
      const s = chunkerStream(1, { highWaterMark: 2 });
      expect(s.readableHighWaterMark).toBe(2);
      expect(s.writableHighWaterMark).toBe(2);
      let written = false;
      s.write(seq(1000), () => (written = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(s.readableLength).toBeLessThan(1000); // not every chunk at once
      expect(written).toBe(false); // the burst is still being read
      const got: Buffer[] = [];
      let chunk: Buffer | null;
      while (got.length < 1000) {
        while ((chunk = s.read()) !== null) got.push(chunk);
        if (got.length < 1000) await new Promise((resolve) => s.once('readable', resolve));
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(written).toBe(true);
      expect(Buffer.concat(got)).toEqual(Buffer.from(seq(1000)));
    }, STREAM);

    it('signal: aborting destroys the stream with an AbortError', async () => {
      const controller = new AbortController();
      const s = chunkerStream(4, { signal: controller.signal });
      const done = collectNode(s);
      s.write(seq(2));
      controller.abort();
      const { error } = await done;
      expect(s.destroyed).toBe(true);
      expect(error?.name).toBe('AbortError');
    }, STREAM);

    it('an already aborted signal destroys it at once', async () => {
      const s = chunkerStream(4, { signal: AbortSignal.abort() });
      const { error } = await collectNode(s);
      expect(s.destroyed).toBe(true);
      expect(error?.name).toBe('AbortError');
    }, STREAM);
  });

  it.each(['construct', 'read', 'write', 'writev', 'final', 'destroy', 'transform', 'flush'])(
    'a %s hook among the stream options is refused (it would replace the re-framing)',
    (hook) => {
      thrown(() => chunkerStream(4, { [hook]: () => {} }), 'ERR_REFRAME_OPTION', TypeError);
    },
    STREAM,
  );

  it('pipeline(Readable.from(bursts), chunkerStream(...), sink)', async () => {
    const stream = seq(1000);
    const cuts = [0, 17, 18, 18, 400, 401, 999, 1000]; // an empty burst, single bytes, a big one
    const bursts = cuts.slice(1).map((to, i) => stream.subarray(cuts[i], to));
    const got: Buffer[] = [];
    await pipeline(
      Readable.from(bursts),
      chunkerStream({ size: 64, tail: 'pad', fill: 0xff }),
      new Writable({ objectMode: true, write(chunk: Buffer, _, cb) { got.push(chunk); cb(); } }),
    );
    expect(got.map(bytesOf)).toEqual(frame(stream, { size: 64, tail: 'pad', fill: 0xff }).chunks);
  }, STREAM);

  it('source.pipe(chunkerStream(n)) and for await over it', async () => {
    const stream = seq(300, 9);
    const s = Readable.from([stream.subarray(0, 100), stream.subarray(100)]).pipe(chunkerStream({ size: 7, hop: 5 }));
    const got: Buffer[] = [];
    for await (const chunk of s) got.push(chunk as Buffer);
    expect(got.map(bytesOf)).toEqual(frame(stream, { size: 7, hop: 5 }).chunks);
  }, STREAM);

  it('highWaterMark 0 still delivers every chunk', async () => {
    const stream = seq(50);
    const got: Buffer[] = [];
    await pipeline(
      Readable.from([stream]),
      chunkerStream({ size: 3, hop: 2 }, { highWaterMark: 0 }),
      new Writable({ objectMode: true, highWaterMark: 0, write(chunk: Buffer, _, cb) { got.push(chunk); setImmediate(cb); } }),
    );
    expect(got.map(bytesOf)).toEqual(frame(stream, { size: 3, hop: 2 }).chunks);
  }, STREAM);

  it('an empty burst produces nothing; its write callback runs', async () => {
    const s = chunkerStream(2);
    const done = collectNode<Buffer>(s);
    await new Promise<void>((resolve, reject) => s.write(new Uint8Array(0), (e) => (e ? reject(e) : resolve())));
    await new Promise<void>((resolve, reject) => s.write('', (e) => (e ? reject(e) : resolve())));
    s.end(seq(2));
    expect((await done).items.map((b) => Array.from(b))).toEqual([[0, 1]]);
  }, STREAM);

  it('pending counts whole samples not yet in a chunk', async () => {
    const s = chunkerStream({ size: 4, type: 'uint16' });
    const done = collectNode(s);
    const write = (bytes: Uint8Array) => new Promise<void>((resolve) => s.write(bytes, () => resolve()));
    expect(s.pending).toBe(0);
    await write(seq(5));
    expect(s.pending).toBe(2);
    await write(seq(4));
    expect(s.pending).toBe(0);
    await write(seq(3));
    expect(s.pending).toBe(2);
    s.end();
    expect((await done).error).toBeUndefined();
  });
});
