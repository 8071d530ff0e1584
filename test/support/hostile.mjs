// The hostile-input fuzzer of issue 11: seeded scenarios that hand reframe's faces bursts built to
// lie and buffers that change under them, and an oracle that holds every result to SPEC.md.
//
// Plain JavaScript so that both entry points share it: test/hostile-fuzz.test.ts (vitest, src/)
// and scripts/hostile-fuzz.mjs (plain node against dist/, also under AddressSanitizer). Nothing
// here imports the package: the caller passes its faces (`api`), web-streams-polyfill and the
// reference framing (test/support/reference.ts's `frame`).
//
// A scenario is a pure function of its seed (a small PRNG, so a failing seed replays): a face, valid
// options (or, now and then, invalid ones), a few backing buffers (fixed, resizable and growable
// SharedArrayBuffers) and bursts over them: honest views, Uint8Array/typed-array/DataView subclasses
// whose byteLength/byteOffset/length/buffer/toStringTag getters lie, Proxies (also revoked), typed
// arrays of the wrong element type, strings and junk. Between the writes, and while a stream face
// still reads a large write lazily (when the consumer has read k items), buffers are shrunk, grown
// or detached; the harness also reads `pending`, flushes and resets mid-stream, transfers a handed-out
// chunk's buffer and (when exposed) forces a garbage collection.
//
// The oracle. A burst's bytes are taken by the harness itself, through memory it created, at the
// moment the face accepts the burst (Chunker.push; the source handing the burst to chunks(); the Node
// face's _write; the WHATWG sink's write, observed by wrapping them, which changes nothing they do).
// Then:
//   - every delivered chunk equals the reference framing of the accepted bytes (a prefix of it when
//     the stream failed), of the right class, aligned;
//   - a burst that is not bytes (Proxy, wrong element type, junk, detached buffer) fails with a
//     TypeError of code ERR_REFRAME_INPUT; any other write reports success, except one whose buffer
//     was shrunk below its end or detached while the face could still be reading it, which may also
//     fail with ERR_REFRAME_INPUT (after at least the chunks completed before it);
//   - a write that reported success had all of its chunks delivered; flush and end follow the tail
//     policy; every error carries a reframe code (Node's own stream codes only after the first);
//   - every write callback and promise settles within the scenario's time bound;
//   - chunks never change after they were handed out (not by later pushes, nor by scribbling over
//     every input buffer at the end), never overlap each other, and the input is never modified;
//   - no lying getter or Proxy trap of a burst is ever read for its memory (byteLength, byteOffset,
//     length, buffer).
// Where the contract leaves a choice, the oracle accepts both answers (and says so): a view that is
// already out of bounds when accepted (an empty burst or ERR_REFRAME_INPUT), a Uint8ClampedArray
// (raw bytes or ERR_REFRAME_INPUT), a write whose buffer shrank while it was pending (complete, or
// ERR_REFRAME_INPUT after a prefix). Chunks of a transferred buffer are not compared any more (the
// user detached them).
//
// Threads and moves (issue 19). The harness also moves handed-out chunks as a user would: by
// structuredClone with a transfer list, by `chunk.buffer.transfer()` (where it exists) and by
// enqueueing the chunk into a `type: 'bytes'` ReadableStream (which transfers its buffer); the moved
// memory must hold the chunk, and no other chunk may be emptied or changed by the move. Now and then
// a worker thread (env.workerModule: the package's module URL) re-frames a pattern, moves its chunks
// to this thread and ends; they are kept and re-checked for the rest of the scenario. A sample of
// handed-out chunks (kept whatever plan.keep says) is re-checked after every step against its bytes
// when handed out, through the chunk and through a fresh view of its buffer: a core that reuses
// memory a live chunk still uses is caught there (AddressSanitizer cannot see misuse of the
// package's own pool). KNOWN_ISSUE_19 gates what today's main is known to get wrong.

// ---------------------------------------------------------------------------------------------
// PRNG and small helpers

/** mulberry32 over a mixed seed: `float()` in [0, 1), `int(lo, hi)` inclusive, `pick`, `chance`. */
export function rng(seed) {
  let a = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.floor(seed / 2 ** 32) ^ 0x5bd1e995) >>> 0;
  const float = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(float() * (hi - lo + 1));
  return {
    float,
    int,
    chance: (p) => float() < p,
    pick: (list) => list[Math.floor(float() * list.length)],
    /** `table`: [[value, weight], ...] */
    weighted(table) {
      let total = 0;
      for (const [, w] of table) total += w;
      let x = float() * total;
      for (const [value, w] of table) if ((x -= w) < 0) return value;
      return table[table.length - 1][0];
    },
  };
}

/** Fills `bytes` from a 32-bit seed (xorshift32, four bytes a step). */
function fillBytes(bytes, seed) {
  let x = (seed | 1) >>> 0;
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    bytes[i] = x; bytes[i + 1] = x >>> 8; bytes[i + 2] = x >>> 16; bytes[i + 3] = x >>> 24;
  }
  for (; i < bytes.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    bytes[i] = x;
  }
}

const immediate = () => new Promise((resolve) => setImmediate(resolve));
const EMPTY = new Uint8Array(0);

/**
 * Gates for what a main branch is known to get wrong, so that the fuzzer can stay green while a fix
 * is under way (env.known replaces the set). Empty since the output memory was rebuilt (issue 19):
 * every move is held to SPEC. The gates it had, for the record:
 *   'worker-zero-copy'  worker chunks moved only by a transfer list or as a copy (byte-stream enqueue
 *                       and transfer() handed the slab back to the pool when the worker ended: H11)
 *   'move-siblings'     a move that emptied or changed another chunk, or broke the stream (H13, H17)
 */
export const KNOWN_ISSUE_19 = new Set([]);

const HAS_TRANSFER = typeof ArrayBuffer.prototype.transfer === 'function';
const HAS_BYTE_STREAMS = (() => {
  try {
    new ReadableStream({ type: 'bytes' }).cancel();
    return true;
  } catch {
    return false;
  }
})();
/** How the harness moves a chunk's buffer here. */
const MOVES = ['clone', ...(HAS_TRANSFER ? ['transfer'] : []), ...(HAS_BYTE_STREAMS ? ['enqueue'] : [])];
/** How a worker moves its chunks to this thread. */
const WORKER_MOVES = ['transfer-list', 'post-copy', 'bytes-stream', 'transfer'];

// ---------------------------------------------------------------------------------------------
// Intrinsics, captured at load: the harness reads its own objects' real memory through these only
// (a subclass instance's own getters lie, and reading them would also count as the package's read).

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const getter = (proto, key) => Object.getOwnPropertyDescriptor(proto, key).get;
const taBuffer = getter(TypedArrayPrototype, 'buffer');
const taByteOffset = getter(TypedArrayPrototype, 'byteOffset');
const taByteLength = getter(TypedArrayPrototype, 'byteLength');
const taLength = getter(TypedArrayPrototype, 'length');
const taTag = getter(TypedArrayPrototype, Symbol.toStringTag);
const dvBuffer = getter(DataView.prototype, 'buffer');
const dvByteOffset = getter(DataView.prototype, 'byteOffset');
const dvByteLength = getter(DataView.prototype, 'byteLength');
const abByteLength = getter(ArrayBuffer.prototype, 'byteLength');
const sabByteLength = getter(SharedArrayBuffer.prototype, 'byteLength');
const isView = ArrayBuffer.isView;
/** The intrinsic getters, captured at load (the model faces of hostile-model.mjs read bursts through them too). */
export const INTRINSICS = { taBuffer, taByteOffset, taByteLength, taTag, dvBuffer, dvByteOffset, dvByteLength, abByteLength, sabByteLength };
const abByteLengthOf = (buffer) => (buffer instanceof SharedArrayBuffer ? sabByteLength : abByteLength).call(buffer);

/** The real memory of a typed array or DataView (null if it is neither, or detached/out of bounds). */
function realBytes(view) {
  try {
    if (taTag.call(view) !== undefined) return new Uint8Array(taBuffer.call(view), taByteOffset.call(view), taByteLength.call(view));
  } catch {
    return null;
  }
  try {
    return new Uint8Array(dvBuffer.call(view), dvByteOffset.call(view), dvByteLength.call(view));
  } catch {
    return null;
  }
}

