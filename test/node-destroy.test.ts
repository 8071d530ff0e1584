// Regression: destroying a ChunkerTransform must settle every write callback, as Node's zlib does.
// Before the fix, a write whose burst was still being produced (stalled consumer) and every write
// queued behind it never called back, so a writer awaiting its callback hung forever.
import { describe, expect, it } from 'vitest';
import { chunkerStream } from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { QUICK } from './support/util.js';

function writeSettles(stream: NodeJS.WritableStream, burst: unknown): Promise<NodeJS.ErrnoException | null | undefined> {
  return new Promise((resolve) => stream.write(burst as Uint8Array, (error) => resolve(error)));
}

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  it('fails a write still being produced, and those queued behind it, when destroyed', async () => {
    const stream = chunkerStream(64);
    stream.on('error', () => {});
    const first = writeSettles(stream, new Uint8Array(64 * 1000)); // 1000 chunks, nobody reads
    const second = writeSettles(stream, new Uint8Array(10));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.readableLength).toBeLessThan(1000); // still producing the first write
    stream.destroy();
    expect((await first)?.code).toBe('ERR_STREAM_DESTROYED');
    expect((await second)?.code).toBe('ERR_STREAM_DESTROYED');
  }, QUICK);

  it('still reports a refused burst to its writer when destroyed before the error was delivered', async () => {
    const stream = chunkerStream(4);
    stream.on('error', () => {});
    stream.write(new Uint8Array(8)); // two chunks, unread: the error waits behind them
    const refused = writeSettles(stream, 42);
    await new Promise((resolve) => setImmediate(resolve));
    stream.destroy();
    expect((await refused)?.code).toBe('ERR_REFRAME_INPUT');
  }, QUICK);
});
