// Types of the Node face: what `for await` and 'data' listeners get from a ChunkerTransform follows
// the options, like the other faces (they used to be `any`): a Buffer for uint8, the type's typed
// array otherwise, arrays of them with `batch: true`. The stream still fits where Node's own types
// take a Transform (pipeline with a function stage). Checked by `npm run typecheck` (tsc over
// test/); the runs make sure the same lines work.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { chunkerStream, ChunkerTransform, type ChunkerOptions, type NodeItemOf } from '../src/index.js';

describe('types of the Node face', () => {
  it('for await gives the chunk type of the options', async () => {
    const stream = chunkerStream({ size: 2, type: 'int16' });
    stream.end(new Int16Array([1, 2, 3, 4]));
    const seen: number[][] = [];
    for await (const chunk of stream) {
      expectTypeOf(chunk).toEqualTypeOf<Int16Array>();
      seen.push(Array.from(chunk));
    }
    expect(seen).toEqual([[1, 2], [3, 4]]);
  });

  it('uint8 chunks are Buffers; with batch, arrays of them', async () => {
    const bytes = chunkerStream(2);
    const batches = chunkerStream({ size: 2, batch: true });
    const seen: number[] = [];
    bytes.on('data', (chunk) => {
      expectTypeOf(chunk).toEqualTypeOf<Buffer>();
      seen.push(chunk.readUInt8(0));
    });
    batches.once('data', (batch) => {
      expectTypeOf(batch).toEqualTypeOf<Buffer[]>();
      seen.push(batch.length);
    });
    bytes.end(Uint8Array.of(7, 8));
    batches.end(Uint8Array.of(1, 2, 3, 4));
    await Promise.all([new Promise((r) => bytes.on('end', r)), new Promise((r) => batches.on('end', r))]);
    expect(seen.sort()).toEqual([2, 7]);
  });

  it("the other events keep their types ('error' gives an Error, 'pipe' a Readable)", () => {
    const stream = chunkerStream({ size: 4, type: 'float64' });
    stream.on('error', (error) => expectTypeOf(error).toEqualTypeOf<Error>());
    stream.prependListener('pipe', (source) => expectTypeOf(source).toEqualTypeOf<Readable>());
    stream.addListener('data', (chunk) => expectTypeOf(chunk).toEqualTypeOf<Float64Array>());
    stream.on('custom', (...args) => expectTypeOf(args).toEqualTypeOf<any[]>());
    expect(stream.listenerCount('data')).toBe(1);
    stream.destroy();
  });

  it('options of the shared type give either item, as on the other faces', () => {
    const options: ChunkerOptions<'complex64'> = { size: 4, type: 'complex64' };
    expectTypeOf(chunkerStream(options)[Symbol.asyncIterator]().next()).resolves.toHaveProperty('value');
    expectTypeOf<NodeItemOf<'complex64', boolean>>().toEqualTypeOf<Float32Array | Float32Array[]>();
    expectTypeOf<NodeItemOf<'uint8', false>>().toEqualTypeOf<Buffer>();
  });

  it('still fits pipeline() with a function stage, and a ChunkerTransform<any> parameter takes any of them', async () => {
    const take = (stream: ChunkerTransform<any>) => stream;
    take(chunkerStream({ size: 2, batch: true }));
    take(chunkerStream({ size: 2, type: 'bigint64' }));
    let values = 0;
    await pipeline(Readable.from([new Float32Array(4)]), chunkerStream({ size: 2, type: 'float32' }), async (source: AsyncIterable<unknown>) => {
      for await (const chunk of source) values += (chunk as Float32Array).length;
    });
    expect(values).toBe(4);
  });
});