function isDetached(buffer) {
  if (buffer instanceof SharedArrayBuffer) return false;
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

function detach(buffer) {
  if (typeof buffer.transfer === 'function') buffer.transfer();
  else structuredClone(buffer, { transfer: [buffer] });
}

function sameBytes(a, b) {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

function concat(parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const hex = (bytes, max = 24) => Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString('hex') + (bytes.length > max ? '…' : '');

// ---------------------------------------------------------------------------------------------
// Sample types (as in SPEC.md) and what counts as another element type

/** type name → [element constructor, parts] */
const TYPES = {
  uint8: [Uint8Array, 1], int8: [Int8Array, 1], uint16: [Uint16Array, 1], int16: [Int16Array, 1],
  uint32: [Uint32Array, 1], int32: [Int32Array, 1], float32: [Float32Array, 1], float64: [Float64Array, 1],
  bigint64: [BigInt64Array, 1], biguint64: [BigUint64Array, 1], complex64: [Float32Array, 2], complex128: [Float64Array, 2],
};
const TYPE_NAMES = Object.keys(TYPES);
const ARRAYS = { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array };
const ARRAY_NAMES = Object.keys(ARRAYS);

/** Typed arrays that are neither raw bytes (Uint8Array), nor the type's own, nor the ambiguous Uint8ClampedArray. */
const wrongArrays = (type) => ARRAY_NAMES.filter((n) => n !== 'Uint8Array' && n !== 'Uint8ClampedArray' && n !== TYPES[type][0].name);

function fillFor(r, type) {
  switch (type) {
    case 'uint8': return r.int(0, 255);
    case 'int8': return r.int(-128, 127);
    case 'uint16': return r.int(0, 0xffff);
    case 'int16': return r.int(-0x8000, 0x7fff);
    case 'uint32': return r.int(0, 0xffffffff);
    case 'int32': return r.int(-0x80000000, 0x7fffffff);
    case 'bigint64': return r.chance(0.5) ? BigInt(r.int(-1e9, 1e9)) * 1000003n : r.int(-1e6, 1e6);
    case 'biguint64': return r.chance(0.5) ? BigInt(r.int(0, 2e9)) * 4294967311n : r.int(0, 1e6);
    default: return r.pick([0, -0, 1.5, -2.25, 1e30, r.float() * 1000 - 500]);
  }
}

// Option values a face must refuse at construction (ERR_REFRAME_OPTION, TypeError or RangeError).
const BAD_OPTIONS = [
  0, -3, 2.5, NaN, Infinity, 2 ** 53,
  { size: 0 }, { size: -1 }, { size: 2.5 }, { size: NaN }, { size: Infinity }, { size: '16' }, { size: 2 ** 53 },
  { size: 16, hop: 0 }, { size: 16, hop: 1.5 }, { size: 16, hop: '4' }, { size: 16, type: 'uint7' },
  { size: 16, type: 'Float32Array' }, { size: 16, channels: 0 }, { size: 16, channels: 2.5 },
  { size: 16, tail: 'keep' }, { size: 16, tail: 'pad', fill: 256 }, { size: 16, tail: 'pad', fill: 1.5 },
  { size: 16, tail: 'pad', align: 17 }, { size: 16, tail: 'pad', align: 0 }, { size: 2 ** 31, type: 'float64' },
  { size: 16, type: 'bigint64', tail: 'pad', fill: 2 ** 60 }, { size: 16, type: 'biguint64', tail: 'pad', fill: -1n },
  { size: 16, type: 'float32', tail: 'pad', fill: 1n }, { size: 16, batch: 'yes' }, { size: 16, sizes: 4 },
  { size: 1, channels: 2 ** 33 },
];

// ---------------------------------------------------------------------------------------------
// The plan: everything a scenario does, drawn from its seed

/** Faces a scenario runs on. */
export const FACES = ['chunker', 'node', 'web-platform', 'web-polyfill', 'chunks'];

const LIE_PROPS = ['byteLength', 'byteOffset', 'length', 'buffer'];

function drawLie(r, prop, extreme, chunkBytes) {
  if (prop === 'buffer') {
    return r.weighted([
      [{ how: 'decoy' }, 3], [{ how: 'decoyBig' }, 2], [{ how: 'detachedDecoy' }, 1],
      [{ how: 'value', v: null }, 1], [{ how: 'value', v: {} }, 1], [{ how: 'throw' }, 1],
    ]);
  }
  const lie = r.weighted([
    // A little more than the truth, up to a chunk more, up to a MiB more; a little less.
    [{ how: 'plus', d: r.int(1, 64) }, 4], [{ how: 'plus', d: r.int(1, chunkBytes) }, 4], [{ how: 'plus', d: r.int(65, 1 << 20) }, 2],
    [{ how: 'minus', d: r.int(1, 64) }, 3],
    [{ how: 'value', v: 0 }, 1], [{ how: 'value', v: -1 }, 2], [{ how: 'value', v: -(2 ** 31) }, 1], [{ how: 'value', v: 2.5 }, 1],
    [{ how: 'throw' }, 1],
    [{ how: 'value', v: NaN, extreme: true }, 2], [{ how: 'value', v: '8', extreme: true }, 1], [{ how: 'value', v: undefined, extreme: true }, 1],
    [{ how: 'value', v: 1e9, extreme: true }, 2], [{ how: 'value', v: Infinity, extreme: true }, 1], [{ how: 'value', v: 2 ** 53, extreme: true }, 1],
  ]);
  // These lies make a face that believes them loop for minutes, or forever, inside one synchronous
  // call (today's faces do); where no watchdog can kill the process (vitest) the same draw becomes
  // a large but finite lie.
  return lie.extreme && !extreme ? { how: 'plus', d: 1 << 16 } : lie;
}

/**
 * Draws scenario `seed`. `face` forces the face (the rest of the draw is the same); `extreme: false`
 * replaces the lies that make a face believing them loop inside one call (1e9, Infinity, 2^53, NaN,
 * '8', undefined) by a finite one.
 */
export function makePlan(seed, { face, extreme = true } = {}) {
  const r = rng(seed);
  const drawnFace = r.pick(FACES);
  face = face ?? drawnFace;
  const plan = { seed, face, extreme };
  if (r.chance(0.03)) {
    plan.badOptions = r.pick(BAD_OPTIONS);
    return plan;
  }

  // Options.
  const type = r.chance(0.35) ? 'uint8' : r.pick(TYPE_NAMES);
  const channels = r.chance(0.6) ? 1 : r.int(2, 3);
  const [Own, parts] = TYPES[type];
  const elt = Own.BYTES_PER_ELEMENT;
  const B = elt * parts * channels;
  const cls = r.weighted([['tiny', 2], ['small', 3], ['mid', 2], ['edge', 2], ['large', 2]]);
  const wantBytes =
    cls === 'tiny' ? r.int(1, 4) * B
    : cls === 'small' ? r.int(5, 64) * B
    : cls === 'mid' ? r.int(1024, 16 * 1024)
    : cls === 'edge' ? r.int(31 * 1024, 34 * 1024) // both sides of the 32 KiB copy-once threshold
    : r.int(34 * 1024, 300 * 1024);
  const size = Math.max(1, Math.min(70000, Math.round(wantBytes / B)));
  const hopKind = r.weighted([['same', 4], ['overlap', 3], ['gap', 3]]);
  const hop = hopKind === 'same' ? size : hopKind === 'overlap' ? (size === 1 ? 1 : r.int(1, size - 1)) : r.int(size + 1, 2 * size + 7);
  const tail = r.pick(['emit', 'pad', 'drop', 'error']);
  const options = { size, type, tail };
  if (hop !== size || r.chance(0.3)) options.hop = hop;
  if (channels !== 1 || r.chance(0.3)) options.channels = channels;
  if (tail === 'pad') {
    if (r.chance(0.7)) options.fill = fillFor(r, type);
    if (r.chance(0.5)) options.align = r.int(1, size);
  }
  const batch = r.chance(0.4);
  if (face !== 'chunker' && (batch || r.chance(0.2))) options.batch = batch;
  plan.options = options;
  const chunkBytes = size * B;
  const hopBytes = hop * B;

  // Stream settings.
  plan.highWaterMark = r.weighted([[undefined, 2], [0, face.startsWith('web') ? 1 : 0], [1, 3], [2, 2], [4, 1]]);
  plan.consumer = face === 'node' ? r.pick(['data', 'data', 'iter']) : 'iter';
  plan.hooked = face === 'node' || face === 'chunker' || face === 'chunks' || r.chance(0.7);
  plan.source = r.weighted([['async', 5], ['sync', 2], ['readable', 3]]);
  plan.delay = r.pick([0, 0.05, 0.3, 0.8]);

  // Byte budget: enough for several chunks, bounded in bytes, in chunk objects and in output bytes
  // (overlapping windows multiply the input).
  const maxChunks = Math.max(2, Math.min(options.batch ? 20000 : 3000, Math.floor((24 << 20) / chunkBytes)));
  const budget = Math.min(2 << 20, chunkBytes + maxChunks * hopBytes);

  // Backings.
  const backings = [];
  const nBackings = r.int(1, 4);
  for (let i = 0; i < nBackings; i++) {
    const kind = r.weighted([['ab', 3], ['rab', 4], ['gsab', 2], ['sab', 1]]);
    const lengthClass = r.weighted([['tiny', 2], ['small', 4], ['big', 4]]);
    const length = Math.min(budget,
      lengthClass === 'tiny' ? r.int(0, 2 * B + 3)
      : lengthClass === 'small' ? r.int(0, chunkBytes + hopBytes + B)
      : r.int(Math.min(budget, chunkBytes), budget));
    const max = kind === 'rab' || kind === 'gsab' ? length + r.int(0, Math.min(length + 4096, budget)) : length;
    backings.push({ kind, length, max, salt: r.int(1, 0x7fffffff) });
  }
  plan.backings = backings;

  // Bursts.
  const strings = face === 'node' || face === 'chunks';
  const bursts = [];
  const nWrites = r.int(1, 10);
  let spent = 0;
  for (let w = 0; w < nWrites; w++) {
    const bi = r.int(0, nBackings - 1);
    const back = backings[bi];
    const resizable = back.kind === 'rab' || back.kind === 'gsab';
    let view = r.weighted([
      ['u8', 14], ['u8t', 6], ['buf', 6], ['dv', 5], ['dvt', 3], ['raw', 5], ['own', 8], ['ownt', 4],
      ['wrong', 4], ['clamped', 2], ['liar', 10], ['liarown', 6], ['liardv', 4], ['liarwrong', 2],
      ['proxy', 3], ['proxyown', 1], ['revoked', 2], ['proxyraw', 2], ['string', strings ? 3 : 0], ['junk', 2],
    ]);
    // An async source awaits what it yields (reads `then`), and a revoked Proxy throws there: in
    // the source, before chunks() sees it. Only a ReadableStream source hands one over untouched.
    if (view === 'revoked' && face === 'chunks') view = 'proxy';
    const burst = { view, backing: bi };
    if (view === 'string') {
      const chars = [];
      for (let n = r.int(0, 40); n > 0; n--) chars.push(r.pick(['a', 'Z', '0', ' ', 'é', '€', '𝄞', '\ud800', '\n']));
      burst.text = chars.join('');
    } else if (view === 'junk') {
      // (null is Node's own ERR_STREAM_NULL_VALUES on the Node face; strings are bytes there and in chunks())
      burst.junk = r.pick(face === 'node' ? ['number', 'object', 'array', 'bool'] : strings ? ['number', 'object', 'array', 'bool', 'null'] : ['number', 'object', 'array', 'bool', 'null', 'string']);
    } else {
      const track = (view === 'u8t' || view === 'dvt' || view === 'ownt' || ((view === 'liar' || view === 'liarown' || view === 'liardv') && r.chance(0.3))) && resizable;
      if (view === 'u8t' && !track) view = burst.view = 'u8';
      if (view === 'dvt' && !track) view = burst.view = 'dv';
      if (view === 'ownt' && !track) view = burst.view = 'own';
      burst.track = track;
      const ctorName =
        view === 'own' || view === 'ownt' || view === 'liarown' || view === 'proxyown' ? Own.name
        : view === 'wrong' || view === 'liarwrong' ? r.pick(wrongArrays(type))
        : view === 'clamped' ? 'Uint8ClampedArray'
        : 'Uint8Array';
      burst.ctor = ctorName;
      const e = view === 'raw' || view === 'dv' || view === 'dvt' || view === 'liardv' || view === 'proxyraw' ? 1 : ARRAYS[ctorName].BYTES_PER_ELEMENT;
      const room = Math.max(0, Math.min(back.length, budget - spent));
      const offset = r.chance(0.5) ? 0 : Math.floor(r.int(0, room) / e) * e;
      const whole = Math.floor((back.length - offset) / e) * e;
      const length = r.chance(0.5) ? Math.min(whole, Math.floor(Math.max(0, room - offset) / e) * e) : Math.floor(r.int(0, Math.max(0, Math.min(whole, room - offset))) / e) * e;
      burst.offset = Math.min(offset, Math.floor(back.length / e) * e);
      burst.length = Math.max(0, length);
      spent += view === 'raw' || track ? back.length : burst.length;
      if (view.startsWith('liar')) {
        burst.lies = {};
        const props = view === 'liardv' ? LIE_PROPS.filter((p) => p !== 'length') : LIE_PROPS;
        for (const prop of props) if (r.chance(prop === 'byteLength' ? 0.7 : 0.4)) burst.lies[prop] = drawLie(r, prop, extreme, chunkBytes);
        if (Object.keys(burst.lies).length === 0) burst.lies.byteLength = drawLie(r, 'byteLength', extreme, chunkBytes);
        if (view === 'liarwrong') burst.lies.tag = Own.name; // claims to be the type's own array
        else if (view !== 'liardv' && r.chance(0.3)) burst.lies.tag = r.pick([...ARRAY_NAMES, undefined, 'DataView']);
      }
    }
    bursts.push(burst);
  }
  // Now and then: one burst that claims a little more than it holds, among honest bursts of about
  // a chunk, with collections between them (keep below). A face that believes the lie loses track
  // of where its window is; a core that then hands out memory it still writes into is caught.
  const drift = r.chance(chunkBytes >= 32 * 1024 ? 0.3 : 0.05);
  if (drift) {
    const bi = backings.reduce((best, b, i) => (b.length > backings[best].length ? i : best), 0);
    const room = backings[bi].length;
    const at = r.chance(0.5) ? 0 : r.int(0, bursts.length - 1);
    const length = Math.min(room, r.int(1, Math.max(1, chunkBytes - 1)));
    bursts[at] = { view: 'liar', backing: bi, track: false, ctor: 'Uint8Array', offset: 0, length, lies: { byteLength: { how: 'plus', d: r.int(1, Math.max(1, chunkBytes - length)) } } };
    for (let i = at + 1; i < bursts.length; i++) {
      const length = Math.min(room, r.int(1, chunkBytes + hopBytes), Math.ceil(budget / bursts.length));
      bursts[i] = { view: 'u8', backing: bi, track: false, ctor: 'Uint8Array', offset: r.int(0, room - length), length };
    }
  }
  plan.bursts = bursts;

  // Writer ops.
  const weights = {
    chunker: [['mutate', 15], ['pending', 8], ['flush', 5], ['reset', 4], ['tick', 2], ['transfer', 5], ['gc', 2], ['worker', 1]],
    node: [['mutate', 15], ['pending', 6], ['flush', 6], ['tick', 8], ['transfer', 4], ['gc', 3], ['worker', 1]],
    web: [['mutate', 15], ['pending', 6], ['tick', 10], ['transfer', 4], ['gc', 2], ['worker', 1]],
    chunks: [['mutate', 17], ['tick', 8], ['gc', 3], ['worker', 1]],
  }[face.startsWith('web') ? 'web' : face];
  const mutation = () => ({
    kind: 'mutate',
    target: r.chance(0.4) ? 'recent' : r.int(0, nBackings - 1),
    how: r.weighted([['shrink', 4], ['grow', 3], ['detach', 2]]),
    frac: r.float(),
  });
  const ops = [];
  for (let w = 0; w < nWrites;) {
    if (r.chance(0.55)) {
      ops.push({ kind: 'write', burst: w++, wait: r.chance(0.3), ready: r.chance(0.2), drain: r.chance(0.2) });
      continue;
    }
    const kind = r.weighted(weights);
    if (kind === 'mutate') ops.push(mutation());
    else if (kind === 'tick') ops.push({ kind, n: r.int(1, 4) });
    else if (kind === 'worker') {
      // A worker re-frames `count` chunks of `size` bytes (one push each), moves them here, ends.
      const size = r.weighted([[r.int(1, 256), 3], [r.int(257, 8191), 3], [r.int(8192, 40_000), 3], [r.int(40_001, 300_000), 1]]);
      ops.push({ kind, size, count: r.int(1, Math.max(1, Math.min(12, Math.floor((1 << 20) / size)))), how: r.pick(WORKER_MOVES), salt: r.int(1, 0x7fffffff) });
    } else ops.push({ kind });
  }
  plan.ops = ops;

  // Consumer actions: after the consumer has read `at` items (chunks or arrays).
  const estimate = Math.max(1, Math.ceil(spent / hopBytes));
  const actions = [];
  for (let n = r.int(0, 4); n > 0; n--) {
    const at = r.chance(0.3) ? r.int(0, 3) : r.int(0, estimate);
    const kind = r.weighted([['mutate', 8], ['pending', 2], ['pause', 2], ['transfer', 2], ['gc', 1]]);
    const action = kind === 'mutate' ? { ...mutation(), target: r.chance(0.7) ? 'inflight' : r.int(0, nBackings - 1) } : { kind, n: r.int(1, 5) };
    actions.push({ at, action });
  }
  actions.sort((a, b) => a.at - b.at);
  plan.actions = actions;

  // Now and then the harness keeps only copies of what it was handed, so that chunks can be
  // collected while the stream goes on (a core that still writes into a collected chunk is caught
  // by AddressSanitizer), with collections forced after writes where the runtime allows.
  plan.keep = !drift && r.chance(0.5);
  if (drift) {
    // Nothing else moves under this pattern: its buffers stay as they are.
    plan.ops = plan.ops.filter((op) => op.kind !== 'mutate');
    plan.actions = plan.actions.filter(({ action }) => action.kind !== 'mutate');
  }
  if (!plan.keep) plan.ops = plan.ops.flatMap((op) => (op.kind === 'write' && r.chance(0.7) ? [op, { kind: 'gc' }] : [op]));
  return plan;
}

// ---------------------------------------------------------------------------------------------
// A running scenario: the real objects, the model of what was accepted, and what was observed

const MEMORY_PROPS = new Set(['byteLength', 'byteOffset', 'length', 'buffer']);
// Codes Node's own stream machinery gives later writes once a stream has failed.
const SECONDARY_CODES = new Set(['ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_PREMATURE_CLOSE', 'ABORT_ERR']);

class Scenario {
  constructor(plan, env) {
    this.plan = plan;
    this.env = env;
    this.r = rng(plan.seed ^ 0x2f6b1d3);
    this.findings = [];
    this.stats = { chunks: 0, items: 0, errors: {}, mutations: {}, views: {}, ownReads: 0, tagReads: 0, transfers: 0, moves: {}, workers: 0, rechecks: 0, known: {} };
    this.delivered = []; // { chunk, copy } in delivery order
    this.kept = []; // every typed array handed out (chunks and error tails), for the final checks
    this.keptSet = new Set();
    this.transferred = new Set(); // chunk buffers the harness transferred away
    this.known = env.known ?? KNOWN_ISSUE_19;
    this.sample = []; // { view, copy, at, length, n }: handed-out chunks re-checked after every step
    this.moved = []; // { view, copy, how }: where moved chunks went, re-checked after every step
    this.foreign = []; // { view, copy, how }: chunks a worker made and moved here before it ended
    this.streamOps = []; // writes, flushes, resets and the end, in issue order
    this.queue = []; // written, not yet accepted (hooked faces)
    this.primary = undefined; // the error the readable side (or the loop) ended with
    this.seenErrors = new WeakSet();
    this.consumerDone = true; // stream faces: set while their consumer still reads
    this.ownReads = new Map(); // prop → reads of a lying getter or a Proxy's memory trap
    this.actionsDone = 0;
    this.itemsRead = 0;
  }

  trace(...parts) {
    if (this.env.trace) console.log(`[${this.plan.seed}]`, ...parts);
  }

  find(category, detail) {
    if (this.findings.length < 12) this.findings.push({ seed: this.plan.seed, face: this.plan.face, category, detail });
  }

  /** A finding, unless KNOWN_ISSUE_19 (or env.known) lists `gate`: then counted as known. */
  findUnlessKnown(gate, category, detail) {
    if (this.known.has(gate)) {
      this.stats.known[category] = (this.stats.known[category] ?? 0) + 1;
      this.trace(`known (${gate}) ${category}: ${detail}`);
    } else this.find(category, detail);
  }

  // --- building the inputs

  build() {
    const { plan } = this;
    this.backings = plan.backings.map((spec) => {
      const buf =
        spec.kind === 'ab' ? new ArrayBuffer(spec.length)
        : spec.kind === 'rab' ? new ArrayBuffer(spec.length, { maxByteLength: spec.max })
        : spec.kind === 'gsab' ? new SharedArrayBuffer(spec.length, { maxByteLength: spec.max })
        : new SharedArrayBuffer(spec.length);
      const bytes = new Uint8Array(buf);
      fillBytes(bytes, spec.salt);
      return { spec, buf, shared: spec.kind.endsWith('sab'), resizable: spec.kind === 'rab', growable: spec.kind === 'gsab', detached: false, shadow: bytes.slice() };
    });
    this.bursts = plan.bursts.map((spec) => this.#makeBurst(spec));
  }

  #makeBurst(spec) {
    const { type } = this.plan.options;
    const face = this.plan.face;
    this.stats.views[spec.view] = (this.stats.views[spec.view] ?? 0) + 1;
    const burst = { spec, obj: undefined, cls: 'memory', why: '' };
    if (spec.view === 'string') {
      burst.obj = spec.text;
      if ((face === 'node' || face === 'chunks') && type === 'uint8') {
        burst.cls = 'bytes';
        burst.bytes = new Uint8Array(Buffer.from(spec.text, 'utf8'));
      } else {
        burst.cls = 'input';
        burst.why = 'a string for a non-byte type';
      }
      return burst;
    }
    if (spec.view === 'junk') {
      burst.obj = { number: 42, object: { byteLength: 4 }, array: [1, 2, 3], bool: true, null: null, string: 'abc' }[spec.junk];
      burst.cls = 'input';
      burst.why = `junk (${spec.junk})`;
      return burst;
    }
    const back = this.backings[spec.backing];
    const { buf } = back;
    const Ctor = ARRAYS[spec.ctor];
    const elt = Ctor.BYTES_PER_ELEMENT;
    const { offset, length } = spec;
    // V8 (Node 20) refuses a length-tracking view whose buffer is not a whole number of elements.
    const e0 = spec.view === 'dvt' || spec.view === 'liardv' ? 1 : elt;
    const track = spec.track && (abByteLengthOf(buf) - offset) % e0 === 0;
    burst.offset = offset;
    burst.length = length;
    burst.track = track;
    burst.elt = elt;
    const view = spec.view;
    switch (view) {
      case 'raw': burst.raw = true; burst.obj = buf; burst.elt = 1; break;
      case 'u8': case 'u8t': case 'own': case 'ownt': case 'wrong': case 'clamped':
        burst.obj = track ? new Ctor(buf, offset) : new Ctor(buf, offset, length / elt);
        break;
      case 'buf': burst.obj = Buffer.from(buf, offset, length); break;
      case 'dv': case 'dvt':
        burst.elt = 1;
        burst.obj = track ? new DataView(buf, offset) : new DataView(buf, offset, length);
        break;
      case 'liar': case 'liarown': case 'liarwrong': case 'liardv': {
        const Base = view === 'liardv' ? DataView : Ctor;
        if (view === 'liardv') burst.elt = 1;
        const Liar = this.#liarClass(Base, spec.lies);
        const e = view === 'liardv' ? 1 : elt;
        burst.obj = track ? new Liar(buf, offset) : new Liar(buf, offset, length / e);
        break;
      }
      case 'proxy': case 'proxyown': case 'revoked': {
        const target = new Ctor(buf, offset, length / elt);
        if (view === 'revoked') {
          const { proxy, revoke } = Proxy.revocable(target, {});
          revoke();
          burst.obj = proxy;
        } else {
          burst.obj = this.#proxy(target);
        }
        break;
      }
      case 'proxyraw': burst.obj = this.#proxy(buf); break;
      default: throw new Error(`hostile: unknown view ${view}`);
    }
    if (view === 'wrong' || view === 'liarwrong') {
      burst.cls = 'input';
      burst.why = `a ${spec.ctor} for type ${type}`;
    } else if (view.startsWith('proxy') || view === 'revoked') {
      burst.cls = 'input';
      burst.why = `a Proxy (${view})`;
    } else if (view === 'clamped') {
      burst.either = true; // SPEC names Uint8Array, not Uint8ClampedArray: bytes or ERR_REFRAME_INPUT
    }
    return burst;
  }

  #liarClass(Base, lies) {
    const sc = this;
    class Liar extends Base {}
    for (const [prop, lie] of Object.entries(lies)) {
      if (prop === 'tag') {
        Object.defineProperty(Liar.prototype, Symbol.toStringTag, {
          configurable: true,
          get() { sc.stats.tagReads++; return lie; },
        });
        continue;
      }
      let decoy;
      if (lie.how === 'decoy' || lie.how === 'decoyBig' || lie.how === 'detachedDecoy') {
        decoy = new ArrayBuffer(lie.how === 'decoyBig' ? 1 << 16 : 64);
        new Uint8Array(decoy).fill(0xdd);
        if (lie.how === 'detachedDecoy') detach(decoy);
      }
      Object.defineProperty(Liar.prototype, prop, {
        configurable: true,
        get() {
          sc.#ownRead(prop);
          if (lie.how === 'throw') throw new Error(`hostile: the ${prop} getter of a lying subclass was read`);
          if (decoy) return decoy;
          if (lie.how === 'value') return lie.v;
          const real = realProp(this, prop);
          return lie.how === 'plus' ? real + lie.d : Math.max(0, real - lie.d);
        },
      });
    }
    return Liar;
  }

  #proxy(target) {
    const sc = this;
    return new Proxy(target, {
      get(t, key) {
        if (MEMORY_PROPS.has(key)) sc.#ownRead(`Proxy ${String(key)}`);
        const value = Reflect.get(t, key);
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
  }

  #ownRead(prop) {
    this.stats.ownReads++;
    this.ownReads.set(prop, (this.ownReads.get(prop) ?? 0) + 1);
  }

  // --- acceptance: the bytes a burst holds now, read through the harness's own memory

  accept(op) {
    op.accepted = true;
    this.trace(`accepted op ${op.n}`);
    const burst = op.burst;
    if (burst.cls === 'input') {
      op.acc = { allowOk: false, allowInput: true, why: burst.why };
      return;
    }
    if (burst.cls === 'bytes') {
      op.acc = { allowOk: true, allowInput: false, bytes: burst.bytes, backing: -1 };
      return;
    }
    const back = this.backings[burst.spec.backing];
    if (back.detached) {
      op.acc = { allowOk: false, allowInput: true, why: 'its buffer was detached before it was accepted' };
      return;
    }
    const current = back.shared ? sabByteLength.call(back.buf) : abByteLength.call(back.buf);
    let offset = burst.raw ? 0 : burst.offset;
    let length;
    let oob = false;
    if (burst.raw) length = current;
    else if (burst.track) {
      if (offset > current) oob = true;
      else length = Math.floor((current - offset) / burst.elt) * burst.elt;
    } else {
      length = burst.length;
      if (offset + length > current) oob = true;
    }
    if (oob) {
      // Out of bounds when accepted: SPEC does not say whether that is an empty burst or an error.
      op.acc = { allowOk: true, allowInput: true, bytes: EMPTY, backing: burst.spec.backing, offset: 0, length: 0, why: 'out of bounds when accepted' };
      return;
    }
    op.acc = {
      allowOk: true,
      allowInput: burst.either === true,
      bytes: new Uint8Array(back.buf, offset, length).slice(),
      backing: burst.spec.backing,
      offset,
      length,
      why: burst.either ? 'a Uint8ClampedArray' : '',
    };
  }

  /** A hooked face took `chunk` (its _write or sink write ran): the oldest queued write, if it is that burst. */
  onAccept(chunk) {
    const op = this.queue[0];
    if (op === undefined || op.burst.obj !== chunk) {
      if (this.queue.some((o) => o.burst.obj === chunk)) this.find('order', 'a later write was accepted before an earlier one');
      return; // the face's own item (Node flush() request)
    }
    this.queue.shift();
    this.accept(op);
  }

  // --- stream ops

  addOp(kind, burst) {
    const op = { n: this.streamOps.length, kind, burst, accepted: false, acc: undefined, invalidated: false, settled: false, outcome: undefined, chunks: undefined };
    this.trace(`op ${op.n} (${kind}${burst ? ` ${burst.spec.view}` : ''})`);
    this.streamOps.push(op);
    return op;
  }

  settle(op, error) {
    if (op.settled) {
      this.find('outcome', `op ${op.n} (${op.kind}) settled twice`);
      return;
    }
    op.settled = true;
    this.trace(`settled op ${op.n} (${op.kind})`, error?.code ?? error?.message ?? 'ok');
    if (error === undefined || error === null) op.outcome = { ok: true };
    else {
      op.outcome = { error };
      this.sawError(error, `op ${op.n} (${op.kind})`);
    }
  }

  /** Counts an error (once per object) and flags an uncoded internal error wherever it shows up. */
  sawError(error, where) {
    if (typeof error === 'object' && error !== null) {
      if (this.seenErrors.has(error)) return;
      this.seenErrors.add(error);
    }
    const code = error?.code;
    const key = typeof code === 'string' ? code : '(no code)';
    this.stats.errors[key] = (this.stats.errors[key] ?? 0) + 1;
    if (typeof code !== 'string' && /internal error/i.test(String(error?.message ?? error))) {
      this.find('internal', `${where}: ${error?.constructor?.name ?? typeof error}: ${String(error?.message ?? error).slice(0, 160)}`);
    }
    if (code === 'ERR_REFRAME_TAIL' && isView(error.tail)) this.keep(error.tail);
  }

  /** An error that must be reframe's own: a code of SPEC.md, ERR_REFRAME_INPUT on a TypeError. */
  checkCoded(error, where) {
    const code = error?.code;
    const message = String(error?.message ?? error);
    if (typeof code !== 'string') {
      if (!/internal error/i.test(message)) this.find('uncoded', `${where}: ${error?.constructor?.name ?? typeof error}: ${message.slice(0, 160)}`);
      return false; // an internal error was reported by sawError
    }
    if (!code.startsWith('ERR_REFRAME_')) {
      this.find('uncoded', `${where}: foreign code ${code}: ${message.slice(0, 160)}`);
      return false;
    }
    if (code === 'ERR_REFRAME_INPUT' && !(error instanceof TypeError)) {
      this.find('uncoded', `${where}: ERR_REFRAME_INPUT on a ${error.constructor?.name}, not a TypeError`);
      return false;
    }
    return true;
  }

  setPrimary(error, where) {
    if (this.primary !== undefined) return;
    this.trace(`primary error from ${where}: ${error?.code ?? error?.message}`);
    this.primary = { error, where };
    this.sawError(error, where);
  }

  // --- delivery

  deliver(item) {
    this.trace(`item ${this.itemsRead}: ${Array.isArray(item) ? `${item.length} chunks` : 'a chunk'}`);
    this.itemsRead++;
    this.stats.items++;
    if (this.plan.options.batch) {
      if (!Array.isArray(item)) {
        this.find('type', `with batch, an item that is not an array (${typeof item})`);
        this.#deliverChunk(item);
        return;
      }
      if (item.length === 0) this.find('type', 'with batch, an empty array');
      for (const chunk of item) this.#deliverChunk(chunk);
    } else {
      if (Array.isArray(item)) this.find('type', 'without batch, an item that is an array');
      this.#deliverChunk(item);
    }
  }

  #deliverChunk(chunk) {
    this.stats.chunks++;
    const { type } = this.plan.options;
    const Own = TYPES[type][0];
    let tag;
    try {
      tag = taTag.call(chunk);
    } catch {
      tag = undefined;
    }
    if (tag !== Own.name) {
      this.find('type', `chunk ${this.delivered.length} is a ${tag ?? typeof chunk}, not a ${Own.name}`);
      this.delivered.push({ chunk, copy: null });
      return;
    }
    if (this.plan.face === 'node' && type === 'uint8' && !Buffer.isBuffer(chunk)) this.find('type', `chunk ${this.delivered.length} is not a Buffer on the Node face`);
    const buffer = taBuffer.call(chunk);
    if (this.transferred.has(buffer) && isDetached(buffer)) {
      // It shares memory the harness moved away with another chunk: SPEC says a move never empties
      // another chunk.
      this.findUnlessKnown('move-siblings', 'move-sibling', `chunk ${this.delivered.length} was handed out empty: it shared the buffer of a chunk moved before`);
      this.delivered.push({ chunk, copy: null, gone: true });
      return;
    }
    if (taByteOffset.call(chunk) % Own.BYTES_PER_ELEMENT !== 0) this.find('type', `chunk ${this.delivered.length}'s byteOffset is not a multiple of its element size`);
    const bytes = realBytes(chunk);
    this.delivered.push({ chunk: this.plan.keep ? chunk : null, copy: bytes ? bytes.slice() : null });
    if (bytes && this.plan.keep) this.keep(chunk);
    // A sample is kept whatever plan.keep says (a few chunks alive do not stop the rest being collected).
    if (bytes && this.sample.length < 24 && this.r.chance(0.15)) {
      this.sample.push({ view: chunk, copy: bytes.slice(), at: taByteOffset.call(chunk), length: bytes.length, n: this.delivered.length - 1 });
    }
  }

  /**
   * Re-checks the sample, the moved chunks and the worker's chunks against their bytes when handed
   * out: through the chunk itself and through a fresh view of its buffer.
   */
  recheck(where) {
    this.stats.rechecks++;
    for (const entry of this.sample) {
      const buffer = taBuffer.call(entry.view);
      if (this.transferred.has(buffer)) continue; // moved away by the harness (its siblings: see move())
      if (isDetached(buffer)) {
        this.findUnlessKnown('move-siblings', 'move-sibling', `${where}: chunk ${entry.n} is empty: a move of another chunk took its buffer`);
        entry.view = new Uint8Array(0);
        entry.copy = EMPTY;
        continue;
      }
      const now = realBytes(entry.view);
      const fresh = new Uint8Array(buffer, entry.at, entry.length);
      if (!now || !sameBytes(now, entry.copy) || !sameBytes(fresh, entry.copy)) {
        this.find('changed', `${where}: chunk ${entry.n} (${entry.length} bytes) changed after it was handed out (now ${now ? hex(now) : 'unreadable'}, was ${hex(entry.copy)})`);
        entry.copy = now ? now.slice() : EMPTY; // report it once
      }
    }
    for (const [list, what] of [[this.moved, 'moved'], [this.foreign, "a worker's"]]) {
      for (const entry of list) {
        const now = realBytes(entry.view);
        if (!now || !sameBytes(now, entry.copy)) {
          this.find(list === this.foreign ? 'worker-chunk' : 'moved', `${where}: ${what} chunk (${entry.how}, ${entry.copy.length} bytes) changed after the move (now ${now ? hex(now) : 'unreadable'}, was ${hex(entry.copy)})`);
          entry.copy = now ? now.slice() : EMPTY;
        }
      }
    }
  }

  keep(view) {
    if (this.keptSet.has(view)) return;
    this.keptSet.add(view);
    this.kept.push({ view, copy: realBytes(view)?.slice() ?? null });
  }

  // --- mutations

  /** Applies a mutation; `target`: a backing index, 'recent' (last written burst) or 'inflight' (a write being read). */
  mutate(action) {
    const bi = this.#resolveTarget(action.target);
    this.trace(`mutate ${action.how} ${action.target} → ${bi}`);
    if (bi === undefined) return this.#count('skipped');
    const back = this.backings[bi];
    if (back.detached) return this.#count('skipped');
    if (!this.plan.hooked && this.streamOps.some((o) => o.burst?.spec.backing === bi && o.written && !o.settled)) {
      return this.#count('skipped'); // unhooked: acceptance time unknown, so keep its buffer still until it settles
    }
    const current = back.shared ? sabByteLength.call(back.buf) : abByteLength.call(back.buf);
    switch (action.how) {
      case 'shrink': {
        if (!back.resizable) return this.#count('skipped');
        const to = Math.floor(current * action.frac);
        back.buf.resize(to);
        back.shadow = back.shadow.subarray(0, to);
        this.#invalidate(bi);
        return this.#count('shrink');
      }
      case 'grow': {
        if (!back.resizable && !back.growable) return this.#count('skipped');
        // A shrink then a grow between two engine calls is invisible to the face (the view is whole
        // again, over new bytes): never grow a buffer that a pending, cut write still covers.
        if (this.streamOps.some((o) => o.invalidated && !o.settled && o.acc?.backing === bi)) return this.#count('skipped');
        const to = current + Math.ceil((back.spec.max - current) * (action.frac || 0.5));
        if (to <= current) return this.#count('skipped');
        if (back.resizable) back.buf.resize(to);
        else back.buf.grow(to);
        const fresh = new Uint8Array(back.buf, current, to - current);
        fillBytes(fresh, this.r.int(1, 0x7fffffff));
        const shadow = new Uint8Array(to);
        shadow.set(back.shadow);
        shadow.set(fresh, current);
        back.shadow = shadow;
        return this.#count('grow');
      }
      case 'detach': {
        if (back.shared) return this.#count('skipped');
        detach(back.buf);
        back.detached = true;
        this.#invalidate(bi);
        return this.#count('detach');
      }
    }
  }

  #count(what) {
    this.stats.mutations[what] = (this.stats.mutations[what] ?? 0) + 1;
  }

  #resolveTarget(target) {
    if (typeof target === 'number') return target;
    const ops = this.streamOps;
    for (let i = ops.length - 1; i >= 0; i--) {
      const o = ops[i];
      if (o.kind !== 'write' || o.burst.spec.backing === undefined || o.burst.cls !== 'memory') continue;
      if (target === 'recent' && o.written) return o.burst.spec.backing;
      if (target === 'inflight' && o.accepted && !o.settled) return o.burst.spec.backing;
    }
    return undefined;
  }

  // Writes accepted and not settled whose snapshot this mutation cut may now fail (or still succeed,
  // if the face had read them already).
  #invalidate(bi) {
    const back = this.backings[bi];
    const current = back.detached ? -1 : abByteLength.call(back.buf);
    for (const o of this.streamOps) {
      if (o.acc?.allowOk && o.acc.backing === bi && !o.settled && (back.detached || current < o.acc.offset + o.acc.length)) o.invalidated = true;
    }
  }

  /**
   * Moves the buffer of a random delivered chunk away as a user would: structuredClone with a transfer
   * list (as postMessage does), buffer.transfer(), or a byte stream's enqueue. The moved memory must
   * hold the chunk; every other kept chunk that shared the buffer is now empty, which SPEC forbids.
   */
  transferChunk() {
    const live = this.delivered.filter((d) => d.chunk && d.copy && !this.transferred.has(taBuffer.call(d.chunk)));
    if (live.length === 0) return;
    const { chunk, copy } = live[this.r.int(0, live.length - 1)];
    const buffer = taBuffer.call(chunk);
    const at = taByteOffset.call(chunk);
    const how = this.r.pick(MOVES);
    let view;
    try {
      if (how === 'clone') view = new Uint8Array(structuredClone(buffer, { transfer: [buffer] }), at, copy.length);
      else if (how === 'transfer') view = new Uint8Array(buffer.transfer(), at, copy.length);
      else {
        // enqueue() transfers the view's buffer; the chunk comes back from a read (a microtask later).
        let controller;
        const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
        controller.enqueue(chunk);
        stream.getReader().read().then(({ value }) => {
          if (!sameBytes(value, copy)) this.find('moved', `the byte stream gave back ${hex(value)}, not the chunk ${hex(copy)}`);
          this.moved.push({ view: value, copy, how });
        }, (error) => this.find('moved', `reading the chunk back from the byte stream failed: ${error?.message}`));
      }
    } catch (error) {
      if (!(error instanceof TypeError) && error?.name !== 'DataCloneError') throw error;
      this.#count('untransferable'); // the runtime refused to move it: also fine
      return;
    }
    this.transferred.add(buffer);
    this.stats.transfers++;
    this.stats.moves[how] = (this.stats.moves[how] ?? 0) + 1;
    if (view !== undefined) {
      if (!sameBytes(view, copy)) this.find('moved', `the buffer ${how} moved does not hold the chunk (${hex(view)}, not ${hex(copy)})`);
      this.moved.push({ view, copy, how });
    }
    // Kept chunks that shared the moved buffer.
    for (const { view: other, copy: want } of this.kept) {
      if (other === chunk || want === null || taBuffer.call(other) !== buffer) continue;
      this.findUnlessKnown('move-siblings', 'move-sibling', `moving one chunk's buffer (${how}) emptied another chunk that shared it`);
      break;
    }
  }

  /** Reads `pending` through `read`: a whole number ≥ 0, never a throw. Returns it (undefined if it threw). */
  readPending(read, where) {
    let value;
    try {
      value = read();
    } catch (error) {
      this.sawError(error, `${where}: reading pending`);
      this.find('pending', `${where}: reading pending threw ${error?.code ?? ''} ${String(error?.message ?? error).slice(0, 120)}`);
      return undefined;
    }
    if (!Number.isSafeInteger(value) || value < 0) this.find('pending', `${where}: pending is ${String(value)}`);
    return value;
  }

  /** Runs the consumer actions due after `itemsRead` items. */
  async consumerActions(face) {
    const { actions } = this.plan;
    while (this.actionsDone < actions.length && actions[this.actionsDone].at <= this.itemsRead) {
      const { action } = actions[this.actionsDone++];
      switch (action.kind) {
        case 'mutate': this.mutate(action); break;
        case 'pending': if (face.pending) this.readPending(face.pending, 'consumer'); break;
        case 'pause': if (face.pause) await face.pause(action.n); break;
        case 'transfer': if (face.transferSafe()) this.transferChunk(); break;
        case 'gc': this.env.gc?.(); break;
      }
    }
  }

  /** The synchronous part of consumerActions (for a Node 'data' handler); pauses are returned. */
  consumerActionsSync(face) {
    const { actions } = this.plan;
    let pause = 0;
    while (this.actionsDone < actions.length && actions[this.actionsDone].at <= this.itemsRead) {
      const { action } = actions[this.actionsDone++];
      switch (action.kind) {
        case 'mutate': this.mutate(action); break;
        case 'pending': this.readPending(face.pending, 'consumer'); break;
        case 'pause': pause = Math.max(pause, action.n); break;
        case 'transfer': if (face.transferSafe()) this.transferChunk(); break;
        case 'gc': this.env.gc?.(); break;
      }
    }
    return pause;
  }
}

