// Small helpers the contract tests share: bytes of a chunk, coded-error assertions, stream collection.
import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** Byte generators (seq, noise, marked, pattern): test/support/bytes.mjs. */
export { seq } from './bytes.mjs';

/**
 * Time bounds in tests are multiplied by this (REFRAME_TEST_TIME_SCALE): `npm run test:asan` runs the
 * suite several times slower under AddressSanitizer. Bounds catch hangs; they never measure speed.
 */
export const TIME_SCALE = Math.max(1, Number(process.env.REFRAME_TEST_TIME_SCALE) || 1);

/** `ms` stretched by TIME_SCALE: every explicit time bound of a test goes through this. */
export const scaled = (ms: number): number => ms * TIME_SCALE;

/** Per-test bound of a synchronous case (options, input, hop, tail): nothing there may hang. */
export const QUICK = scaled(2000);

/** Per-test bound of a stream case (Node and WHATWG faces, hostile inputs): nothing there may hang. */
export const STREAM = scaled(5000);

/** Virtual memory this process has reserved (Linux: VmSize), in bytes. */
function virtualBytes(): number {
  return Number(/^VmSize:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
}

/**
 * Runs `fn` and says how much memory it took hold of: `virtual`, the growth of the process's
 * reserved address space (an allocation shows there even where no page of it is touched, in
 * JavaScript or in the addon), and `arrayBuffers`, the growth of ArrayBuffer memory.
 */
export function memoryDuring<R>(fn: () => R): { result: R; virtual: number; arrayBuffers: number } {
  const before = { virtual: virtualBytes(), arrayBuffers: process.memoryUsage().arrayBuffers };
  const result = fn();
  return {
    result,
    virtual: virtualBytes() - before.virtual,
    arrayBuffers: process.memoryUsage().arrayBuffers - before.arrayBuffers,
  };
}

/** The bytes a typed array (or any view) covers, copied, for exact comparison. */
export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

/** An error with one of reframe's codes (and `tail`, for ERR_REFRAME_TAIL and ERR_REFRAME_INPUT). */
export type Coded = Error & { code: string; tail?: ArrayBufferView };

/** What `fn` throws, or undefined when it returns. */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Expects `error` (thrown, rejected or emitted) to be of class `kind` with `code`; returns it. */
export function expectCoded(error: unknown, code: string, kind: ErrorConstructor = Error, label?: string): Coded {
  expect(error, `${label ?? 'expected'}: an error of class ${kind.name} with code ${code}`).toBeInstanceOf(kind);
  expect((error as { code?: string }).code, label).toBe(code);
  return error as Coded;
}

/** Runs `fn`, expects it to throw an error of class `kind` with `code`, and returns the error. */
export function thrown(fn: () => unknown, code: string, kind: ErrorConstructor = Error): Coded {
  return expectCoded(caught(fn), code, kind, 'expected a throw');
}

/** Expects a TypeError with code ERR_REFRAME_INPUT. */
export function expectInputError(error: unknown, label?: string): void {
  expectCoded(error, 'ERR_REFRAME_INPUT', TypeError, label);
}

/** Every item a Node readable emits, and the error it ends with, if any. Starts flowing mode. */
export function collectNode<T = unknown>(readable: Readable): Promise<{ items: T[]; error: (Error & { code?: string; tail?: ArrayBufferView }) | undefined }> {
  return new Promise((resolve) => {
    const items: T[] = [];
    readable.on('data', (item: T) => items.push(item));
    readable.on('error', (error) => resolve({ items, error }));
    readable.on('end', () => resolve({ items, error: undefined }));
  });
}

/**
 * Expects `got` to hold exactly the bytes of `want`, chunk by chunk. Compares with Buffer#equals
 * (fast on large chunks) and falls back to toEqual only to report a mismatch.
 */
export function expectChunks(got: readonly ArrayBufferView[], want: readonly Uint8Array[], label?: string): void {
  const same = got.length === want.length && got.every((chunk, i) =>
    Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).equals(want[i]));
  if (!same) expect(got.map(bytesOf), label).toEqual(want);
}
