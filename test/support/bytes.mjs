// Every byte generator the tests use, in one place (plain JavaScript, so that the child scripts of
// test/children/ import it too; types in bytes.d.mts). Pick by what a failure must show:
//   seq      counting bytes: easy to read in a failure message (repeats every 256 bytes)
//   noise    pseudo-random bytes (xorshift32): no period a framing bug could hide in
//   marked   bytes of a small alphabet (0xA0..0xBE), never 0: any other byte in a chunk's buffer
//            came from elsewhere (FOREIGN_BYTE marks the elsewhere)
//   pattern  every position distinct (a 32-bit mix of the word's position): a chunk overwritten by
//            any other part of the stream, or by another stream, is visibly different
//   ownerMark / OWNER_MARK  another owner's bytes: an 8-byte marker no pattern stream holds

/** `count` bytes counting up from `from` (mod 256). */
export function seq(count, from = 0) {
  return Uint8Array.from({ length: count }, (_, i) => (from + i) & 0xff);
}

/** `count` pseudo-random bytes (xorshift32 from `seed`, one byte a step). */
export function noise(count, seed = 1) {
  const out = new Uint8Array(count);
  let x = seed | 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** The alphabet of `marked`: MARKED_FIRST .. MARKED_FIRST + MARKED_VALUES - 1. */
export const MARKED_FIRST = 0xa0;
export const MARKED_VALUES = 31;

/** `length` bytes of the marked alphabet; `seed` makes streams differ. */
export function marked(length, seed = 0) {
  const bytes = new Uint8Array(length);
  const period = new Uint8Array(MARKED_VALUES * 256); // the pattern repeats after this many bytes
  for (let i = 0; i < period.length; i++) period[i] = MARKED_FIRST + ((seed * 13 + i * 7 + (i >> 8)) % MARKED_VALUES);
  for (let at = 0; at < length; at += period.length) bytes.set(period.subarray(0, Math.min(period.length, length - at)), at);
  return bytes;
}

/** A byte no marked input holds (secrets, grown regions, lies): 0x11. */
export const FOREIGN_BYTE = 0x11;

// murmur3's finalizer: a bijection on 32-bit words, so no two word positions of a stream hold the
// same value, and streams of different salts look unrelated.
function mix(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

let words = new Uint32Array(1024);

/** Fills `target` with bytes [from, from + target.length) of pattern stream `salt`; returns it. */
export function patternInto(target, from, salt) {
  const head = from % 4;
  const first = (from - head) / 4;
  const count = Math.ceil((head + target.length) / 4);
  if (words.length < count) words = new Uint32Array(count * 2);
  const base = Math.imul(salt, 0x9e3779b9) + first;
  for (let i = 0; i < count; i++) words[i] = mix((base + i) | 0);
  target.set(new Uint8Array(words.buffer, head, target.length));
  return target;
}

/** Bytes [from, from + length) of pattern stream `salt`, in a new array. */
export function pattern(from, length, salt) {
  return patternInto(new Uint8Array(length), from, salt);
}

/** Eight bytes a pattern stream holds with odds of about 2^-64 per position. */
export const OWNER_MARK = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x0f, 0x0e, 0x1e, 0x13]);

/** `length` bytes of OWNER_MARK repeated: what another owner writes. */
export function ownerMark(length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = OWNER_MARK[i % 8];
  return bytes;
}