function realProp(view, prop) {
  const dv = (() => { try { return taTag.call(view) === undefined; } catch { return true; } })();
  switch (prop) {
    case 'byteLength': return dv ? dvByteLength.call(view) : taByteLength.call(view);
    case 'byteOffset': return dv ? dvByteOffset.call(view) : taByteOffset.call(view);
    case 'length': return taLength.call(view);
    default: return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Faces

/** Resolves after `ms`, to `TIMEOUT`, unless cancelled. */
const TIMEOUT = Symbol('timeout');

function withDeadline(ms) {
  let timer;
  const promise = new Promise((resolve) => { timer = setTimeout(resolve, ms, TIMEOUT); });
  return { promise, cancel: () => clearTimeout(timer), expired: false };
}

// One Chunker call and the delivery of what it returned, in a synchronous frame of its own: an
// async function keeps the registers of a suspended frame, and with them the last chunk, alive.
function callChunker(sc, op, call, what) {
  op.written = true;
  let chunks;
  try {
    chunks = call();
    sc.settle(op);
  } catch (error) {
    chunks = [];
    sc.settle(op, error);
  }
  if (!Array.isArray(chunks)) {
    sc.find('type', `${what}() returned ${typeof chunks}, not an array`);
    chunks = [];
  }
  for (let i = 0; i < chunks.length; i++) sc.deliver(chunks[i]);
  op.count = chunks.length;
  if (sc.plan.keep) op.chunks = chunks;
}

async function runChunker(sc) {
  const { api } = sc.env;
  const { plan } = sc;
  const c = new api.Chunker(plan.options);
  const face = { pending: () => c.pending, transferSafe: () => true };
  for (const step of plan.ops) {
    switch (step.kind) {
      case 'write': {
        const op = sc.addOp('write', sc.bursts[step.burst]);
        sc.accept(op);
        callChunker(sc, op, () => c.push(op.burst.obj), 'push');
        sc.recheck(`after push (op ${op.n})`);
        await sc.consumerActions(face);
        break;
      }
      case 'flush': callChunker(sc, sc.addOp('flush'), () => c.flush(), 'flush'); break;
      case 'reset': {
        const op = sc.addOp('reset');
        c.reset();
        op.count = 0;
        sc.settle(op);
        break;
      }
      case 'pending': {
        const op = sc.addOp('pending');
        op.value = sc.readPending(() => c.pending, `op ${op.n}`);
        sc.settle(op);
        break;
      }
      default: await common(sc, step, face);
    }
  }
  callChunker(sc, sc.addOp('end'), () => c.flush(), 'flush');
}

async function common(sc, step, face) {
  switch (step.kind) {
    case 'mutate': sc.mutate(step); break;
    case 'tick': for (let i = 0; i < step.n; i++) await immediate(); break;
    case 'gc': sc.env.gc?.(); sc.recheck('after a collection'); break;
    case 'worker': await runWorker(sc, step); break;
    case 'transfer': if (face.transferSafe()) sc.transferChunk(); break;
    case 'pending': if (face.pending) {
      const op = sc.addOp('pending');
      op.idle = face.idle();
      op.value = sc.readPending(face.pending, `op ${op.n}`);
      sc.settle(op);
    } break;
  }
}

// A worker's script (CommonJS, run with eval): re-frames `count` chunks of `size` bytes of a pattern,
// one push each, moves each chunk to the parent (`how`; a refused move posts a copy), then ends.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { Chunker } = await import(workerData.module);
  const { size, count, how, salt } = workerData;
  const chunker = new Chunker(size);
  for (let k = 0; k < count; k++) {
    const input = new Uint8Array(size);
    for (let i = 0; i < size; i++) input[i] = (i * 31 + k * 7 + salt) & 0xff;
    const [chunk] = chunker.push(input);
    let sent = false;
    try {
      if (how === 'transfer-list') {
        parentPort.postMessage({ k, chunk }, [chunk.buffer]);
        sent = true;
      } else if (how === 'transfer' && typeof ArrayBuffer.prototype.transfer === 'function') {
        const { byteOffset, byteLength } = chunk;
        const buffer = chunk.buffer.transfer();
        parentPort.postMessage({ k, chunk: new Uint8Array(buffer, byteOffset, byteLength) }, [buffer]);
        sent = true;
      } else if (how === 'bytes-stream') {
        let controller;
        const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
        controller.enqueue(chunk);
        const { value } = await stream.getReader().read();
        parentPort.postMessage({ k, chunk: value }, [value.buffer]);
        sent = true;
      }
    } catch (error) {
      if (!(error instanceof TypeError) && error?.name !== 'DataCloneError') throw error;
    }
    if (!sent) parentPort.postMessage({ k, chunk, copied: true });
  }
  parentPort.postMessage('done');
})();
`;

/**
 * A worker re-frames a pattern, moves its chunks here and ends (env.workerModule: the package's
 * module URL; without it, nothing). Its chunks are kept in sc.foreign and re-checked after every
 * later step: the worker's teardown must not take their memory back.
 */
async function runWorker(sc, step) {
  const { workerModule } = sc.env;
  if (workerModule === undefined) return;
  const how = sc.known.has('worker-zero-copy') && (step.how === 'bytes-stream' || step.how === 'transfer') ? 'transfer-list' : step.how;
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: workerModule, size: step.size, count: step.count, how, salt: step.salt } });
  sc.stats.workers++;
  const received = [];
  const ended = new Promise((resolve) => {
    worker.on('message', (message) => { if (message !== 'done') received.push(message); });
    worker.on('error', (error) => resolve({ error }));
    worker.on('exit', (code) => resolve({ code }));
  });
  let timer;
  const bound = new Promise((resolve) => { timer = setTimeout(resolve, Math.max(10_000, sc.env.timeoutMs ?? 5000), TIMEOUT); });
  const end = await Promise.race([ended, bound]);
  clearTimeout(timer);
  if (end === TIMEOUT) {
    await worker.terminate();
    sc.find('hang', `a worker re-framing ${step.count} chunks of ${step.size} bytes did not end`);
    return;
  }
  if (end.error !== undefined || end.code !== 0) {
    sc.find('worker', `a worker re-framing ${step.count} chunks of ${step.size} bytes failed: ${end.error?.code ?? ''} ${String(end.error?.message ?? `exit ${end.code}`).slice(0, 160)}`);
    return;
  }
  if (received.length !== step.count) sc.find('worker', `a worker posted ${received.length} chunks, not ${step.count}`);
  for (const { k, chunk, copied } of received) {
    const want = new Uint8Array(step.size);
    for (let i = 0; i < step.size; i++) want[i] = (i * 31 + k * 7 + step.salt) & 0xff;
    const entry = { view: chunk, copy: want, how: copied ? `${how}, refused: copied` : how };
    const now = realBytes(chunk);
    if (!now || !sameBytes(now, want)) {
      sc.find('worker-chunk', `a worker's chunk ${k} (${step.size} bytes, ${entry.how}) arrived holding ${now ? hex(now) : 'nothing readable'}, not ${hex(want)}`);
      continue;
    }
    sc.foreign.push(entry);
  }
  for (let i = 0; i < 3; i++) await immediate();
  sc.env.gc?.();
  sc.recheck('after a worker ended');
}

