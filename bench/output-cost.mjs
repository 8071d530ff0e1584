// What one output allocation costs, without streams or framing (issue 12's profile of the gap to
// limit (c)): each contestant copies a 64 KiB burst (or 1 MiB) into an output, over and over, 1 GiB
// in all per run, dropping each output at once, and lets the event loop turn once per 16 MiB (as
// the stream faces do) so that finalizers can run. CPU time of the whole process (every thread).
//
//   node --expose-gc bench/output-cost.mjs            # 64 KiB and 1 MiB, 5 runs each, this process
//   node --expose-gc bench/output-cost.mjs 65536      # one size
//
// Contestants:
//   reused  a preallocated 64 MiB ring, written in turn (no allocation: what limit (c) pays; as
//           large as the native pool, so neither fits in a cache the other does not)
//   native  the addon's slabs (external ArrayBuffers, recycled once collected): the native core
//   node    Buffer.allocUnsafeSlow (Node's allocator: glibc), as the TypeScript core
// Prints per contestant the median run's MB/s and the cost per output above `reused`, in µs.
import { setImmediate as turn } from 'node:timers/promises';

const { nativeMemory } = await import('../dist/core/node-runtime.js');
if (nativeMemory === undefined) throw new Error('output-cost: the addon did not load (npm run build:native)');

const TOTAL = 1 << 30;
const TURN = 16 << 20;
const sizes = process.argv[2] ? [Number(process.argv[2])] : [65536, 1 << 20];

async function run(size, allocate) {
  const source = new Uint8Array(size).fill(7);
  globalThis.gc?.();
  await turn();
  const start = process.cpuUsage();
  let sinceTurn = 0;
  for (let done = 0; done < TOTAL; done += size) {
    const out = allocate(size);
    out.set(source);
    sinceTurn += size;
    if (sinceTurn >= TURN) {
      sinceTurn = 0;
      await turn();
    }
  }
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / 1000; // ms
}

let fallbacks = 0;
for (const size of sizes) {
  const ring = new Uint8Array(64 << 20).fill(1);
  let at = 0;
  const contestants = {
    reused: (n) => {
      if (at + n > ring.length) at = 0;
      const out = ring.subarray(at, at + n);
      at += n;
      return out;
    },
    native: (n) => nativeMemory.alloc(n, false) ?? (fallbacks++, Buffer.allocUnsafeSlow(n)),
    node: (n) => Buffer.allocUnsafeSlow(n),
  };
  const medians = {};
  let pool = '';
  for (const [name, allocate] of Object.entries(contestants)) {
    await run(size, allocate); // warm-up (and the pool's first slabs)
    const [, , , taken0, reused0] = nativeMemory.memoryStats();
    fallbacks = 0;
    const times = [];
    for (let r = 0; r < 5; r++) times.push(await run(size, allocate));
    times.sort((a, b) => a - b);
    medians[name] = times[2];
    if (name === 'native') {
      const [, , , taken, reused] = nativeMemory.memoryStats();
      pool = `  (timed runs: ${reused - reused0} of ${taken - taken0} slabs reused, ${fallbacks} outputs fell back to Node's allocator)`;
    }
  }
  const outputs = TOTAL / size;
  for (const [name, ms] of Object.entries(medians)) {
    const extra = ((ms - medians.reused) * 1000) / outputs;
    console.log(
      `${String(size).padStart(8)} B  ${name.padEnd(7)} ${((TOTAL / 2 ** 20) / (ms / 1000)).toFixed(0).padStart(6)} MB/s` +
        (name === 'reused' ? '' : `  ${extra.toFixed(2).padStart(7)} µs per output above reused`) +
        (name === 'native' ? pool : ''),
    );
  }
}
