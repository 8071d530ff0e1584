// Smoke test of every face on whatever runtime runs it: Chunker, chunkerStream (node:stream), the
// WHATWG pair and chunks() give the exact chunks for a few sizes (one of them copied once: ≥ 32 KiB),
// a flushed tail, and coded errors for bad input; `backend` is the core the caller expects.
//
//   node test/smoke/faces.mjs --backend native
//   bun test/smoke/faces.mjs --backend native
//   deno run test/smoke/faces.mjs --backend js                 (no permissions: the TypeScript core)
//   deno run --allow-ffi --allow-read test/smoke/faces.mjs --backend native
//
// It imports the package by its name (the package's self-reference), built in dist/.
import process from 'node:process';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as reframer from 'reframer';
import { argument, assert, assertCode, assertFramed, bursts, check, report, stream } from './harness.mjs';

const { Chunker, ChunkerStream, chunkerStream, chunks } = reframer;
const expectedBackend = argument('backend');
if (expectedBackend !== 'native' && expectedBackend !== 'js') {
  console.error('usage: <runtime> test/smoke/faces.mjs --backend native|js');
  process.exit(2);
}

// [chunk size, stream length]: one byte, a TS packet, a page, a copy-once chunk (≥ 32 KiB); every
// length but the first leaves a short tail to flush.
const CASES = [[1, 5_003], [188, 300_001], [4096, 300_001], [40_000, 300_001]];

await check(`backend is '${expectedBackend}'`, () => {
  assert(reframer.backend === expectedBackend, `backend is ${reframer.backend}`);
  return reframer.backend;
});

for (const [size, total] of CASES) {
  const input = stream(total);

  await check(`Chunker({ size: ${size} }): ${total} bytes in uneven bursts, then flush()`, () => {
    const chunker = new Chunker({ size });
    const out = [];
    for (const burst of bursts(input)) out.push(...chunker.push(burst));
    assert(chunker.pending === total % size, `pending ${chunker.pending}`);
    const tail = chunker.flush();
    assert(tail.length === (total % size === 0 ? 0 : 1), `flush() gave ${tail.length} chunks`);
    out.push(...tail);
    assertFramed(out, total, size, 'Chunker');
    return `${out.length} chunks`;
  });

  await check(`chunkerStream(${size}) in pipeline()`, async () => {
    const out = [];
    const sink = new Writable({
      objectMode: true,
      write(chunk, _encoding, callback) {
        out.push(chunk);
        callback();
      },
    });
    await pipeline(Readable.from(bursts(input)), chunkerStream(size), sink);
    assertFramed(out, total, size, 'chunkerStream');
    return `${out.length} chunks`;
  });

  await check(`ChunkerStream({ size: ${size} }) through pipeThrough()`, async () => {
    const pieces = bursts(input);
    const source = new ReadableStream({
      pull(controller) {
        if (pieces.length === 0) controller.close();
        else controller.enqueue(pieces.shift());
      },
    });
    const out = [];
    const reader = source.pipeThrough(new ChunkerStream({ size })).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out.push(value);
    }
    assertFramed(out, total, size, 'ChunkerStream');
    return `${out.length} chunks`;
  });

  await check(`chunks(asyncIterable, { size: ${size} })`, async () => {
    async function* source() {
      for (const burst of bursts(input)) yield burst;
    }
    const out = [];
    for await (const chunk of chunks(source(), { size })) out.push(chunk);
    assertFramed(out, total, size, 'chunks()');
    return `${out.length} chunks`;
  });
}

await check('bad options: ERR_REFRAME_OPTION from every face', async () => {
  await assertCode('ERR_REFRAME_OPTION', () => new Chunker({ size: 0 }), 'Chunker size 0');
  await assertCode('ERR_REFRAME_OPTION', () => chunkerStream({ size: 4, hop: -1 }), 'chunkerStream hop -1');
  await assertCode('ERR_REFRAME_OPTION', () => new ChunkerStream({ size: 4, type: 'int128' }), 'ChunkerStream type int128');
  await assertCode('ERR_REFRAME_OPTION', async () => {
    for await (const chunk of chunks([], { size: 1.5 })) void chunk;
  }, 'chunks() size 1.5');
});

await check('bad input: ERR_REFRAME_INPUT from every face', async () => {
  await assertCode('ERR_REFRAME_INPUT', () => new Chunker({ size: 4 }).push('not bytes'), 'Chunker.push(string)');
  // A stream that ends inside a uint16 sample.
  await assertCode('ERR_REFRAME_INPUT', () => pipeline(
    Readable.from([Uint8Array.of(1, 2, 3)]),
    chunkerStream({ size: 2, type: 'uint16' }),
    new Writable({ objectMode: true, write: (_chunk, _encoding, callback) => callback() }),
  ), 'chunkerStream ending inside a sample');
  await assertCode('ERR_REFRAME_INPUT', async () => {
    const source = new ReadableStream({
      start(controller) {
        controller.enqueue(Uint8Array.of(1, 2, 3));
        controller.close();
      },
    });
    const reader = source.pipeThrough(new ChunkerStream({ size: 2, type: 'uint16' })).getReader();
    for (;;) if ((await reader.read()).done) break;
  }, 'ChunkerStream ending inside a sample');
  await assertCode('ERR_REFRAME_INPUT', async () => {
    for await (const chunk of chunks([Uint8Array.of(1), 2], { size: 4 })) void chunk;
  }, 'chunks() over a number');
});

// Issue 19: moving one chunk's buffer (transfer(), a transfer list, a byte stream's enqueue) moves
// that chunk alone, or is refused where the runtime pins shared buffers; the other chunks and the
// chunker go on intact. Sizes: on V8's heap (64), shared or own (188, 1500), copied once (40,000).
await check("moving one chunk's buffer leaves every other chunk and the chunker intact", async () => {
  const moves = {
    'transfer list': (chunk) => structuredClone(chunk.buffer, { transfer: [chunk.buffer] }),
    'byte stream enqueue': (chunk) => new ReadableStream({ type: 'bytes', start: (c) => c.enqueue(chunk) }),
  };
  if (typeof ArrayBuffer.prototype.transfer === 'function') moves['transfer()'] = (chunk) => chunk.buffer.transfer();
  const said = [];
  for (const [how, move] of Object.entries(moves)) {
    for (const size of [64, 188, 1500, 40_000]) {
      const input = stream(size * 12 + 5);
      const chunker = new Chunker({ size });
      const out = [];
      let moved = 0;
      let refused = 0;
      for (const burst of bursts(input)) {
        const got = chunker.push(burst);
        if (got.length > 1) {
          try {
            move(got[0]);
            got[0] = undefined;
            moved++;
          } catch (error) {
            assert(error?.name === 'TypeError' || error?.name === 'DataCloneError', `${how}: threw ${error}`);
            refused++;
          }
        }
        out.push(...got);
      }
      assert(out.length === 12, `${how}, size ${size}: ${out.length} chunks`);
      out.forEach((chunk, k) => {
        if (chunk === undefined) return;
        assert(chunk.byteLength === size, `${how}, size ${size}: chunk ${k} has ${chunk.byteLength} bytes`);
        for (let i = 0; i < size; i++) assert(chunk[i] === input[k * size + i], `${how}, size ${size}: chunk ${k} byte ${i} changed`);
      });
      said.push(`${how} ${size}: ${moved} moved, ${refused} refused`);
    }
  }
  return said.join('; ');
});

report(`smoke (${reframer.backend} core)`);
