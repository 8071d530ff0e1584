// Types: ChunkerStream fits wherever pipeThrough expects a ReadableWritablePair, and both
// ChunkerStream and chunks() hand out the chunk type their options name. Checked by
// `npm run typecheck` (tsc over test/); the runs below make sure the same lines also work.
import { Readable } from 'node:stream';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as polyfill from 'web-streams-polyfill';
import { ChunkerStream, chunks, type ChunkerOptions, type SampleType, type StreamsImplementation } from '../src/index.js';

describe('types', () => {
  it('ChunkerStream is a ReadableWritablePair of chunks and bursts', async () => {
    const pair: ReadableWritablePair<Uint8Array, Uint8Array> = new ChunkerStream(188);
    expectTypeOf(new ChunkerStream(188)).toExtend<ReadableWritablePair<Uint8Array, ArrayBufferView | ArrayBuffer>>();
    const body = new Response(new Uint8Array(376)).body!;
    const out = body.pipeThrough(new ChunkerStream(188));
    expectTypeOf(out).toEqualTypeOf<ReadableStream<Uint8Array>>();
    expect(pair.readable).toBeInstanceOf(ReadableStream);
    let n = 0;
    for await (const chunk of out) n += chunk.length;
    expect(n).toBe(376);
  });

  it('the readable side carries the type of the options: typed chunks, arrays with batch', () => {
    expectTypeOf(new ChunkerStream({ size: 64, type: 'complex64' }).readable).toEqualTypeOf<ReadableStream<Float32Array>>();
    expectTypeOf(new ChunkerStream({ size: 64, type: 'bigint64' }).readable).toEqualTypeOf<ReadableStream<BigInt64Array>>();
    expectTypeOf(new ChunkerStream({ size: 64, batch: true }).readable).toEqualTypeOf<ReadableStream<Uint8Array[]>>();
    expectTypeOf(new ChunkerStream({ size: 64, type: 'int16', batch: false }).readable).toEqualTypeOf<ReadableStream<Int16Array>>();
    // Options held in a variable of the shared type still fit: the item is whichever batch says.
    const options: ChunkerOptions<'float64'> = { size: 8, type: 'float64' };
    expectTypeOf(new ChunkerStream(options).readable).toEqualTypeOf<ReadableStream<Float64Array | Float64Array[]>>();
  });

  it('the writable side takes bytes and typed samples, not strings', async () => {
    const writer = new ChunkerStream({ size: 2, type: 'float32' }).writable.getWriter();
    await writer.write(new Float32Array(4));
    await writer.write(new ArrayBuffer(8));
    // @ts-expect-error strings are bytes only on the Node face and in chunks()
    await expect(writer.write('abcd')).rejects.toMatchObject({ code: 'ERR_REFRAME_INPUT' });
  });

  it('takes a streams implementation: the polyfill namespace or the platform globals', async () => {
    const pair = new ChunkerStream(4, { streams: polyfill });
    new ChunkerStream(4, { streams: globalThis });
    const source = new polyfill.ReadableStream<Uint8Array>({
      start(controller) { controller.enqueue(new Uint8Array(8)); controller.close(); },
    });
    // The pair is of the polyfill's classes, typed as such (its items untyped: the published types
    // name no optional dependency, so they cannot re-type the polyfill's generic classes).
    expectTypeOf(pair.readable).toEqualTypeOf<polyfill.ReadableStream<any>>();
    expectTypeOf(pair.writable).toEqualTypeOf<polyfill.WritableStream<any>>();
    const out: polyfill.ReadableStream<Uint8Array> = source.pipeThrough(pair);
    let n = 0;
    for await (const chunk of out) n += chunk.length;
    expect(n).toBe(8);
  });

  it('a pair built with or without streams fits a parameter typed ChunkerStream<SampleType, boolean>', () => {
    const take = (pair: ChunkerStream<SampleType, boolean>) => pair.readable;
    const maybe = undefined as StreamsImplementation | undefined;
    expect(take(new ChunkerStream(4))).toBeDefined();
    expect(take(new ChunkerStream({ size: 4, type: 'int16' }, { streams: maybe }))).toBeDefined();
    expect(take(new ChunkerStream(4, { streams: globalThis, highWaterMark: 2 }))).toBeDefined();
  });

  it('chunks() yields the chunk type of its options from any kind of source', async () => {
    expectTypeOf(chunks([new Uint8Array(4)], 2)).toEqualTypeOf<AsyncGenerator<Uint8Array, void, undefined>>();
    expectTypeOf(chunks(Readable.from([]), { size: 2, type: 'int16' })).toEqualTypeOf<AsyncGenerator<Int16Array, void, undefined>>();
    expectTypeOf(chunks(new Response(new Uint8Array(2)).body!, { size: 2, batch: true })).toEqualTypeOf<AsyncGenerator<Uint8Array[], void, undefined>>();
    expectTypeOf(chunks(new polyfill.ReadableStream<Uint8Array>(), 2)).toEqualTypeOf<AsyncGenerator<Uint8Array, void, undefined>>();
    async function* bursts() { yield 'text'; }
    const out: Uint8Array[] = [];
    for await (const chunk of chunks(bursts(), 2)) out.push(chunk);
    expect(out).toHaveLength(2);
  });
});
