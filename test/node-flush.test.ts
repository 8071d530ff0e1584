// flush(callback?) on the Node face (SPEC "Faces"): mid-stream, the partial chunk per the tail policy
// without ending the stream; queued behind earlier writes; the callback runs once it is pushed.
import { describe, expect, it } from 'vitest';
import { chunkerStream, type ChunkerTransform } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { STREAM, bytesOf, collectNode, seq } from './support/util.js';


/** Everything buffered on the readable side right now, as arrays of numbers. */
function drain(s: ChunkerTransform<'uint8'>): number[][] {
  const out: number[][] = [];
  let chunk: Buffer | null;
  while ((chunk = s.read()) !== null) out.push(Array.from(chunk));
  return out;
}

const flushed = (s: ChunkerTransform<any>) =>
  new Promise<Error | null | undefined>((resolve) => s.flush((error) => resolve(error)));

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  it("'emit': hands out the partial chunk, then the stream goes on as a fresh one", async () => {
    const s = chunkerStream(4);
    const done = collectNode<Buffer>(s);
    s.write(seq(6));
    s.flush();
    s.write(seq(5, 10)); // a fresh stream: its first chunk starts at byte 10
    s.end();
    const { items, error } = await done;
    expect(error).toBeUndefined();
    expect(items.map((b) => Array.from(b))).toEqual([[0, 1, 2, 3], [4, 5], [10, 11, 12, 13], [14]]);
  }, STREAM);

  it('the callback runs once the chunk is pushed, behind the writes before it', async () => {
    const s = chunkerStream(3);
    s.write(seq(2));
    s.write(seq(2, 2));
    s.write(seq(1, 4));
    const error = await flushed(s);
    expect(error ?? undefined).toBeUndefined();
    expect(drain(s)).toEqual([[0, 1, 2], [3, 4]]);
    expect(s.pending).toBe(0);
    s.destroy();
  }, STREAM);

  it('is queued behind a huge write still being read lazily', async () => {
    const s = chunkerStream(2, { highWaterMark: 1 });
    let called = false;
    s.write(seq(201));
    s.flush(() => (called = true));
    const { items } = await new Promise<{ items: Buffer[] }>((resolve) => {
      const got: Buffer[] = [];
      s.on('data', (chunk: Buffer) => {
        got.push(chunk);
        if (got.length === 101) resolve({ items: got });
      });
    });
    expect(items.at(-1)).toEqual(Buffer.of(200));
    expect(Buffer.concat(items)).toEqual(Buffer.from(seq(201)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(called).toBe(true);
    s.destroy();
  }, STREAM);

  it("'pad': the partial chunk padded with fill, up to align", async () => {
    const s = chunkerStream({ size: 6, tail: 'pad', fill: 0xee, align: 4 });
    s.write(seq(3));
    await flushed(s);
    expect(drain(s)).toEqual([[0, 1, 2, 0xee]]);
    s.destroy();
  }, STREAM);

  it("'drop': nothing is handed out; the callback still runs", async () => {
    const s = chunkerStream({ size: 4, tail: 'drop' });
    s.write(seq(6));
    expect(await flushed(s)).toBeFalsy();
    expect(drain(s)).toEqual([[0, 1, 2, 3]]);
    s.write(seq(4, 20)); // a fresh stream: the dropped bytes are gone
    await flushed(s);
    expect(drain(s)).toEqual([[20, 21, 22, 23]]);
    s.destroy();
  }, STREAM);

  it("'error': a partial chunk errors the stream with ERR_REFRAME_TAIL and its tail", async () => {
    const s = chunkerStream({ size: 4, tail: 'error' });
    const done = collectNode<Buffer>(s);
    s.write(seq(6));
    const callbackError = await flushed(s);
    const { items, error } = await done;
    expect(items.map((b) => Array.from(b))).toEqual([[0, 1, 2, 3]]);
    expect(error?.code).toBe('ERR_REFRAME_TAIL');
    expect(Buffer.isBuffer(error?.tail)).toBe(true);
    expect(Array.from(error?.tail as Buffer)).toEqual([4, 5]);
    expect((callbackError as { code?: string } | null | undefined)?.code).toBe('ERR_REFRAME_TAIL');
  }, STREAM);

  it("'error' with nothing partial: no error, the stream goes on", async () => {
    const s = chunkerStream({ size: 4, tail: 'error' });
    const done = collectNode<Buffer>(s);
    s.write(seq(8));
    expect(await flushed(s)).toBeFalsy();
    s.end(seq(4, 8));
    const { items, error } = await done;
    expect(error).toBeUndefined();
    expect(items).toHaveLength(3);
  }, STREAM);

  it('a flush inside a sample errors the stream with ERR_REFRAME_INPUT', async () => {
    const s = chunkerStream({ size: 4, type: 'int16' });
    const done = collectNode(s);
    s.write(seq(3));
    s.flush();
    const { error } = await done;
    expect(error).toBeInstanceOf(TypeError);
    expect(error?.code).toBe('ERR_REFRAME_INPUT');
  }, STREAM);

  it("a flush inside a sample under 'drop' discards the stray bytes", async () => {
    const s = chunkerStream({ size: 1, type: 'int16', tail: 'drop' });
    s.write(seq(3));
    expect(await flushed(s)).toBeFalsy();
    s.write(Uint8Array.of(1, 0));
    await flushed(s);
    expect(drain(s as unknown as ChunkerTransform<'uint8'>)).toEqual([[new Int16Array(seq(2).buffer)[0]], [new Int16Array(Uint8Array.of(1, 0).buffer)[0]]]);
    s.destroy();
  }, STREAM);

  it('with nothing buffered, or twice in a row, it hands out nothing', async () => {
    const s = chunkerStream(4);
    await flushed(s);
    s.write(seq(2));
    await flushed(s);
    await flushed(s);
    expect(drain(s)).toEqual([[0, 1]]);
    s.destroy();
  }, STREAM);

  it('with batch, the flushed chunk comes as an array of one', async () => {
    const s = chunkerStream({ size: 4, batch: true });
    s.write(seq(5));
    await flushed(s);
    const items: Buffer[][] = [];
    let item: Buffer[] | null;
    while ((item = s.read()) !== null) items.push(item);
    expect(items.map((a) => a.map(bytesOf))).toEqual([[seq(4)], [seq(1, 4)]]);
    s.destroy();
  }, STREAM);

  it('after end() or destroy(), the callback still runs, without an error', async () => {
    const ended = chunkerStream(4);
    ended.resume();
    ended.end(seq(2));
    expect(await flushed(ended)).toBeFalsy();
    const destroyed = chunkerStream(4);
    destroyed.destroy();
    expect(await flushed(destroyed)).toBeFalsy();
  }, STREAM);

  it('without a callback it works the same', async () => {
    const s = chunkerStream(3);
    const done = collectNode<Buffer>(s);
    s.write(seq(4));
    s.flush();
    s.end();
    expect((await done).items.map((b) => Array.from(b))).toEqual([[0, 1, 2], [3]]);
  }, STREAM);
});
