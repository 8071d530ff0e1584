// Issues 19 and 20: what `chunk.buffer` is, and what moving it does. Where the runtime cannot pin
// a shared buffer (runtime.pin absent: Node 20-24, Bun, browsers), and everywhere for chunks of at
// most 64 bytes or of 32 KiB and more, a chunk is all of its own ArrayBuffer; elsewhere (Node 26,
// Deno) chunks of one write share one pinned buffer of at most 64 KiB. Moving one chunk's buffer
// (transfer(), a transfer list, a byte stream's enqueue) moves that chunk alone, or is refused
// where it is made; the chunker and every other chunk, handed out or not, are untouched.
// Shown failing on 70f82a4 (the 256 KiB per-chunker pool, one buffer per engine call): the bound
// (buffer of 262144 bytes for a 64-byte chunk) and the moves (siblings emptied, ERR_REFRAME_INPUT).
import { describe, expect, it } from 'vitest';
import { Chunker, ChunkerStream, chunkerStream, chunks } from '../src/index.js';
import { runtime } from '../src/core/runtime.js';
import { ON_HEAP_BYTES, OWN_LARGE_BYTES, SHARED_BYTES } from '../src/memory.js';
import { CORES, useCore } from './support/cores.js';

const SIZES = [1, 64, 65, 188, 1500, 4096, 40000] as const;
const valueAt = (p: number): number => 1 + (p * 31) % 251;
function input(from: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = valueAt(from + i);
  return bytes;
}
function expectChunk(chunk: Uint8Array, index: number, size: number, label: string): void {
  expect(chunk.byteLength, `${label}: chunk ${index} length`).toBe(size);
  for (let i = 0; i < size; i++) {
    if (chunk[i] !== valueAt(index * size + i)) expect.fail(`${label}: chunk ${index} byte ${i} is ${chunk[i]}`);
  }
}
const ownLayout = (size: number): boolean => runtime.pin === undefined || size <= ON_HEAP_BYTES || size >= OWN_LARGE_BYTES;

// Moves `chunk`'s buffer away as a consumer would; true if it moved, false if the runtime refused
// (a pinned shared buffer: TypeError or DataCloneError).
type Move = (chunk: Uint8Array) => boolean;
const MOVES: Record<string, Move> = {
  'structuredClone transfer': (chunk) => refusedOrDone(() => structuredClone(chunk.buffer, { transfer: [chunk.buffer as ArrayBuffer] })),
  'transfer()': (chunk) => refusedOrDone(() => {
    const transfer = (chunk.buffer as { transfer?: () => ArrayBuffer }).transfer;
    if (typeof transfer !== 'function') return structuredClone(chunk.buffer, { transfer: [chunk.buffer as ArrayBuffer] });
    return transfer.call(chunk.buffer);
  }),
  'byte stream enqueue': (chunk) => refusedOrDone(() => {
    new ReadableStream({ type: 'bytes', start: (controller) => controller.enqueue(chunk as Uint8Array<ArrayBuffer>) });
  }),
};
function refusedOrDone(move: () => unknown): boolean {
  try {
    move();
    return true;
  } catch (error) {
    expect(['TypeError', 'DataCloneError']).toContain((error as Error).name);
    return false;
  }
}

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  it.each(SIZES)('chunk.buffer of %i-byte chunks: all of its own, or a pinned buffer of at most 64 KiB of this stream', (size) => {
    const chunker = new Chunker(size);
    const out: Uint8Array[] = [];
    for (let at = 0; at < 300_000; at += 7001) out.push(...chunker.push(input(at, 7001)));
    for (const chunk of out) {
      if (ownLayout(size)) {
        expect(chunk.byteOffset).toBe(0);
        expect(chunk.buffer.byteLength).toBe(size);
      } else {
        expect(chunk.buffer.byteLength).toBeLessThanOrEqual(Math.max(SHARED_BYTES, size));
      }
    }
    out.forEach((chunk, k) => expectChunk(chunk, k, size, `size ${size}`));
  });

  describe.each(Object.entries(MOVES))('%s of one chunk', (how, move) => {
    it.each(SIZES)('Chunker.push, %i-byte chunks: the others and later chunks are intact', (size) => {
      const chunker = new Chunker(size);
      const out: Uint8Array[] = [];
      for (let at = 0; at < 40 * size; at += 3 * size + 5) {
        const got = chunker.push(input(at, Math.min(3 * size + 5, 40 * size - at)));
        out.push(...got);
        if (got.length > 1) {
          // Refused (a pinned shared buffer; Node 22+ and Bun also refuse to transfer the addon's
          // external buffers) or moved: either way nothing else may change.
          if (move(got[0]!)) out[out.length - got.length] = undefined as never; // gone with its buffer
        }
      }
      out.forEach((chunk, k) => chunk && expectChunk(chunk, k, size, `${how}, size ${size}`));
    });

    it.each([64, 188, 1500])('Node face, %i-byte chunks, moved in the data handler: no error, every other chunk intact', async (size) => {
      const stream = chunkerStream(size);
      const kept: (Uint8Array | undefined)[] = [];
      stream.on('data', (chunk: Uint8Array) => {
        kept.push(kept.length % 3 === 0 && move(chunk) ? undefined : chunk);
      });
      const done = new Promise<void>((resolve, reject) => { stream.on('end', resolve); stream.on('error', reject); });
      for (let at = 0; at < 40 * size; at += 40 * size / 4) stream.write(input(at, 40 * size / 4));
      stream.end();
      await done;
      expect(kept).toHaveLength(40);
      kept.forEach((chunk, k) => chunk && expectChunk(chunk, k, size, `${how}, node face`));
    });

    it.each([64, 188, 1500])('WHATWG face, %i-byte chunks: chunks already queued survive a move of one', async (size) => {
      const pair = new ChunkerStream(size, { highWaterMark: 16 } as never);
      const writer = pair.writable.getWriter();
      void writer.write(input(0, 40 * size)).catch(() => {});
      void writer.close().catch(() => {});
      const reader = pair.readable.getReader();
      await new Promise((resolve) => setTimeout(resolve, 10)); // the queue fills
      const got: (Uint8Array | undefined)[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        got.push(got.length === 0 && move(value as Uint8Array) ? undefined : value as Uint8Array);
      }
      expect(got).toHaveLength(40);
      got.forEach((chunk, k) => chunk && expectChunk(chunk, k, size, `${how}, WHATWG face`));
    });

    it.each([188, 1500])('chunks(), %i-byte chunks: the loop moves one; the others are intact', async (size) => {
      const got: (Uint8Array | undefined)[] = [];
      for await (const chunk of chunks([input(0, 20 * size), input(20 * size, 20 * size)], size)) {
        got.push(got.length % 5 === 0 && move(chunk as Uint8Array) ? undefined : chunk as Uint8Array);
      }
      expect(got).toHaveLength(40);
      got.forEach((chunk, k) => chunk && expectChunk(chunk, k, size, `${how}, chunks()`));
    });
  });
});
