// Issue 20: ten thousand quiet streams in one process. Each face on each core makes 10,000
// chunkers in a child process (test/children/memory-streams.mjs: --expose-gc, a hello of three
// ~100-byte bursts each, chunks dropped) after some traffic, and what they hold is bounded: no
// output memory kept per stream (ArrayBuffers per stream at most one chunk and 1 KiB: the engine's
// window for the pending partial chunk, and a gather buffer as large as what waits), RSS per stream
// within 16 KiB of a do-nothing stream of the same kind. The old design
// (a 256 KiB pool per chunker) held 128–256 KiB of buffers and 110–145 KiB of RSS per stream
// here (REFRAME_DIST pointed at a build of 70f82a4: the test fails there).
// Chunk sizes: 64 B (own chunks on V8's heap) and 1500 B (own, or a pinned shared buffer).
import { beforeAll, describe, expect, it } from 'vitest';
import { CORES } from './support/cores.js';
import { TIME_SCALE } from './support/util.js';
import { describeRun, ensureDist, runChild, type ChildRun } from './support/child.js';

const N = 10_000;
const FACES = ['chunker', 'node', 'web', 'chunks'] as const;
const SIZES = [64, 1500] as const;
const BOUND = 120_000 * TIME_SCALE;
const RSS_SLACK = 16 * 1024;
const BUFFER_SLACK = 1024;
// Under test:asan RSS says more about ASan's allocator (redzones, quarantine) than about reframe.
const SANITIZED = (process.env.LD_PRELOAD ?? '').includes('asan');

interface Result { face: string; backend: string; perStream: number; floor?: number; buffersPerStream: number }

// The matrix (Node 22, 24, 26: scripts/test-matrix.mjs sets REFRAME_MATRIX) leaves these to the Node 20
// run and to `npm run bench:streams -- --node 26`: 16 children of 10,000 streams each take minutes.
describe.skipIf(process.env.REFRAME_MATRIX !== undefined).each(CORES)('$backend core: 10,000 quiet streams', (core) => {
  const runs = new Map<string, Promise<ChildRun>>();
  beforeAll(() => {
    ensureDist();
    for (const face of FACES) for (const size of SIZES) {
      runs.set(`${face} ${size}`, runChild('memory-streams.mjs', [face, String(N), String(size)], {
        env: { REFRAME_BACKEND: core.backend }, timeout: BOUND, nodeArgs: ['--expose-gc'],
      }));
    }
  });

  it.each(FACES.flatMap((face) => SIZES.map((size) => [face, size] as const)))(
    '%s face, %i-byte chunks: no output memory kept per quiet stream, RSS near a do-nothing stream',
    async (face, size) => {
      const run = await runs.get(`${face} ${size}`)!;
      expect(run.code, describeRun(run)).toBe(0);
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Result;
      expect(result.backend).toBe(core.backend);
      expect(result.buffersPerStream, JSON.stringify(result)).toBeLessThanOrEqual(size + BUFFER_SLACK);
      if (!SANITIZED) expect(result.perStream - (result.floor ?? 0), JSON.stringify(result)).toBeLessThanOrEqual(RSS_SLACK);
    },
    BOUND + 5000,
  );
});
