// Stand-ins for the things the docs' runnable blocks use without declaring them (issue 14, docs that
// run; the convention is at the top of test/docs-run.test.ts). Plain JavaScript because it is loaded
// into each block's own Node process, before the block, as `node --import <this file>?install`: with
// `?install` in its URL it defines the globals below; imported without it (by the test) it only exports.
// Every stand-in is deterministic, so a block's printed output can be written down in the docs.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

/** Bytes in one MPEG-TS packet. */
export const TS_PACKET = 188;

/**
 * `count` MPEG-TS packets, 188 bytes each: packet i is the sync byte 0x47, then byte j (1…187) is
 * (i + j) & 0xff. Not a decodable transport stream: enough to check sync bytes, order and sizes.
 */
export function tsPackets(count) {
  const bytes = new Uint8Array(count * TS_PACKET);
  for (let i = 0; i < count; i++) {
    bytes[i * TS_PACKET] = 0x47;
    for (let j = 1; j < TS_PACKET; j++) bytes[i * TS_PACKET + j] = (i + j) & 0xff;
  }
  return bytes;
}

/**
 * 8,192 complex64 samples (interleaved float32 re, im, in the platform's byte order: 65,536 bytes) of a
 * tone at 1/64 of the sample rate: sample n is (cos(2πn/64), sin(2πn/64)), so every sample has
 * magnitude 1 and sample 64k + m equals sample m.
 */
export function cf32Samples() {
  const values = new Float32Array(8192 * 2);
  for (let n = 0; n < 8192; n++) {
    values[2 * n] = Math.cos((2 * Math.PI * n) / 64);
    values[2 * n + 1] = Math.sin((2 * Math.PI * n) / 64);
  }
  return new Uint8Array(values.buffer);
}

/** 100,000 bytes, byte k = (k · 31 + 7) & 0xff: arbitrary bytes whose length is no round number. */
export function inputBytes() {
  return Uint8Array.from({ length: 100_000 }, (_, k) => (k * 31 + 7) & 0xff);
}

/** 65,536 bytes, byte k = k & 0xff: the body of `response`. */
export function responseBytes() {
  return Uint8Array.from({ length: 65_536 }, (_, k) => k & 0xff);
}

/** The files in each block's working directory, by name. */
export const FILES = {
  // A recorded MPEG-TS capture: 1,000 packets as tsPackets() makes them (188,000 bytes).
  'recording.ts': () => tsPackets(1000),
  // Raw IQ samples from a software-defined radio, the .cf32 (complex float32) format: cf32Samples().
  'samples.cf32': cf32Samples,
  // Any file of bytes: inputBytes().
  'input.bin': inputBytes,
};

/** Writes FILES into `dir` (a block's fresh working directory). */
export function writeStandinFiles(dir) {
  for (const [name, make] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), make());
}

/** Segment sizes of `socket`, cycling: a byte, a small read, a full Ethernet frame's payload, a few bytes, a large read. */
export const SOCKET_SEGMENTS = [1, 100, 1460, 7, 4000];

/** Piece sizes of `response.body`, cycling. */
export const RESPONSE_PIECES = [1000, 1, 4096, 333, 7000, 64];

/** Cuts `bytes` into consecutive pieces whose sizes cycle through `sizes` (the last one may be shorter). */
export function* pieces(bytes, sizes) {
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length];
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/**
 * `socket` models a connected net.Socket receiving an MPEG-TS stream: a byte-mode Node Readable that
 * delivers tsPackets(200) (37,600 bytes) in segments of SOCKET_SEGMENTS bytes, one per event-loop
 * turn, each a Buffer of its own, then ends. Like a socket's, its reads may coalesce segments.
 */
export function makeSocket() {
  const segments = pieces(tsPackets(200), SOCKET_SEGMENTS);
  return new Readable({
    read() {
      setImmediate(() => {
        const next = segments.next();
        this.push(next.done ? null : Buffer.from(next.value));
      });
    },
  });
}

/**
 * `response` models what `await fetch(url)` resolves with: a WHATWG Response (status 200) whose body
 * streams responseBytes() (65,536 bytes) in pieces of RESPONSE_PIECES bytes, each a Uint8Array of its own.
 */
export function makeResponse() {
  const body = pieces(responseBytes(), RESPONSE_PIECES);
  return new Response(new ReadableStream({
    pull(controller) {
      const next = body.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value.slice());
    },
  }), { headers: { 'content-type': 'application/octet-stream', 'content-length': '65536' } });
}

/**
 * `handle(chunk)` models the application's own code that consumes a chunk: it checks that it is given
 * one chunk (a Uint8Array, Buffer included; an array of chunks or a Float32Array throws a TypeError)
 * and counts it in `handle.count`. It prints nothing.
 */
export function makeHandle() {
  let count = 0;
  function handle(chunk) {
    if (!(chunk instanceof Uint8Array)) {
      const what = chunk === null ? 'null' : Array.isArray(chunk) ? 'an array' : chunk?.constructor?.name ?? typeof chunk;
      throw new TypeError(`handle(chunk) takes one Uint8Array chunk, got ${what}`);
    }
    count++;
  }
  Object.defineProperty(handle, 'count', { get: () => count, enumerable: true });
  return handle;
}

/** The stand-ins' declarations, for type-checking `ts run` blocks (a global script, so no imports). */
export const STANDIN_DECLARATIONS = `\
/** A connected socket's byte stream (a Node Readable): 200 MPEG-TS packets in uneven segments. */
declare const socket: import('node:stream').Readable;
/** A fetch() Response whose body streams 65,536 bytes in uneven pieces. */
declare const response: Response;
/** The application's consumer of one chunk; counts them. */
declare function handle(chunk: Uint8Array): void;
declare namespace handle {
  /** Chunks handled so far. */
  const count: number;
}
`;

/** Defines the globals `socket`, `response` and `handle`; the first two are made when first read. */
export function installStandins(target = globalThis) {
  const lazy = (name, make) => {
    let value;
    Object.defineProperty(target, name, { configurable: true, enumerable: true, get: () => (value ??= make()) });
  };
  lazy('socket', makeSocket);
  lazy('response', makeResponse);
  Object.defineProperty(target, 'handle', { configurable: true, enumerable: true, writable: false, value: makeHandle() });
}

if (new URL(import.meta.url).searchParams.has('install')) installStandins();