async function runNode(sc, deadline) {
  const { api } = sc.env;
  const { plan } = sc;
  const s = api.chunkerStream(plan.options, plan.highWaterMark === undefined ? {} : { highWaterMark: plan.highWaterMark });
  // Acceptance is when _write (and so _transform) receives the burst: observed, not changed.
  const write = s._write;
  s._write = function hookedWrite(chunk, encoding, callback) {
    sc.onAccept(chunk);
    return write.call(this, chunk, encoding, callback);
  };
  if (typeof s._writev === 'function') {
    const writev = s._writev;
    s._writev = function hookedWritev(chunks, callback) {
      for (const { chunk } of chunks) sc.onAccept(chunk);
      return writev.call(this, chunks, callback);
    };
  }
  const allSettled = () => sc.streamOps.every((o) => o.settled || o.kind === 'end');
  const face = {
    pending: () => s.pending,
    idle: () => allSettled() && sc.primary === undefined,
    // While 'move-siblings' is known, only between writes (a move while chunks are queued breaks today's faces).
    transferSafe: () => !sc.known.has('move-siblings') || allSettled(),
    pause: async (n) => { for (let i = 0; i < n; i++) await immediate(); },
  };
  let ended = false;
  const closed = new Promise((resolve) => s.on('close', resolve));
  s.on('error', (error) => sc.setPrimary(error, "the Node face's 'error' event"));
  s.on('end', () => { ended = true; });
  let consumer;
  sc.consumerDone = false;
  if (plan.consumer === 'data') {
    s.on('data', (item) => {
      sc.deliver(item);
      const pause = sc.consumerActionsSync(face);
      if (pause > 0 || (plan.delay > 0 && sc.r.chance(plan.delay))) {
        s.pause();
        (async () => {
          for (let i = 0; i < Math.max(1, pause); i++) await immediate();
          s.resume();
        })();
      }
    });
    consumer = closed.then(() => { if (!deadline.expired) sc.consumerDone = true; });
  } else {
    consumer = (async () => {
      try {
        for await (let item of s) {
          sc.deliver(item);
          item = undefined; // not kept alive across the awaits below (plan.keep decides)
          await sc.consumerActions(face);
          if (plan.delay > 0 && sc.r.chance(plan.delay)) await immediate();
        }
      } catch (error) {
        sc.setPrimary(error, 'the Node face\'s async iterator');
      }
      if (!deadline.expired) sc.consumerDone = true;
    })();
  }
  const waitFor = async (op) => {
    while (!op.settled) {
      if ((await Promise.race([immediate(), deadline.promise])) === TIMEOUT) return false;
    }
    return true;
  };
  for (const step of plan.ops) {
    if (deadline.expired) break;
    switch (step.kind) {
      case 'write': {
        const op = sc.addOp('write', sc.bursts[step.burst]);
        sc.queue.push(op);
        op.written = true;
        let more = true;
        try {
          more = s.write(op.burst.obj, (error) => sc.settle(op, error));
        } catch (error) {
          sc.find('sync-throw', `write ${op.n} threw synchronously: ${error?.code ?? ''} ${String(error?.message ?? error).slice(0, 120)}`);
          sc.settle(op, error);
        }
        if (step.wait) await waitFor(op);
        else if (step.drain && !more && !s.destroyed) await Promise.race([new Promise((resolve) => s.once('drain', resolve)), closed, deadline.promise]);
        sc.recheck(`after write ${op.n}`);
        break;
      }
      case 'flush': {
        const op = sc.addOp('flush');
        op.written = true;
        s.flush((error) => sc.settle(op, error));
        break;
      }
      default: await common(sc, step, face);
    }
  }
  const end = sc.addOp('end');
  end.written = true;
  s.end();
  const result = await Promise.race([Promise.all([closed, consumer]), deadline.promise]);
  if (result === TIMEOUT) deadline.expired = true;
  // The end's outcome: the stream's error if it failed, else it ended.
  if (sc.primary) sc.settle(end, sc.primary.error);
  else if (ended) sc.settle(end);
  // Callbacks of writes after a failure come on a later tick.
  while (!deadline.expired && sc.streamOps.some((o) => !o.settled)) {
    if ((await Promise.race([immediate(), deadline.promise])) === TIMEOUT) deadline.expired = true;
  }
  if (deadline.expired) s.destroy();
}

