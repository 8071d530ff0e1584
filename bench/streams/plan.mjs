// What every connection of bench:streams sends, computed alike in the client and the server from
// one seed: a hello of 100–150 bytes whose first 4 bytes are the connection's id (uint32 LE), then
// 16 KiB in random segments of 1 B–16 KiB (the last one clipped), sent round-robin across the
// connections. Ids 0…n-1 are the measured connections; n…n+WARM-1 are the warm-up connections that
// run the whole protocol before the server takes its baseline.

export const DATA_BYTES = 16 * 1024;
export const WARM = 32;

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The plan for n measured connections plus WARM warm-up ones: hello[id] is the hello's length,
 * segments[id] the lengths of its data segments (they sum to DATA_BYTES), total[id] all its bytes.
 */
export function makePlan(n, seed) {
  const random = rng(seed);
  const count = n + WARM;
  const hello = new Uint16Array(count);
  const segments = new Array(count);
  const total = new Float64Array(count);
  for (let id = 0; id < count; id++) {
    hello[id] = 100 + Math.floor(random() * 51);
    const segs = [];
    for (let left = DATA_BYTES; left > 0;) {
      const s = Math.min(left, 1 + Math.floor(random() * DATA_BYTES));
      segs.push(s);
      left -= s;
    }
    segments[id] = segs;
    total[id] = hello[id] + DATA_BYTES;
  }
  let helloBytes = 0;
  for (let id = 0; id < n; id++) helloBytes += hello[id];
  return { n, count, hello, segments, total, helloBytes };
}
