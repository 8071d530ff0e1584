// Where the platform has no WHATWG streams, ChunkerStream needs an implementation: the ponyfill that
// `reframer/polyfill` registers, or the `streams` option. Without either it throws a coded error at
// construction; the browser build never loads the polyfill by itself (test/browser-graph.test.ts).
// One file, run in order: the registration is module state that lasts for the rest of the file.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as polyfill from 'web-streams-polyfill';
import { ChunkerStream } from '../src/browser.js';

function withoutPlatformStreams<R>(run: () => R): R {
  vi.stubGlobal('ReadableStream', undefined);
  vi.stubGlobal('WritableStream', undefined);
  vi.stubGlobal('TransformStream', undefined);
  try {
    return run();
  } finally {
    vi.unstubAllGlobals();
  }
}

describe('a platform without streams', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('throws ERR_REFRAME_NO_STREAMS at construction while reframer/polyfill is not imported', () => {
    expect(() => withoutPlatformStreams(() => new ChunkerStream(2))).toThrow(
      expect.objectContaining({ code: 'ERR_REFRAME_NO_STREAMS' }),
    );
    // Bad options still win: they are checked first, whatever the platform.
    expect(() => withoutPlatformStreams(() => new ChunkerStream(0))).toThrow(
      expect.objectContaining({ code: 'ERR_REFRAME_OPTION' }),
    );
  });

  it('builds on an implementation passed as `streams` without the polyfill entry', () => {
    const pair = withoutPlatformStreams(() => new ChunkerStream(2, { streams: polyfill }));
    expect(pair.readable).toBeInstanceOf(polyfill.ReadableStream);
  });

  it('falls back to the ponyfill once reframer/polyfill is imported', async () => {
    await import('../src/polyfill.js');
    const pair = withoutPlatformStreams(() => new ChunkerStream(2));
    expect(pair.readable).toBeInstanceOf(polyfill.ReadableStream);
    expect(pair.writable).toBeInstanceOf(polyfill.WritableStream);
    const writer = pair.writable.getWriter();
    const reader = pair.readable.getReader();
    await writer.write(Uint8Array.of(7, 8, 9));
    expect(Array.from((await reader.read()).value!)).toEqual([7, 8]);
  });

  it('still prefers the platform streams where there are any', () => {
    expect(new ChunkerStream(2).readable).toBeInstanceOf(globalThis.ReadableStream);
    expect(new ChunkerStream(2).readable).not.toBeInstanceOf(polyfill.ReadableStream);
  });
});
