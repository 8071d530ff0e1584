// Kept chunks at any scale (issue 22; SPEC "Output"): a chunk someone keeps, its `.buffer` and
// every view on it never change, whatever passes through the package afterwards, and its `.buffer`
// shows only this stream's bytes (or zeros): never another owner's, never recycled ones. Shared by
// test/independence-scale.test.ts (in-process, on src/) and test/children/independence-scale.mjs
// (dist/, with --expose-gc, so that finalizers run and memory is recycled under the kept chunks).
//
// The checks are written against that contract, not against any memory layout: they pass whether
// a chunk shares its buffer with siblings (a pool) or owns it alone.
import { Buffer } from 'node:buffer';
import { OWNER_MARK, ownerMark, pattern, patternInto } from './bytes.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * The largest output memory the code has, which the scale cases must outgrow (update these when the
 * memory changes): the small-output pool (src/memory.ts POOL_BYTES), one engine call's slab
 * (src/reframer.ts SLAB_BYTES), the native core's largest slab class and its free budget
 * (native/memory.h kLargestClass, kMaxFreeBytes).
 */
export const MEMORY = { pool: 256 * KiB, slab: MiB, nativeSlab: 64 * MiB, nativeFree: 128 * MiB };

const ELEMENT = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, float64: 8, bigint64: 8, biguint64: 8, complex64: 8, complex128: 16 };

/** Bytes of one sample under `options`. */
export function sampleBytes(options) {
  return ELEMENT[options.type ?? 'uint8'] * (options.channels ?? 1);
}

/**
 * Where every chunk of a stream of `total` bytes sits (SPEC "Output"; tail 'emit', 'pad' with the
 * default fill and align, or 'drop'): `count` chunks; chunk k covers stream bytes
 * [from(k), from(k) + have(k)) followed by `length(k) - have(k)` zero bytes of padding.
 */
export function layout(options, total) {
  const B = sampleBytes(options);
  const size = options.size;
  const hop = options.hop ?? size;
  const tail = options.tail ?? 'emit';
  const n = Math.floor(total / B);
  const regular = n >= size ? Math.floor((n - size) / hop) + 1 : 0;
  const start = regular * hop;
  const held = regular === 0 ? 0 : (regular - 1) * hop + size;
  const final = tail !== 'drop' && n > Math.max(start, held);
  return {
    count: regular + (final ? 1 : 0),
    from: (k) => k * hop * B,
    have: (k) => (k < regular ? size * B : (n - start) * B),
    length: (k) => (k < regular || tail === 'emit' ? (k < regular ? size : n - start) * B : size * B),
  };
}

