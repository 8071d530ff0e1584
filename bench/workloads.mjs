// The benchmark's workloads (issue 5): what arrives, in which bursts, and the checksum every
// contestant's output must reproduce. Everything is seeded, so every process builds the same bytes.
import { Buffer } from 'node:buffer';

const MiB = 1 << 20;

/** name → total bytes, chunk sizes, and how burst lengths are drawn. */
export const WORKLOADS = {
  file: { bytes: 256 * MiB, sizes: [4096, 188, MiB], burst: () => 64 * 1024, what: '256 MiB in 64 KiB bursts' },
  socket: { bytes: 128 * MiB, sizes: [64, 1500, 65536], burst: (rand) => 1 + (rand() % 65536), what: '128 MiB in random bursts of 1–65,536 bytes' },
  tiny: { bytes: 16 * MiB, sizes: [64, 512], burst: (rand) => 1 + (rand() % 256), what: '16 MiB in random bursts of 1–256 bytes' },
};

/** xorshift32: a small seeded generator (unsigned 32-bit results). */
function xorshift(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

// The stream's bytes: a 16 MiB seeded random pattern, repeated to the workload's length (a period
// far longer than any chunk, so misplaced or repeated chunks change the checksum).
const PATTERN_BYTES = 16 * MiB;

function streamBytes(total) {
  const data = Buffer.allocUnsafeSlow(total);
  const words = new Uint32Array(data.buffer, 0, Math.min(total, PATTERN_BYTES) >>> 2);
  const rand = xorshift(0x5eed);
  for (let i = 0; i < words.length; i++) words[i] = rand();
  for (let at = words.byteLength; at < total; at += PATTERN_BYTES) {
    data.copy(data, at, 0, Math.min(PATTERN_BYTES, total - at));
  }
  return data;
}

/**
 * The workload's bursts: Buffer views, back to back, over one buffer of the whole stream (as a
 * file or socket reader hands out fresh Buffers). Burst lengths come from their own seeded generator.
 */
export function makeWorkload(name, bytes = WORKLOADS[name].bytes) {
  const spec = { ...WORKLOADS[name], bytes };
  const data = streamBytes(spec.bytes);
  const rand = xorshift(0xb0057);
  const bursts = [];
  for (let at = 0; at < spec.bytes;) {
    const len = Math.min(spec.burst(rand), spec.bytes - at);
    bursts.push(data.subarray(at, at + len));
    at += len;
  }
  return { ...spec, name, data, bursts };
}

/**
 * An order-sensitive checksum (Fletcher-style, 32-bit sums) that can be fed piece by piece:
 * the result depends on the bytes and their order, not on where the pieces split.
 */
export class Checksum {
  s1 = 0;
  s2 = 0;
  update(bytes) {
    let { s1, s2 } = this;
    for (let i = 0; i < bytes.length; i++) {
      s1 = (s1 + bytes[i]) | 0;
      s2 = (s2 + s1) | 0;
    }
    this.s1 = s1;
    this.s2 = s2;
    return this;
  }
  digest() {
    return ((this.s2 >>> 0).toString(16).padStart(8, '0') + (this.s1 >>> 0).toString(16).padStart(8, '0'));
  }
}
