// The WHATWG face moves bursts to chunks: on the platform's streams and on the polyfill, on both cores.
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as polyfill from 'web-streams-polyfill';
import { ChunkerStream, type ChunkerOptions, type SampleType, type StreamsImplementation } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { IMPLEMENTATIONS, collectWeb, streamOf } from './support/web.js';
import { seq } from './support/util.js';


describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe.each(IMPLEMENTATIONS)('$name streams', (impl) => {
    const stream = <T extends SampleType = 'uint8', B extends boolean = false>(options: number | (ChunkerOptions<T> & { batch?: B })) =>
      new ChunkerStream<T, B, StreamsImplementation | undefined>(options, { streams: impl.streams });

    it('builds its pair on that implementation', () => {
      const { readable, writable } = stream(4);
      expect(readable).toBeInstanceOf(impl.ReadableStream);
      expect(writable).toBeInstanceOf(impl.WritableStream);
    });

    it('re-frames bursts into Uint8Array chunks (not Buffers), the short tail last', async () => {
      const out = await collectWeb(streamOf(impl, [seq(5), seq(0), seq(6, 5)]).pipeThrough(stream(4)));
      expect(out.map((c) => Array.from(c))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]]);
      for (const chunk of out) expect(Object.getPrototypeOf(chunk)).toBe(Uint8Array.prototype);
    });

    it('hands out typed chunks for typed options, split bursts included', async () => {
      const samples = Float32Array.from({ length: 12 }, (_, i) => i);
      const raw = new Uint8Array(samples.buffer);
      const out = await collectWeb(
        streamOf(impl, [raw.subarray(0, 7), raw.subarray(7, 30), raw.subarray(30)]).pipeThrough(stream({ size: 2, type: 'complex64' })),
      );
      expect(out.map((c) => Array.from(c))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
      for (const chunk of out) expect(chunk).toBeInstanceOf(Float32Array);
    });

    it('applies the tail policy when the writable side closes', async () => {
      const out = await collectWeb(streamOf(impl, [seq(6)]).pipeThrough(stream({ size: 4, tail: 'pad', fill: 9 })));
      expect(out.map((c) => Array.from(c))).toEqual([[0, 1, 2, 3], [4, 5, 9, 9]]);
    });

    it('hands out independent copies: the caller reusing its buffer changes no chunk', async () => {
      const pair = stream(2);
      const writer = pair.writable.getWriter();
      const reader = pair.readable.getReader();
      const burst = seq(4);
      const written = writer.write(burst);
      const first = await reader.read();
      const second = await reader.read();
      await written;
      burst.fill(0xee);
      expect(Array.from(first.value!)).toEqual([0, 1]);
      expect(Array.from(second.value!)).toEqual([2, 3]);
      await writer.close();
      expect((await reader.read()).done).toBe(true);
    });

    it('with batch, hands out arrays of the chunks one burst completed, never empty', async () => {
      const out = await collectWeb(
        streamOf(impl, [seq(3), seq(9, 3), seq(1, 12)]).pipeThrough(stream({ size: 4, batch: true })),
      );
      expect(out.map((batch) => batch.map((c) => Array.from(c)))).toEqual([
        [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]],
        [[12]],
      ]);
    });

    it('takes ArrayBuffers and DataViews as raw bytes', async () => {
      const source = seq(8);
      const out = await collectWeb(
        streamOf<ArrayBufferView | ArrayBuffer>(impl, [source.buffer.slice(0, 3), new DataView(source.buffer, 3, 5)])
          .pipeThrough(stream(4)),
      );
      expect(out.map((c) => Array.from(c))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    });
  });

  it('re-frames a file through Readable.toWeb', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reframe-'));
    const file = join(dir, 'data.bin');
    writeFileSync(file, seq(100_000));
    const web = Readable.toWeb(createReadStream(file, { highWaterMark: 1000 })) as unknown as ReadableStream<Uint8Array>;
    const out = await collectWeb(web.pipeThrough(new ChunkerStream(4096)));
    expect(out.map((c) => c.length)).toEqual([...Array(24).fill(4096), 100_000 - 24 * 4096]);
    expect(out[3][0]).toBe((3 * 4096) & 0xff);
  });

  it('re-frames a fetch-style body (new Response(bytes).body)', async () => {
    const body = new Response(seq(1000)).body!;
    const out = await collectWeb(body.pipeThrough(new ChunkerStream({ size: 188, tail: 'drop' })));
    expect(out).toHaveLength(5);
    expect(Array.from(out[1].subarray(0, 2))).toEqual([188, 189]);
  });

  it('defaults to the platform streams, and builds on the polyfill when asked', () => {
    expect(new ChunkerStream(4).readable).toBeInstanceOf(globalThis.ReadableStream);
    const pair = new ChunkerStream(4, { streams: polyfill });
    expect(pair.readable).toBeInstanceOf(polyfill.ReadableStream);
    expect(pair.readable).not.toBeInstanceOf(globalThis.ReadableStream);
  });

  it.each([
    ['a bad size', 0, {}],
    ['an unknown option', { size: 4, nope: 1 }, {}],
    ['streams that are not an implementation', 4, { streams: {} }],
    ['a negative highWaterMark', 4, { highWaterMark: -1 }],
    ['a fractional highWaterMark', 4, { highWaterMark: 1.5 }],
    ['a string highWaterMark', 4, { highWaterMark: '16' }],
  ])('throws ERR_REFRAME_OPTION at construction for %s', (_, options, init) => {
    expect(() => new ChunkerStream(options as never, init as never)).toThrow(
      expect.objectContaining({ code: 'ERR_REFRAME_OPTION' }),
    );
  });
});
