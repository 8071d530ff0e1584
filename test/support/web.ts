// The WHATWG streams implementations every web-face suite runs on: the platform's own (the
// default, no `streams` option) and web-streams-polyfill's ponyfill (passed as `streams`).
import * as polyfill from 'web-streams-polyfill';
import type { StreamsImplementation } from '../../src/web-stream.js';

export interface Implementation {
  readonly name: string;
  /** What the suite passes as `streams` (undefined: the default). */
  readonly streams: StreamsImplementation | undefined;
  /** The constructors the pair is built from, for sources and sinks of the same brand. */
  readonly ReadableStream: typeof globalThis.ReadableStream;
  readonly WritableStream: typeof globalThis.WritableStream;
}

export const IMPLEMENTATIONS: readonly Implementation[] = [
  { name: 'platform', streams: undefined, ReadableStream: globalThis.ReadableStream, WritableStream: globalThis.WritableStream },
  {
    name: 'polyfill',
    streams: polyfill,
    ReadableStream: polyfill.ReadableStream as unknown as typeof globalThis.ReadableStream,
    WritableStream: polyfill.WritableStream as unknown as typeof globalThis.WritableStream,
  },
];

/** A readable stream of `bursts`, then closed. */
export function streamOf<T>(impl: Implementation, bursts: readonly T[]): ReadableStream<T> {
  return new impl.ReadableStream<T>({
    start(controller) {
      for (const burst of bursts) controller.enqueue(burst);
      controller.close();
    },
  });
}

/** Reads a WHATWG readable stream to its end (rejects with its error). */
export async function collectWeb<T>(readable: ReadableStream<T>): Promise<T[]> {
  const reader = readable.getReader();
  const items: T[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return items;
    items.push(value);
  }
}

/** Lets every queued microtask and I/O callback run (settles whatever can settle now). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Tracks a promise's state without waiting for it (and marks its rejection handled). */
export function track<T>(promise: Promise<T>): { readonly settled: boolean; readonly promise: Promise<T> } {
  const state = { settled: false, promise };
  promise.then(() => { state.settled = true; }, () => { state.settled = true; });
  return state;
}
