// Errors on the Node face (SPEC "Faces"): the stream errors ('error', pipeline rejects, for await
// throws) with a coded error, after every chunk completed before it; chunks handed out stay valid.
import { describe, expect, it } from 'vitest';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { chunkerStream } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { STREAM, bytesOf, collectNode, seq } from './support/util.js';

type Coded = Error & { code?: string; tail?: ArrayBufferView };

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  it("a bad burst: 'error' with ERR_REFRAME_INPUT after the chunks before it; the write callback gets it", async () => {
    const s = chunkerStream(4);
    const done = collectNode<Buffer>(s);
    s.write(seq(10));
    const callbackError = await new Promise<Coded | null | undefined>((resolve) => s.write(42, resolve));
    const { items, error } = await done;
    expect(items.map((b) => Array.from(b))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(error).toBeInstanceOf(TypeError);
    expect(error?.code).toBe('ERR_REFRAME_INPUT');
    expect(callbackError?.code).toBe('ERR_REFRAME_INPUT');
    expect(s.destroyed).toBe(true);
  }, STREAM);

  it('a paused reader gets every chunk completed before the error, then the error', async () => {
    const s = chunkerStream(2);
    const events: string[] = [];
    s.on('error', (error: Coded) => events.push(`error ${error.code}`));
    s.write(seq(6));
    s.write(7); // a number: refused
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]); // the error waits behind three unread chunks
    for (let i = 0; i < 3; i++) {
      const chunk: Buffer | null = s.read();
      if (chunk === null) await new Promise((resolve) => s.once('readable', resolve));
      events.push(`chunk ${Array.from(chunk ?? s.read()).join(',')}`);
    }
    s.read();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['chunk 0,1', 'chunk 2,3', 'chunk 4,5', 'error ERR_REFRAME_INPUT']);
  }, STREAM);

  it('every chunk of a huge, lazily read burst comes before the error of the next write', async () => {
    const s = chunkerStream(1, { highWaterMark: 2 });
    const done = collectNode<Buffer>(s);
    s.write(seq(500));
    s.write({ not: 'bytes' });
    const { items, error } = await done;
    expect(items).toHaveLength(500);
    expect(Buffer.concat(items)).toEqual(Buffer.from(seq(500)));
    expect(error?.code).toBe('ERR_REFRAME_INPUT');
  }, STREAM);

  it("tail 'error' at the end: ERR_REFRAME_TAIL with the samples in `tail`, after the chunks", async () => {
    const s = chunkerStream({ size: 4, tail: 'error' });
    const done = collectNode<Buffer>(s);
    s.end(seq(7));
    const { items, error } = await done;
    expect(items.map((b) => Array.from(b))).toEqual([[0, 1, 2, 3]]);
    expect(error?.code).toBe('ERR_REFRAME_TAIL');
    expect(Buffer.isBuffer(error?.tail)).toBe(true);
    expect(Array.from(error?.tail as Buffer)).toEqual([4, 5, 6]);
  }, STREAM);

  it("the tail of a typed stream is that type's array", async () => {
    const s = chunkerStream({ size: 4, type: 'complex64', tail: 'error' });
    const done = collectNode(s);
    s.end(new Float32Array([1, 2, 3, 4]));
    const { error } = await done;
    expect(error?.code).toBe('ERR_REFRAME_TAIL');
    expect(error?.tail).toBeInstanceOf(Float32Array);
    expect(Array.from(error?.tail as Float32Array)).toEqual([1, 2, 3, 4]);
  }, STREAM);

  it('a stream ending inside a sample errors with ERR_REFRAME_INPUT', async () => {
    const s = chunkerStream({ size: 2, type: 'float64', tail: 'pad' });
    const done = collectNode(s);
    s.end(seq(17));
    const { items, error } = await done;
    expect(items).toHaveLength(1);
    expect(error).toBeInstanceOf(TypeError);
    expect(error?.code).toBe('ERR_REFRAME_INPUT');
  }, STREAM);

  it('pipeline rejects with the coded error; the sink got the chunks before it', async () => {
    const got: Buffer[] = [];
    const sink = new Writable({ objectMode: true, write(chunk: Buffer, _, cb) { got.push(chunk); cb(); } });
    const result = pipeline(Readable.from([seq(5), 'text', seq(3)]), chunkerStream({ size: 2, type: 'uint16' }), sink);
    await expect(result).rejects.toMatchObject({ code: 'ERR_REFRAME_INPUT' });
    expect(got.map(bytesOf)).toEqual([seq(4)]);
  }, STREAM);

  it("pipeline rejects on tail 'error' at the end", async () => {
    const sink = new Writable({ objectMode: true, write(_chunk, _, cb) { cb(); } });
    await expect(pipeline(Readable.from([seq(3)]), chunkerStream({ size: 2, tail: 'error' }), sink))
      .rejects.toMatchObject({ code: 'ERR_REFRAME_TAIL' });
  }, STREAM);

  it('for await yields the chunks, then throws the coded error', async () => {
    const s = chunkerStream({ size: 3, tail: 'error' });
    s.end(seq(8));
    const got: number[][] = [];
    let caught: Coded | undefined;
    try {
      for await (const chunk of s) got.push(Array.from(chunk as Buffer));
    } catch (error) {
      caught = error as Coded;
    }
    expect(got).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(caught?.code).toBe('ERR_REFRAME_TAIL');
  }, STREAM);

  it('chunks handed out stay valid after the error', async () => {
    const s = chunkerStream({ size: 4, hop: 2 });
    const done = collectNode<Buffer>(s);
    s.write(seq(9));
    s.write(0); // a number: refused
    const { items, error } = await done;
    expect(error?.code).toBe('ERR_REFRAME_INPUT');
    expect(items.map((b) => Array.from(b))).toEqual([[0, 1, 2, 3], [2, 3, 4, 5], [4, 5, 6, 7]]);
  }, STREAM);
});