function firstDifference(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/**
 * Runs one scenario and returns its counts, or throws an Error naming the first kept chunk that
 * changed (or came out wrong).
 *
 *   run      a face runner (test/support/faces.mjs) over the build under test
 *   api      that build's { Chunker } (the other owner)
 *   face, options (tail 'emit' | 'pad' | 'drop'; default fill and align)
 *   total    stream bytes (rounded down to whole samples)
 *   burst(i) the size of burst i (in bytes, >= 1)
 *   keep     fractions in [0, 1]: the chunks at those positions are kept, with chunks 0, 1 and the
 *            last two (start, middle, end)
 *   salt     which pattern stream
 *   every    bytes of input between re-checks of every kept chunk, and turns of `settle`
 *   settle   optional async function run every `every` bytes (a child collects garbage there)
 *   after    bytes pushed through new chunkers of the same face after the stream ended, before the
 *            last re-check (so that the chunks kept at the end outlive more output too)
 */
export async function keptScenario({ run, api, face, options, total, burst, keep, salt, every, settle, after = 0 }) {
  const B = sampleBytes(options);
  total -= total % B;
  const plan = layout(options, total);
  const wanted = new Set([0, 1, plan.count - 2, plan.count - 1, ...keep.map((f) => Math.floor(f * plan.count))]);
  const kept = [];
  const stats = { chunks: 0, kept: 0, bytesIn: 0, bytesOut: 0, checks: 0, foreign: 0 };
  // The other owner: a chunker of the same options writing OWNER_MARK, whose chunks are dropped (and,
  // where a child collects garbage, recycled).
  const other = new api.Chunker(options);
  const otherBurst = ownerMark(Math.max(4096, Math.min(options.size * B * 2, 4 * MiB)));
  let k = 0;
  let failure; // the first thing found wrong (a face's callback must not throw into the face)

  const expected = (index) => {
    const bytes = new Uint8Array(plan.length(index));
    patternInto(bytes.subarray(0, plan.have(index)), plan.from(index), salt);
    return bytes;
  };

  const keepChunk = (chunk, index) => {
    const { buffer, byteOffset, byteLength } = chunk;
    const want = expected(index);
    const elements = chunk.length;
    const a = Math.floor(elements / 3);
    const b = Math.max(a + 1, elements - Math.floor(elements / 4));
    const sub = chunk.subarray(a, b);
    const entry = {
      index, chunk, want, buffer, byteOffset, byteLength,
      dataView: new DataView(buffer, byteOffset, byteLength),
      nodeBuffer: Buffer.from(buffer, byteOffset, byteLength),
      sub, subFrom: sub.byteOffset - byteOffset,
      // The whole buffer as it was (when not huge): what is written there stays.
      snapshot: buffer.byteLength <= 8 * MiB ? new Uint8Array(buffer).slice() : undefined,
    };
    kept.push(entry);
    stats.kept++;
    check(entry, 'when handed out');
  };

  const check = (e, when) => {
    stats.checks++;
    const where = `${face} ${JSON.stringify(options)}: chunk ${e.index} of ${plan.count} (stream bytes from ${plan.from(e.index)}), ${when}`;
    const { chunk } = e;
    if (chunk.buffer !== e.buffer || chunk.byteOffset !== e.byteOffset || chunk.byteLength !== e.byteLength) {
      throw new Error(`${where}: the chunk now covers ${chunk.byteLength} bytes at ${chunk.byteOffset} of another buffer (was ${e.byteLength} at ${e.byteOffset})`);
    }
    if (e.byteLength !== e.want.length) throw new Error(`${where}: ${e.byteLength} bytes, want ${e.want.length}`);
    const now = Buffer.from(e.buffer, e.byteOffset, e.byteLength);
    if (!now.equals(e.want)) {
      const at = firstDifference(now, e.want);
      throw new Error(`${where}: byte ${at} is ${now[at]}, want ${e.want[at]} (the chunk changed)`);
    }
    if (e.dataView.byteLength !== e.byteLength) throw new Error(`${where}: its DataView now covers ${e.dataView.byteLength} bytes`);
    for (const at of [0, e.byteLength >> 1, e.byteLength - 1]) {
      if (e.dataView.getUint8(at) !== e.want[at]) throw new Error(`${where}: its DataView reads ${e.dataView.getUint8(at)} at ${at}, want ${e.want[at]}`);
    }
    if (!e.nodeBuffer.equals(e.want)) throw new Error(`${where}: Buffer.from(chunk.buffer, …) changed at byte ${firstDifference(e.nodeBuffer, e.want)}`);
    const sub = Buffer.from(e.sub.buffer, e.sub.byteOffset, e.sub.byteLength);
    if (!sub.equals(e.want.subarray(e.subFrom, e.subFrom + e.sub.byteLength))) throw new Error(`${where}: its subarray changed`);
    const whole = Buffer.from(e.buffer);
    const at = whole.indexOf(OWNER_MARK);
    if (at !== -1) throw new Error(`${where}: its buffer holds another owner's bytes at ${at}`);
    if (e.snapshot !== undefined) {
      const was = e.snapshot;
      for (let i = 0; i < was.length; i++) {
        if (was[i] !== 0 && whole[i] !== was[i]) throw new Error(`${where}: byte ${i} of its buffer (outside or inside the chunk) changed from ${was[i]} to ${whole[i]}`);
      }
    }
  };

  const checkAll = (when) => {
    for (const e of kept) check(e, when);
  };

  const onChunk = (chunk) => {
    const index = k++;
    stats.chunks++;
    stats.bytesOut += chunk.byteLength;
    if (failure !== undefined) return;
    try {
      if (index >= plan.count) throw new Error(`${face} ${JSON.stringify(options)}: chunk ${index}, but the stream has ${plan.count}`);
      if (chunk.byteLength !== plan.length(index)) throw new Error(`${face} ${JSON.stringify(options)}: chunk ${index} has ${chunk.byteLength} bytes, want ${plan.length(index)}`);
      if (wanted.has(index)) keepChunk(chunk, index);
    } catch (error) {
      failure = error;
    }
  };

  let sinceCheck = 0;
  function* bursts() {
    let at = 0;
    for (let i = 0; at < total; i++) {
      const n = Math.min(total - at, Math.max(1, burst(i)));
      yield pattern(at, n, salt);
      at += n;
      stats.bytesIn = at;
      sinceCheck += n;
    }
  }
  const between = async () => {
    if (failure !== undefined) throw failure; // stops the face
    // The other owner writes between our bursts; its chunks are dropped at once.
    if (stats.foreign < stats.bytesIn) {
      other.push(otherBurst);
      stats.foreign += otherBurst.length;
    }
    if (sinceCheck >= every) {
      sinceCheck = 0;
      if (settle) await settle();
      checkAll(`after ${stats.bytesIn} bytes in`);
    }
  };

  const error = await run(face, options, bursts(), onChunk, between);
  if (failure !== undefined) throw failure;
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
  if (k !== plan.count) throw new Error(`${face} ${JSON.stringify(options)}: ${k} chunks, want ${plan.count}`);
  checkAll('at the end');
  // More output through new chunkers of the same face, then everything again.
  for (let done = 0, round = 0; done < after; round++) {
    const n = Math.min(after - done, 4 * MiB);
    const more = pattern(0, n, salt + 1 + round);
    await run(face, options, [more.subarray(0, n >> 1), more.subarray(n >> 1)], () => undefined);
    done += n;
    if (settle) await settle();
  }
  checkAll(after > 0 ? `after ${after} more bytes through new chunkers` : 'at the end');
  return stats;
}
