// Drives one face of reframe (from dist/) over a list of bursts, for the child-process tests of
// issue 11: every face takes the same bursts and reports each chunk as it is handed out, so a
// script checks the contract once for all of them.
import * as polyfill from 'web-streams-polyfill';
import { Chunker, ChunkerStream, chunkerStream, chunks } from '../../dist/index.js';
import { faceRunner } from '../support/faces.mjs';

export { FACES } from '../support/faces.mjs';

/**
 * Feeds `bursts` (an iterable, read one at a time) to `face` with `options`, calling `onChunk`
 * for every chunk handed out and `between()` after each burst is taken. Resolves with the error
 * the face ended with, or undefined. (test/support/faces.mjs over dist/.)
 */
export const run = faceRunner({ Chunker, ChunkerStream, chunkerStream, chunks }, polyfill);

/** Prints a failure and exits 1. */
export function fail(what) {
  process.stdout.write(`FAIL ${what}\n`);
  process.exit(1);
}

/** An error as a line: its class, code and message. */
export function describeError(error) {
  return `${error?.constructor?.name ?? typeof error} code=${error?.code} ${String(error?.message ?? error).slice(0, 200)}`;
}
