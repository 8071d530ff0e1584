// What one chunk of its own costs: a new ArrayBuffer of `size` bytes per chunk, filled from a
// stage, against a view per chunk on one reused buffer (what chunks sharing a buffer cost).
// docs/performance.md › Single stream: what an own chunk costs.
//
//   node bench/probes/arraybuffer-cost.mjs [size …]
//   node --no-concurrent-array-buffer-sweeping bench/probes/arraybuffer-cost.mjs
//   node --single-threaded-gc bench/probes/arraybuffer-cost.mjs
//
// Each line: ns per chunk, the median of 5 runs of 1 GB of chunks in this process.
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const FastBuffer = Buffer[Symbol.species];
const stage = new Uint8Array(64 * 1024).fill(7);
const ring = new Uint8Array(4 << 20);

function own(size, n) {
  let x = 0;
  for (let i = 0; i < n; i++) {
    const chunk = new FastBuffer(size);
    chunk.set(stage.subarray(0, size));
    x ^= chunk[size - 1];
  }
  return x;
}

function view(size, n) {
  let x = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (at + size > ring.length) at = 0;
    ring.set(stage.subarray(0, size), at);
    const chunk = new FastBuffer(ring.buffer, at, size);
    at += size;
    x ^= chunk[size - 1];
  }
  return x;
}

function time(run, size) {
  const n = Math.max(1, Math.floor(1e9 / size));
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    run(size, n);
    runs.push(Number(process.hrtime.bigint() - t0) / n);
  }
  return runs.sort((a, b) => a - b)[2];
}

const flags = process.execArgv.join(' ') || 'no flags';
for (const size of sizes.length > 0 ? sizes : [188, 1500, 4096]) {
  const o = time(own, size);
  const v = time(view, size);
  console.log(`${process.version} (${flags}) ${size} B: own ArrayBuffer ${o.toFixed(0)} ns/chunk ` +
    `(${(size / o * 1e3).toFixed(0)} MB/s), view on a reused buffer ${v.toFixed(0)} ns/chunk (${(size / v * 1e3).toFixed(0)} MB/s)`);
}
