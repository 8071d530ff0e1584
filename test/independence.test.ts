// Independence of chunks (SPEC "Output", "Input"): writing into a chunk changes no other chunk and no
// input; reusing an input buffer changes no chunk, not even one completed by a later burst; later
// pushes never change earlier chunks; input is never modified.
import { describe, expect, it } from 'vitest';
import { Chunker, chunkerStream, type ChunkerOptions } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { frame } from './support/reference.js';
import { bytesOf, collectNode, expectChunks, seq } from './support/util.js';

const OPTIONS: [string, ChunkerOptions][] = [
  ['back to back', { size: 4 }],
  ['overlapping', { size: 5, hop: 2 }],
  ['with gaps', { size: 2, hop: 3 }],
  ['complex, two channels', { size: 2, type: 'complex64', channels: 2, hop: 1 }],
];

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  it.each(OPTIONS)('%s: writing into a chunk changes no other chunk and no input', (_, options) => {
    const input = seq(208); // 13 complex stereo samples
    const keep = input.slice();
    const c = new Chunker(options);
    const chunks = [...c.push(input.subarray(0, 77)), ...c.push(input.subarray(77)), ...c.flush()];
    const want = chunks.map(bytesOf);
    for (let i = 0; i < chunks.length; i++) {
      new Uint8Array(chunks[i].buffer, chunks[i].byteOffset, chunks[i].byteLength).fill(0xee);
      chunks.forEach((chunk, j) => {
        if (j > i) expect(bytesOf(chunk), `chunk ${j} after writing chunk ${i}`).toEqual(want[j]);
      });
    }
    expect(input).toEqual(keep);
  });

  it.each(OPTIONS)('%s: a reused input buffer changes no chunk, earlier or later', (_, options) => {
    const stream = seq(240, 3);
    const buffer = new Uint8Array(13); // the caller's one read buffer, refilled for every burst
    const c = new Chunker(options);
    const chunks: ArrayBufferView[] = [];
    for (let at = 0; at < stream.length; at += buffer.length) {
      const n = Math.min(buffer.length, stream.length - at);
      buffer.set(stream.subarray(at, at + n));
      chunks.push(...c.push(buffer.subarray(0, n)));
      buffer.fill(0x55); // scribble before the next burst arrives
    }
    chunks.push(...c.flush());
    expect(chunks.map(bytesOf)).toEqual(frame(stream, options).chunks);
  });

  it('later pushes and a reset never change earlier chunks', () => {
    const c = new Chunker({ size: 8, hop: 3, tail: 'pad', fill: 1 });
    const first = c.push(seq(20));
    const copy = first.map(bytesOf);
    for (let i = 0; i < 20; i++) c.push(new Uint8Array(50).fill(i));
    c.flush();
    c.push(new Uint8Array(100).fill(0xff));
    c.reset();
    expect(first.map(bytesOf)).toEqual(copy);
  });

  it('two chunkers interleaved over many small pushes: each keeps its own chunks intact', () => {
    const options: ChunkerOptions = { size: 48, hop: 40 };
    const a = new Chunker(options);
    const b = new Chunker(options);
    const streamA = seq(200_000, 1).map((x) => x & 0x7f); // never 0xcd
    const streamB = new Uint8Array(200_000).fill(0xcd);
    const gotA: ArrayBufferView[] = [];
    const gotB: ArrayBufferView[] = [];
    for (let at = 0; at < streamA.length; at += 777) {
      gotA.push(...a.push(streamA.subarray(at, at + 777)));
      gotB.push(...b.push(streamB.subarray(at, at + 777)));
    }
    gotA.push(...a.flush());
    gotB.push(...b.flush());
    expectChunks(gotA, frame(streamA, options).chunks);
    expectChunks(gotB, frame(streamB, options).chunks);
    // A chunk's buffer holds only its own stream's output, or zeros: never the other chunker's bytes.
    for (const buffer of new Set(gotA.map((chunk) => chunk.buffer))) expect(new Uint8Array(buffer).includes(0xcd)).toBe(false);
  });

  it('padding never writes into the input', () => {
    const input = new Float64Array([1, 2, 3]);
    const c = new Chunker({ size: 8, type: 'float64', tail: 'pad', fill: -7 });
    c.push(input);
    c.flush();
    expect(Array.from(input)).toEqual([1, 2, 3]);
  });

  it("the error's tail is a copy: writing into it changes nothing else", () => {
    const input = seq(6);
    const c = new Chunker({ size: 4, tail: 'error' });
    const [chunk] = c.push(input);
    let tail: Uint8Array | undefined;
    try {
      c.flush();
    } catch (error) {
      tail = (error as { tail: Uint8Array }).tail;
    }
    tail!.fill(0xaa);
    expect(Array.from(chunk)).toEqual([0, 1, 2, 3]);
    expect(input).toEqual(seq(6));
  });

  it('Node face: a buffer reused after its write callback changes no chunk', async () => {
    const options: ChunkerOptions = { size: 6, hop: 4 };
    const stream = seq(100);
    const s = chunkerStream(options, { highWaterMark: 1 });
    const done = collectNode<Buffer>(s);
    const buffer = new Uint8Array(9);
    for (let at = 0; at < stream.length; at += buffer.length) {
      const n = Math.min(buffer.length, stream.length - at);
      buffer.set(stream.subarray(at, at + n));
      await new Promise<void>((resolve, reject) => s.write(buffer.subarray(0, n), (e) => (e ? reject(e) : resolve())));
      buffer.fill(0x55);
    }
    s.end();
    const { items, error } = await done;
    expect(error).toBeUndefined();
    expect(items.map(bytesOf)).toEqual(frame(stream, options).chunks);
  });
});