/** A streams implementation whose WritableStream reports each sink write (acceptance) first. */
function hookedStreams(impl, sc) {
  const Base = impl.WritableStream;
  class HookedWritableStream extends Base {
    constructor(sink, strategy) {
      const hooked = {};
      if (sink != null) {
        for (const key of ['start', 'close', 'abort']) {
          const method = sink[key];
          if (typeof method === 'function') hooked[key] = (...args) => method.apply(sink, args);
        }
        if (sink.type !== undefined) hooked.type = sink.type;
        const write = sink.write;
        if (typeof write === 'function') {
          hooked.write = (chunk, controller) => {
            sc.onAccept(chunk);
            return write.call(sink, chunk, controller);
          };
        }
      }
      super(sink == null ? sink : hooked, strategy);
    }
  }
  return { ReadableStream: impl.ReadableStream, WritableStream: HookedWritableStream, TransformStream: impl.TransformStream };
}

async function runWeb(sc, deadline) {
  const { api, polyfill } = sc.env;
  const { plan } = sc;
  const impl = plan.face === 'web-polyfill' ? polyfill : globalThis;
  const streams = plan.hooked ? hookedStreams(impl, sc) : plan.face === 'web-polyfill' ? polyfill : undefined;
  const init = {};
  if (streams) init.streams = streams;
  if (plan.highWaterMark !== undefined) init.highWaterMark = plan.highWaterMark;
  const cs = new api.ChunkerStream(plan.options, init);
  const writer = cs.writable.getWriter();
  const reader = cs.readable.getReader();
  writer.closed.catch(() => undefined);
  reader.closed.catch(() => undefined);
  const allSettled = () => sc.streamOps.every((o) => o.settled || o.kind === 'end');
  const face = {
    pending: () => cs.pending,
    idle: () => allSettled() && sc.primary === undefined,
    // While 'move-siblings' is known, only between writes (a move while chunks are queued breaks today's faces).
    transferSafe: () => !sc.known.has('move-siblings') || allSettled(),
    pause: async (n) => { for (let i = 0; i < n; i++) await immediate(); },
  };
  sc.consumerDone = false;
  const consumer = (async () => {
    try {
      for (;;) {
        let { done, value } = await reader.read();
        if (done) break;
        sc.deliver(value);
        value = undefined; // not kept alive across the awaits below (plan.keep decides)
        await sc.consumerActions(face);
        if (plan.delay > 0 && sc.r.chance(plan.delay)) await immediate();
      }
    } catch (error) {
      if (!deadline.expired) sc.setPrimary(error, "the WHATWG face's read()");
    }
    if (!deadline.expired) sc.consumerDone = true;
  })();
  const track = (op, promise) => {
    op.promise = promise.then(() => sc.settle(op), (error) => sc.settle(op, error));
    return op.promise;
  };
  for (const step of plan.ops) {
    if (deadline.expired) break;
    if (step.kind !== 'write') {
      await common(sc, step, face);
      continue;
    }
    if (step.ready && (await Promise.race([writer.ready.catch(() => undefined), deadline.promise])) === TIMEOUT) break;
    const op = sc.addOp('write', sc.bursts[step.burst]);
    op.written = true;
    if (plan.hooked) sc.queue.push(op);
    else sc.accept(op); // nothing mutates its buffer until it settles (see Scenario.mutate)
    let promise;
    try {
      promise = writer.write(op.burst.obj);
    } catch (error) {
      sc.find('sync-throw', `write ${op.n} threw synchronously: ${String(error?.message ?? error).slice(0, 120)}`);
      promise = Promise.reject(error);
    }
    const settled = track(op, promise);
    if (step.wait && (await Promise.race([settled, deadline.promise])) === TIMEOUT) break;
    sc.recheck(`after write ${op.n}`);
  }
  const end = sc.addOp('end');
  end.written = true;
  track(end, writer.close());
  const result = await Promise.race([Promise.all([consumer, ...sc.streamOps.map((o) => o.promise)]), deadline.promise]);
  if (result === TIMEOUT) {
    deadline.expired = true;
    reader.cancel().catch(() => undefined);
  }
}

