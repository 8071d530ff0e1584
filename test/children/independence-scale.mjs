// Issue 22, in a process of its own (run by test/independence-scale.test.ts with --expose-gc and
// REFRAME_BACKEND): chunks kept from the start, middle and end of streams (test/support/kept.mjs)
// while garbage is collected and finalizers run between stretches, so that the native core's slabs
// and the pools of dropped chunks come back and are handed out again around the kept ones.
//   node --expose-gc test/children/independence-scale.mjs <face> [seed]
// The Chunker face pushes more than twice the native core's free budget; every face runs the
// small-chunk pool, exact outputs and copy-once chunk sizes. Prints `ok <backend> <face> … N bytes in`
// (and the native pool's counters) and exits 0, or prints FAIL and exits 1.
import { setImmediate as turn } from 'node:timers/promises';
import { Chunker, backend } from '../../dist/index.js';
import { fail, run } from './face.mjs';
import { MEMORY, keptScenario } from '../support/kept.mjs';

const face = process.argv[2];
const seed = Number(process.argv[3] ?? 22);
if (typeof globalThis.gc !== 'function') fail('run with --expose-gc');

let nativeMemory;
let nativeRecycles = false; // Node 26, Deno: the native core takes no slab (docs/design.md)
if (backend === 'native') ({ nativeMemory, nativeRecycles } = await import('../../dist/core/node-runtime.js'));
const stats = () => nativeMemory?.memoryStats();

/** Collections and event-loop turns until the finalizers of dropped buffers have run. */
async function settle() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await turn();
  }
}

let random = seed;
const next = () => ((random = (Math.imul(random, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
const keep = () => Array.from({ length: 4 }, next);

const MiB = 1 << 20;
const big = face === 'chunker';
const scenarios = [
  // The small-output pool: 64-byte chunks, small bursts; many pools replaced.
  { options: { size: 64 }, total: big ? 16 * MiB : 4 * MiB, burst: (i) => 200 + ((i * 977) % 3000), every: MiB },
  // Exact outputs that overlap, with a padded end.
  { options: { size: 1500, hop: 1000, tail: 'pad' }, total: big ? 32 * MiB : 8 * MiB, burst: (i) => 4096 + ((i * 7919) % 60_000), every: 4 * MiB },
  // Copy-once chunks (32 KiB and more) and whole slabs of them; the Chunker face pushes more than
  // twice the native free budget through them.
  {
    options: { size: 16_384, type: 'float32', channels: 2, hop: 12_000 },
    total: big ? 2 * MEMORY.nativeFree + 32 * MiB : 16 * MiB,
    burst: (i) => (i % 3 === 0 ? 3 * MiB + 5 : 100_000 + ((i * 104_729) % 900_000)),
    every: 16 * MiB,
  },
];

const before = stats();
let bytesIn = 0;
let chunks = 0;
let kept = 0;
let checks = 0;
for (const [i, s] of scenarios.entries()) {
  try {
    const r = await keptScenario({ run, api: { Chunker }, face, keep: keep(), salt: seed * 16 + i, settle, after: 8 * MiB, ...s });
    bytesIn += r.bytesIn;
    chunks += r.chunks;
    kept += r.kept;
    checks += r.checks;
  } catch (error) {
    fail(`${backend} ${face} scenario ${i} (seed ${seed}): ${error?.stack ?? error}`);
  }
  await settle();
}
const after = stats();
const counters = after ? `; native slabs taken ${after[3] - before[3]}, slabs reused ${after[4] - before[4]}, recycles ${nativeRecycles ? 'yes' : 'no'}` : '';
process.stdout.write(`ok ${backend} ${face}: ${chunks} chunks, ${kept} kept, ${checks} checks, ${bytesIn} bytes in${counters}\n`);
