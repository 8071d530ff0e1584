// Issue 19, H13 and H17, in a process of its own (run by test/threads-faces.test.ts):
//   <runtime> test/children/threads-faces.mjs <move> <face>
// Chunks of 64 and of 4,096 bytes, fed in bursts of 40 chunks; the consumer moves each chunk's
// buffer as it gets the chunk. Moving one chunk must never break the chunker nor empty or change
// another chunk (SPEC "Output"): no error, every chunk complete and right when it is handed out, and
// every moved chunk reads back complete and right from where it went.
// <move>:
//   transfer   (H13) chunk.buffer.transfer() (where ArrayBuffer.prototype.transfer exists); the new
//              buffer must hold the chunk
//   enqueue    (H17) ReadableByteStreamController.enqueue(chunk) into a `type: 'bytes'` stream (which
//              transfers the chunk's buffer); the stream is read back at the end
// A runtime may refuse a move (a TypeError or DataCloneError: a buffer it cannot detach); the chunk
// then stays where it is (and a copy of it is enqueued), which is allowed, and counted in the ok line.
// <face>: node ('data' handler), web (WHATWG reader), chunks (for await), chunker (Chunker.push results)
// Today: on Node 26 (native core) and Bun, the move takes the chunk's siblings with it (the write
// fails with ERR_REFRAME_INPUT, queued chunks come out empty); on Node 20 a byte stream's enqueue
// ignores markAsUntransferable, on both cores.
import { HAS_TRANSFER, load, run, turn } from './threads-common.mjs';

const BURST_CHUNKS = 40;
const BURSTS = 12;
const SIZES = [64, 4096];

/** Byte p of the stream: an easy pattern, different in every chunk. */
const byteAt = (p) => (p * 7 + (p >>> 8) + 3) & 0xff;
function expected(from, length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = byteAt(from + i);
  return bytes;
}
const same = (view, want) =>
  view.byteLength === want.length && Buffer.from(view.buffer, view.byteOffset, view.byteLength).equals(want);

async function one(move, face, size, api) {
  const { Chunker, ChunkerStream, chunkerStream, chunks } = api;
  const bursts = Array.from({ length: BURSTS }, (_, i) => expected(i * BURST_CHUNKS * size, BURST_CHUNKS * size));
  const total = BURSTS * BURST_CHUNKS;
  let seen = 0;
  let refused = 0;
  let wrong;
  let controller;
  const sink = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
  const note = (what) => { wrong ??= what; };

  // The consumer's part, for each chunk as it is handed out.
  const take = (chunk) => {
    const k = seen++;
    const want = expected(k * size, size);
    if (!(chunk instanceof Uint8Array) || !same(chunk, want)) {
      note(`chunk ${k} of ${size} bytes (${face}) was handed out holding ${chunk?.byteLength} bytes${chunk?.byteLength === size ? ' that are wrong' : ''}`);
      controller.enqueue(want.slice()); // keeps the read-back in step
      return;
    }
    const { byteOffset, byteLength } = chunk;
    if (move === 'transfer') {
      let moved;
      try {
        moved = chunk.buffer.transfer();
      } catch (error) {
        if (!(error instanceof TypeError) && error?.name !== 'DataCloneError') throw error;
        refused++;
        if (!same(chunk, want)) note(`chunk ${k}: a refused transfer() changed it`);
        return;
      }
      if (!same(new Uint8Array(moved, byteOffset, byteLength), want)) note(`chunk ${k}: the buffer transfer() gave does not hold it`);
      return;
    }
    try {
      controller.enqueue(chunk);
    } catch (error) {
      if (!(error instanceof TypeError) && error?.name !== 'DataCloneError') throw error;
      refused++;
      if (!same(chunk, want)) note(`chunk ${k}: a refused enqueue changed it`);
      controller.enqueue(new Uint8Array(chunk)); // a copy (Buffer#slice would be a view)
    }
  };

  let failure;
  switch (face) {
    case 'chunker': {
      const chunker = new Chunker(size);
      for (const burst of bursts) for (const chunk of chunker.push(burst)) take(chunk);
      for (const chunk of chunker.flush()) take(chunk);
      break;
    }
    case 'node': {
      const stream = chunkerStream(size);
      stream.on('data', take);
      const done = new Promise((resolve) => {
        stream.on('end', resolve);
        stream.on('error', (error) => { failure = error; resolve(); });
      });
      for (const burst of bursts) {
        if (!stream.write(burst)) await new Promise((resolve) => { stream.once('drain', resolve); stream.once('error', resolve); });
        if (failure) break;
      }
      stream.end();
      await done;
      break;
    }
    case 'web': {
      const pair = new ChunkerStream(size);
      const writer = pair.writable.getWriter();
      const reader = pair.readable.getReader();
      const writing = (async () => {
        for (const burst of bursts) await writer.write(burst);
        await writer.close();
      })().catch((error) => { failure ??= error; });
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          take(value);
          if (seen % 7 === 0) await turn(); // let the writable side queue more meanwhile
        }
      } catch (error) {
        failure ??= error;
      }
      await writing;
      break;
    }
    case 'chunks': {
      async function* source() {
        for (const burst of bursts) {
          yield burst;
          await turn();
        }
      }
      try {
        for await (const chunk of chunks(source(), size)) take(chunk);
      } catch (error) {
        failure = error;
      }
      break;
    }
    default: throw new Error(`unknown face ${face}`);
  }
  if (failure) return `FAIL ${size}-byte chunks: the ${face} face failed with ${failure?.code ?? failure?.name} after ${seen} chunks (${String(failure?.message).slice(0, 100)})`;
  if (wrong) return `FAIL ${wrong}`;
  if (seen !== total) return `FAIL ${size}-byte chunks: ${seen} chunks handed out, not ${total}`;
  if (move === 'enqueue') {
    controller.close();
    const reader = sink.getReader();
    for (let k = 0; ; k++) {
      const { done, value } = await reader.read();
      if (done) {
        if (k !== total) return `FAIL ${size}-byte chunks: the byte stream gave back ${k} chunks, not ${total}`;
        break;
      }
      if (!same(value, expected(k * size, size))) return `FAIL chunk ${k} of ${size} bytes read back from the byte stream holds ${value.byteLength} bytes${value.byteLength === size ? ' that are wrong' : ''}`;
    }
  }
  return `${size}: ${total} chunks, ${refused} moves refused`;
}

const [move, face] = process.argv.slice(2);
await run(`${move} ${face}`, async () => {
  if (move === 'transfer' && !HAS_TRANSFER) return 'FAIL this runtime has no ArrayBuffer.prototype.transfer';
  if (move !== 'transfer' && move !== 'enqueue') return `FAIL unknown move ${move}`;
  const api = await load();
  const lines = [];
  for (const size of SIZES) {
    const line = await one(move, face, size, api);
    if (line.startsWith('FAIL')) return line;
    lines.push(line);
  }
  return `ok ${api.backend}: every chunk right after each was moved by ${move} (${lines.join('; ')})`;
});