async function runChunks(sc, deadline) {
  const { api } = sc.env;
  const { plan } = sc;
  let taken; // the burst the loop took last: settled once the loop asks for the next one
  let exhausted = false;
  const face = { transferSafe: () => true };
  const previousDone = () => {
    if (taken && !taken.settled) sc.settle(taken);
    taken = undefined;
    sc.recheck('between bursts');
  };
  const take = (step) => {
    const op = sc.addOp('write', sc.bursts[step.burst]);
    op.written = true;
    sc.accept(op);
    taken = op;
    return op.burst.obj;
  };
  // The writer's script, run as the loop pulls: each write is taken at once.
  async function* asyncSource() {
    for (const step of plan.ops) {
      previousDone();
      if (step.kind === 'write') yield take(step);
      else await common(sc, step, face);
    }
    previousDone();
    exhausted = true;
  }
  function syncSource() {
    let i = 0;
    return {
      [Symbol.iterator]() { return this; },
      next() {
        previousDone();
        for (; i < plan.ops.length; i++) {
          const step = plan.ops[i];
          if (step.kind === 'write') {
            i++;
            return { done: false, value: take(step) };
          }
          if (step.kind === 'mutate') sc.mutate(step);
          else if (step.kind === 'gc') sc.env.gc?.();
        }
        exhausted = true;
        return { done: true, value: undefined };
      },
    };
  }
  function readableSource() {
    const it = asyncSource();
    return new ReadableStream({
      async pull(controller) {
        const { done, value } = await it.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
    }, { highWaterMark: 0 });
  }
  const source = plan.source === 'sync' ? syncSource() : plan.source === 'readable' ? readableSource() : asyncSource();
  sc.consumerDone = false;
  const loop = (async () => {
    try {
      for await (let item of api.chunks(source, plan.options)) {
        sc.deliver(item);
        item = undefined; // not kept alive across the awaits below (plan.keep decides)
        await sc.consumerActions(face);
        if (plan.delay > 0 && sc.r.chance(plan.delay)) await immediate();
      }
      return undefined;
    } catch (error) {
      return { error };
    }
  })();
  const result = await Promise.race([loop, deadline.promise]);
  if (result !== TIMEOUT) sc.consumerDone = true;
  const end = sc.addOp('end');
  end.written = true;
  if (result === TIMEOUT) {
    deadline.expired = true;
    return;
  }
  // chunks() has no per-burst result: the error belongs to the burst the loop held, or to the end.
  if (result === undefined) {
    previousDone();
    sc.settle(end);
  } else {
    sc.setPrimary(result.error, 'the chunks() loop');
    if (exhausted || taken === undefined) sc.settle(end, result.error);
    else {
      sc.settle(taken, result.error);
      taken = undefined;
    }
    for (const op of sc.streamOps) if (!op.settled && op !== end) op.skipped = true;
    if (!end.settled) end.skipped = true;
  }
}

// ---------------------------------------------------------------------------------------------
// The oracle

/** Full chunks a stream of `bytes` bytes completes (chunk k holds samples [k·hop, k·hop + size)). */
function fullChunks(bytes, size, hop, B) {
  const n = Math.floor(bytes / B);
  return n < size ? 0 : Math.floor((n - size) / hop) + 1;
}

class Expect {
  constructor(sc) {
    this.sc = sc;
    const { options } = sc.plan;
    const [Own, parts] = TYPES[options.type];
    this.B = Own.BYTES_PER_ELEMENT * parts * (options.channels ?? 1);
    this.size = options.size;
    this.hop = options.hop ?? options.size;
    this.chunks = []; // expected bytes of every chunk, in order
    this.segment = []; // accepted bursts of the current stream (since the last flush)
    this.segmentBytes = 0;
  }

  frame(parts) {
    return this.sc.env.frame(concat(parts), this.sc.plan.options);
  }

  full(bytes) {
    return fullChunks(bytes, this.size, this.hop, this.B);
  }

  /** Appends the full chunks of the current segment (which ends here), and returns its framing. */
  closeSegment() {
    const framing = this.frame(this.segment);
    const full = framing.chunks.length - framing.flushed;
    if (full !== this.full(this.segmentBytes)) this.sc.find('oracle', `reference gives ${full} full chunks for ${this.segmentBytes} bytes, the harness ${this.full(this.segmentBytes)}`);
    this.chunks.push(...framing.chunks.slice(0, full));
    this.segment = [];
    this.segmentBytes = 0;
    return framing;
  }

  add(bytes) {
    this.segment.push(bytes);
    this.segmentBytes += bytes.length;
  }
}

const codeOf = (kind) => (kind === 'tail' ? 'ERR_REFRAME_TAIL' : kind === 'input' ? 'ERR_REFRAME_INPUT' : undefined);

function checkEnd(sc, op, framing, code) {
  if (op.outcome?.error !== undefined) sc.checkCoded(op.outcome.error, `${op.kind} (op ${op.n})`);
  const want = codeOf(framing.end.kind);
  if (want !== code) {
    sc.find('outcome', `${op.kind} (op ${op.n}) ${code ? `failed with ${code}` : 'succeeded'}, the reference ${want ? `fails with ${want}` : 'succeeds'}`);
    return false;
  }
  if (want === 'ERR_REFRAME_TAIL') {
    const tail = realBytes(op.outcome.error.tail);
    if (!tail || !sameBytes(tail, framing.end.tail)) sc.find('bytes', `${op.kind} (op ${op.n}): error.tail holds ${tail ? hex(tail) : 'no bytes'}, the reference ${hex(framing.end.tail)}`);
  }
  return true;
}

/** A burst in a finding: its kind, buffer and lies. */
function describeBurst(burst) {
  const { spec } = burst;
  if (spec.view === 'string' || spec.view === 'junk') return spec.view;
  const lies = spec.lies ? ` lying ${Object.keys(spec.lies).join('/')}` : '';
  return `${spec.view}${spec.ctor && spec.ctor !== 'Uint8Array' ? ` ${spec.ctor}` : ''}${spec.track ? ' length-tracking' : ''} over backing ${spec.backing}${lies}`;
}

function judgeWriteOutcome(sc, op) {
  const { acc, outcome } = op;
  const name = `write ${op.n} (${describeBurst(op.burst)})`;
  if (outcome.error !== undefined) sc.checkCoded(outcome.error, name);
  if (outcome.ok) {
    if (!acc) sc.find('outcome', `${name} reported success but the face never took it`);
    else if (!acc.allowOk) sc.find('outcome', `${name} reported success but must fail with ERR_REFRAME_INPUT (${acc.why})`);
    return;
  }
  const { error } = outcome;
  if (!acc) {
    sc.find('outcome', `${name} failed (${error?.code}) before the face took it, and before any other failure`);
    return;
  }
  if (!(acc.allowInput || op.invalidated)) {
    sc.find('outcome', `${name} failed with ${error?.code ?? 'an uncoded error'} but its real memory holds ${acc.bytes.length} good bytes`);
  } else if (error?.code !== 'ERR_REFRAME_INPUT') {
    sc.find('outcome', `${name} failed with ${error?.code ?? 'an uncoded error'}, not ERR_REFRAME_INPUT (${acc.why || 'its buffer shrank or was detached while pending'})`);
  }
}

/** Chunker: every call's own result is known, a refused burst changes nothing, a failed flush starts afresh. */
function judgeChunker(sc) {
  const ex = new Expect(sc);
  let pendingChecks = []; // [pending op, the segment's bursts when it was read]
  for (const op of sc.streamOps) {
    if (op.kind === 'write') {
      judgeWriteOutcome(sc, op);
      let want = 0;
      if (op.outcome.ok && op.acc?.allowOk) {
        const before = ex.full(ex.segmentBytes);
        ex.add(op.acc.bytes);
        want = ex.full(ex.segmentBytes) - before;
      }
      if (op.count !== want) sc.find('count', `push (op ${op.n}) returned ${op.count} chunks, the reference ${want}`);
      continue;
    }
    if (op.kind === 'pending') {
      pendingChecks.push([op, ex.segment.slice()]);
      continue;
    }
    const framing = ex.closeSegment(); // flush, end or reset
    for (const [pending, parts] of pendingChecks) {
      const want = ex.frame(parts).pending;
      if (pending.value !== undefined && pending.value !== want) sc.find('pending', `op ${pending.n}: pending ${pending.value}, the reference ${want}`);
    }
    pendingChecks = [];
    if (op.kind === 'reset') continue;
    const code = op.outcome.error?.code;
    const tail = checkEnd(sc, op, framing, code) && !code ? framing.chunks.slice(framing.chunks.length - framing.flushed) : [];
    if (op.count !== tail.length) sc.find('count', `${op.kind} (op ${op.n}) returned ${op.count} chunks, the reference ${tail.length}`);
    ex.chunks.push(...tail);
  }
  compareDelivered(sc, ex.chunks, ex.chunks.length, ex.chunks.length, 'no failure');
}

/** The delivered chunks (their bytes when handed out) against the reference: `lo` to `hi` of them. */
function compareDelivered(sc, want, lo, hi, failed) {
  const n = sc.delivered.length;
  if (n < lo || n > hi) {
    // The usual culprit of missing chunks: a write that reported success after its buffer was cut.
    const cut = n < lo ? sc.streamOps.filter((o) => o.invalidated && o.outcome?.ok) : [];
    const blame = cut.length ? `; write ${cut.map((o) => o.n).join(', ')} reported success after its buffer shrank or was detached` : '';
    sc.find('count', `${n} chunks delivered, the reference ${lo === hi ? lo : `${lo} to ${hi}`} (${failed}${blame})`);
  }
  for (let i = 0; i < Math.min(n, want.length); i++) {
    const { copy } = sc.delivered[i];
    if (copy === null) continue; // reported when delivered, or transferred away by the harness
    if (!sameBytes(copy, want[i])) {
      sc.find('bytes', `chunk ${i} holds ${copy.length} bytes ${hex(copy)}, the reference ${want[i].length} bytes ${hex(want[i])}`);
      return;
    }
  }
}

/** Stream faces: the first failure ends the stream; before it, everything must be exact. */
function judgeStream(sc) {
  const ex = new Expect(sc);
  const ops = sc.streamOps;
  const failed = ops.find((o) => o.kind !== 'pending' && o.outcome?.error !== undefined);
  const pendings = []; // [pending op read while the face was idle, the segment's bursts then]
  for (const op of ops) {
    if (op === failed) break;
    if (op.kind === 'pending') {
      if (op.idle) pendings.push([op, ex.segment.slice()]);
      continue;
    }
    if (op.kind === 'write') {
      judgeWriteOutcome(sc, op);
      if (op.acc?.allowOk) ex.add(op.acc.bytes);
    } else {
      const framing = ex.closeSegment();
      if (checkEnd(sc, op, framing)) ex.chunks.push(...framing.chunks.slice(framing.chunks.length - framing.flushed));
    }
  }
  for (const [p, parts] of pendings) {
    const want = ex.frame(parts).pending;
    if (p.value !== undefined && p.value !== want) sc.find('pending', `op ${p.n} (read while idle): pending ${p.value}, the reference ${want}`);
  }
  let lo = ex.chunks.length;
  let hi = lo;
  if (failed === undefined) {
    if (sc.primary) sc.checkCoded(sc.primary.error, sc.primary.where);
    if (sc.primary) sc.find('outcome', `${sc.primary.where} failed (${sc.primary.error?.code}) though every write and the end succeeded`);
    compareDelivered(sc, ex.chunks, lo, hi, 'no failure');
    return;
  }
  const { error } = failed.outcome;
  if (sc.primary && sc.primary.error !== error) sc.checkCoded(sc.primary.error, sc.primary.where);
  if (!sc.primary) sc.find('outcome', `op ${failed.n} (${failed.kind}) failed (${error?.code}) but the readable side did not`);
  else if (sc.primary.error?.code !== error?.code) sc.find('outcome', `op ${failed.n} failed with ${error?.code}, ${sc.primary.where} with ${sc.primary.error?.code}`);
  lo = hi = ex.chunks.length + ex.full(ex.segmentBytes);
  if (failed.kind === 'write') {
    judgeWriteOutcome(sc, failed);
    if (failed.invalidated && failed.acc?.allowOk) {
      // Cut while pending: the chunks its bytes completed before the cut may have come.
      ex.add(failed.acc.bytes);
      hi = ex.chunks.length + ex.full(ex.segmentBytes);
    }
    ex.closeSegment();
  } else {
    checkEnd(sc, failed, ex.closeSegment(), error?.code);
  }
  for (const later of ops.slice(failed.n + 1)) {
    if (later.outcome?.ok && later.kind !== 'flush' && later.kind !== 'pending') sc.find('outcome', `op ${later.n} (${later.kind}) reported success after op ${failed.n} failed`);
  }
  compareDelivered(sc, ex.chunks, lo, hi, `op ${failed.n} (${failed.kind}) failed with ${error?.code}`);
}

/** Chunks kept their bytes, input memory is what the harness wrote, and no two chunks share bytes. */
function finalChecks(sc) {
  sc.recheck('at the end of the scenario');
  const live = sc.kept.filter(({ view }) => !sc.transferred.has(taBuffer.call(view)));
  for (const [i, { view, copy }] of live.entries()) {
    const now = realBytes(view);
    if (copy && (!now || !sameBytes(now, copy))) {
      sc.find('changed', `handed-out chunk ${i} changed after it was handed out`);
      return;
    }
  }
  for (const [i, back] of sc.backings.entries()) {
    if (back.detached) continue;
    const now = new Uint8Array(back.buf);
    if (!sameBytes(now, back.shadow)) sc.find('input-modified', `backing ${i} (${back.spec.kind}) no longer holds what the harness wrote`);
    now.fill(0xa5); // scribble: no chunk may change
  }
  for (const [i, { view, copy }] of live.entries()) {
    const now = realBytes(view);
    if (copy && (!now || !sameBytes(now, copy))) {
      sc.find('changed', `chunk ${i} changed when the input buffers were overwritten (it shares their memory)`);
      return;
    }
  }
  // Independence: invert every chunk once; a byte two chunks share is inverted twice.
  for (const { view, copy } of live) {
    if (!copy) continue;
    const now = realBytes(view);
    if (now) for (let j = 0; j < now.length; j++) now[j] ^= 0xff;
  }
  for (const [i, { view, copy }] of live.entries()) {
    if (!copy) continue;
    const now = realBytes(view);
    if (!now) continue;
    for (let j = 0; j < now.length; j++) {
      if (now[j] !== (copy[j] ^ 0xff)) {
        sc.find('overlap', `chunk ${i} shares memory with another chunk`);
        return;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running one scenario

async function runBadOptions(sc) {
  const { api, polyfill } = sc.env;
  const bad = sc.plan.badOptions;
  const attempts = {
    chunker: () => new api.Chunker(bad),
    node: () => api.chunkerStream(bad),
    'web-platform': () => new api.ChunkerStream(bad),
    'web-polyfill': () => new api.ChunkerStream(bad, { streams: polyfill }),
    chunks: () => api.chunks([], bad),
  };
  let error;
  try {
    attempts[sc.plan.face]();
  } catch (e) {
    error = e;
  }
  const shown = typeof bad === 'object' ? JSON.stringify(bad, (k, v) => (typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v)) : String(bad);
  if (error === undefined) sc.find('option', `options ${shown} were accepted`);
  else {
    sc.sawError(error, `options ${shown}`);
    sc.checkCoded(error, `options ${shown}`);
    if (error?.code !== 'ERR_REFRAME_OPTION' || !(error instanceof TypeError || error instanceof RangeError)) sc.find('option', `options ${shown}: ${error?.constructor?.name} ${error?.code}, not a TypeError/RangeError ERR_REFRAME_OPTION`);
  }
}

/**
 * Runs scenario `seed` and returns its findings and counts. `env`: `api` (Chunker, chunkerStream,
 * ChunkerStream, chunks), `polyfill` (web-streams-polyfill), `frame` (the reference framing), and
 * optionally `face` (force one), `extreme` (default true; see makePlan), `timeoutMs` (default 5000:
 * the bound for every callback and promise), `gc` (a function forcing a collection).
 */
export async function runScenario(seed, env) {
  const plan = makePlan(seed, { face: env.face, extreme: env.extreme ?? true });
  const sc = new Scenario(plan, env);
  if (plan.badOptions !== undefined) {
    await runBadOptions(sc);
    return { seed, face: plan.face, findings: sc.findings, stats: sc.stats };
  }
  const deadline = withDeadline(env.timeoutMs ?? 5000);
  try {
    sc.build();
    switch (plan.face) {
      case 'chunker': await runChunker(sc); break;
      case 'node': await runNode(sc, deadline); break;
      case 'chunks': await runChunks(sc, deadline); break;
      default: await runWeb(sc, deadline);
    }
  } catch (error) {
    sc.find('harness-throw', `${error?.code ?? ''} ${String(error?.stack ?? error).slice(0, 300)}`);
  } finally {
    deadline.cancel();
  }
  const unsettled = sc.streamOps.filter((o) => !o.settled && !o.skipped);
  if (!sc.consumerDone) sc.find('hang', `the readable side neither ended nor failed within ${env.timeoutMs ?? 5000} ms (${sc.delivered.length} chunks delivered)`);
  if (unsettled.length > 0) {
    sc.find('hang', `${unsettled.map((o) => `op ${o.n} (${o.kind})`).join(', ')} never settled within ${env.timeoutMs ?? 5000} ms (${sc.delivered.length} chunks delivered)`);
  } else {
    const before = sc.findings.length;
    if (plan.face === 'chunker') judgeChunker(sc);
    else judgeStream(sc);
    // While 'move-siblings' is known, what the oracle finds in a scenario that moved a chunk's buffer
    // (a stream broken by it, its siblings gone) is counted as known (H13, H17), not as findings.
    if (sc.known.has('move-siblings') && sc.stats.transfers > 0 && sc.findings.length > before) {
      for (const f of sc.findings.splice(before)) sc.stats.known[`after a move: ${f.category}`] = (sc.stats.known[`after a move: ${f.category}`] ?? 0) + 1;
    }
  }
  finalChecks(sc);
  for (const [prop, reads] of sc.ownReads) sc.find('own-getter', `the package read ${prop} of a burst ${reads} time(s) (a lying getter or Proxy trap)`);
  return { seed, face: plan.face, findings: sc.findings, stats: sc.stats };
}

/** One line per finding. */
export function formatFinding(f) {
  return `seed ${f.seed} (${f.face}) ${f.category}: ${f.detail}`;
}

/** A compact description of a plan, for a replay. */
export function describePlan(seed, options = {}) {
  const plan = makePlan(seed, options);
  return JSON.stringify(plan, (k, v) => (typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === undefined ? 'undefined' : v), 1);
}
