// What the hostile-input regression tests of issue 11 share: input bytes that are easy to tell
// from anything else, the contract's checks (coded errors, prefixes of the reference framing,
// chunks that never change, no foreign byte in a chunk's buffer) and a time bound on promises.
import { expect } from 'vitest';
import { Buffer } from 'node:buffer';
import { FOREIGN_BYTE, MARKED_FIRST, MARKED_VALUES, marked } from './bytes.mjs';
import { STREAM, bytesOf, expectInputError, scaled } from './util.js';

/** Per-test time bound of these files: util.ts's STREAM (the name the hostile files used). */
export const T = STREAM;

/** How long a single awaited step may take before the test says which one hung. */
export const STEP = scaled(2000);

export type Coded = Error & { code?: string };

// Input bytes are marked (test/support/bytes.mjs: 0xA0..0xBE, never 0): a chunk's buffer may hold
// input bytes and the zeros of fresh output memory (SPEC "Output"), so any other value there came
// from somewhere else.
const MARKED = new Uint8Array(256);
for (let v = MARKED_FIRST; v < MARKED_FIRST + MARKED_VALUES; v++) MARKED[v] = 1;

export { marked };

/** A byte no test input holds (secrets, grown regions, lies): 0x11. */
export const FOREIGN = FOREIGN_BYTE;

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
}

/** util.ts's bytesOf, under the name the hostile files used. */
export const snapshot = bytesOf;

/** Chunks of a face item: the chunk itself, or the chunks of a batch array. */
export function chunksOf(item: unknown): ArrayBufferView[] {
  return Array.isArray(item) ? (item as ArrayBufferView[]) : [item as ArrayBufferView];
}

export { expectInputError };

const equal = (a: Uint8Array, b: Uint8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/**
 * Expects `got` (chunk bytes, in order) to be the first chunks of `want`: all of them when
 * `whole`, fewer than all when `whole` is false, any prefix when it is undefined.
 */
export function expectPrefix(got: readonly Uint8Array[], want: readonly Uint8Array[], whole?: boolean, label?: string): void {
  expect(got.length, `${label ?? ''} more chunks than the reference framing has`).toBeLessThanOrEqual(want.length);
  if (whole === true) expect(got.length, `${label ?? ''} every chunk of the reference framing`).toBe(want.length);
  if (whole === false) expect(got.length, `${label ?? ''} the write must not complete`).toBeLessThan(want.length);
  const first = got.findIndex((chunk, i) => !equal(chunk, want[i]!));
  if (first !== -1) expect(Array.from(got[first]!), `${label ?? ''} chunk ${first}`).toEqual(Array.from(want[first]!));
}

/** Expects every chunk to still hold the bytes it had when it was handed out. */
export function expectUnchanged(chunks: readonly ArrayBufferView[], snapshots: readonly Uint8Array[], label?: string): void {
  expect(chunks.length).toBe(snapshots.length);
  const changed = chunks.findIndex((chunk, i) => !equal(snapshot(chunk), snapshots[i]!));
  if (changed !== -1) {
    expect(Array.from(snapshot(chunks[changed]!)), `${label ?? ''} chunk ${changed} changed after it was handed out`)
      .toEqual(Array.from(snapshots[changed]!));
  }
}

/**
 * Expects every byte of every chunk's whole ArrayBuffer (other chunks of the stream share it) to
 * be an input byte (see `marked`) or a zero: never uninitialised, foreign or stale memory.
 * `extra` lists other bytes the stream may hold (a fill value).
 */
export function expectOnlyInputBytes(chunks: readonly ArrayBufferView[], extra: readonly number[] = [], label?: string): void {
  const allowed = MARKED.slice();
  allowed[0] = 1;
  for (const v of extra) allowed[v] = 1;
  const seen = new Set<ArrayBufferLike>();
  let foreign = 0;
  let example = -1;
  for (const chunk of chunks) {
    if (seen.has(chunk.buffer)) continue;
    seen.add(chunk.buffer);
    const all = new Uint8Array(chunk.buffer);
    for (let i = 0; i < all.length; i++) {
      if (allowed[all[i]!] === 0) {
        foreign++;
        if (example < 0) example = all[i]!;
      }
    }
  }
  expect(foreign, `${label ?? ''} bytes that were never input (e.g. 0x${example.toString(16)}) in the chunks' buffers`).toBe(0);
}

/** Resolves like `promise`, or rejects saying `what` did not settle within `ms`. */
export function within<V>(promise: Promise<V>, what: string, ms = STEP): Promise<V> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The outcome of a promise: `{ ok: true }` or `{ ok: false, error }`, never a rejection. */
export type Outcome = { ok: true } | { ok: false; error: unknown };
export function outcome(promise: PromiseLike<unknown>): Promise<Outcome> {
  return Promise.resolve(promise).then(() => ({ ok: true as const }), (error: unknown) => ({ ok: false as const, error }));
}

/** A Node-style callback as a promise of its outcome. */
export function callbackOutcome(start: (callback: (error?: Error | null) => void) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    start((error) => resolve(error ? { ok: false, error } : { ok: true }));
  });
}

// Resizable and growable buffers (ES2024). The TypeScript lib this project targets does not
// declare them yet, hence the casts.
type ResizableCtor = new (length: number, options: { maxByteLength: number }) => ArrayBuffer;
type GrowableCtor = new (length: number, options: { maxByteLength: number }) => SharedArrayBuffer;

/** A resizable ArrayBuffer holding `bytes`, that may grow to `max` bytes. */
export function resizable(bytes: Uint8Array, max = bytes.length): ArrayBuffer {
  const buffer = new (ArrayBuffer as unknown as ResizableCtor)(bytes.length, { maxByteLength: max });
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

/** Resizes a resizable ArrayBuffer. */
export function resize(buffer: ArrayBuffer, length: number): void {
  (buffer as unknown as { resize(length: number): void }).resize(length);
}

/** A growable SharedArrayBuffer holding `bytes`, that may grow to `max` bytes. */
export function growable(bytes: Uint8Array, max: number): SharedArrayBuffer {
  const buffer = new (SharedArrayBuffer as unknown as GrowableCtor)(bytes.length, { maxByteLength: max });
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

/** Grows a growable SharedArrayBuffer. */
export function grow(buffer: SharedArrayBuffer, length: number): void {
  (buffer as unknown as { grow(length: number): void }).grow(length);
}

/** Detaches an ArrayBuffer the way a transfer does (Node 20 has no ArrayBuffer.prototype.transfer). */
export function detach(buffer: ArrayBuffer): void {
  structuredClone(buffer, { transfer: [buffer] });
}
