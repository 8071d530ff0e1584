// The TypeScript core: the executable reference of native/engine.cc, line for line, in bytes.
// B = sample bytes, C = chunk bytes, H = hop bytes. Between calls:
//   - skip > 0 only while have == 0: inside the gap between two windows (hop > size);
//   - have < C: bytes of the current window received so far;
//   - held: bytes at the window's front that the previous chunk already held (overlap);
//   - phase: bytes received since the stream started, modulo B;
//   - external only while have > 0: the window is in caller memory that becomes the next chunk;
//   - #own grows with what it holds (x2 from MIN_WINDOW bytes, at most C; its length >= have while
//     it is the window), so a quiet stream that got a short hello holds about that, not a chunk.
import type { ResolvedOptions } from '../options.js';
import { inputError } from '../errors.js';
import { ADOPTED, FLUSH_OK, FLUSH_STRAY, FLUSH_TAIL, IN_PLACE_DONE, type Engine } from './engine.js';

const changed = () => inputError('the burst\'s length changed while it was being read');

/** The smallest own window, in bytes (or chunk bytes, when smaller): native/engine.h kMinWindow. */
export const MIN_WINDOW = 64;

export class JsEngine implements Engine {
  readonly #sample: number;
  readonly #chunk: number;
  readonly #hop: number;
  readonly #alignBytes: number;
  readonly #tail: ResolvedOptions['tail'];
  readonly #fill: Uint8Array;
  #own: Uint8Array | undefined; // grown as needed: about what it held at most, at most chunk bytes
  #window: Uint8Array | undefined; // #own or adopted caller memory; [0, have) is the window
  #external = false; // #window is caller memory (then have > 0)
  #have = 0;
  #held = 0;
  #skip = 0;
  #phase = 0;

  constructor(options: ResolvedOptions) {
    this.#sample = options.sampleBytes;
    this.#chunk = options.chunkBytes;
    this.#hop = options.hopBytes;
    this.#alignBytes = options.align * options.sampleBytes;
    this.#tail = options.tail;
    this.#fill = options.fillBytes;
  }

  get needed(): number {
    return this.#skip + this.#chunk - this.#have;
  }

  get pending(): number {
    const whole = this.#finalBytes();
    return whole === 0 ? 0 : (whole - this.#held) / this.#sample;
  }

  // Chunks a burst of `len` bytes completes.
  #chunksFor(len: number): number {
    const need = this.#skip + this.#chunk - this.#have;
    return len < need ? 0 : 1 + Math.floor((len - need) / this.#hop);
  }

  push(input: Uint8Array, out: Uint8Array | undefined, outOffset: number, outBytes: number): number {
    const chunks = this.#chunksFor(input.byteLength);
    if (this.#external) throw new Error('reframe internal error: push in place');
    if (chunks * this.#chunk !== outBytes) throw changed();
    if (outBytes > 0 && (out === undefined || outOffset + outBytes > out.byteLength)) {
      throw new Error('reframe internal error: push output');
    }
    this.#grow(this.#windowNeed(input.byteLength, false)); // grown before anything changes (it may fail)
    this.#push(input, out, outOffset);
    return chunks;
  }

  pushInPlace(input: Uint8Array, out: Uint8Array | undefined, next: Uint8Array): number {
    if (next.byteLength !== this.#chunk || next === this.#window) {
      throw new Error('reframe internal error: push next window');
    }
    const chunks = this.#chunksFor(input.byteLength);
    const inPlace = chunks > 0 && this.#external;
    if ((inPlace ? chunks - 1 : chunks) * this.#chunk !== (out?.byteLength ?? 0)) throw changed();
    if (this.#hop < this.#chunk) this.#grow(this.#windowNeed(input.byteLength, true)); // only an overlap uses it here
    const adopted = this.#push(input, out, 0, next);
    return (inPlace ? IN_PLACE_DONE : 0) | (adopted ? ADOPTED : 0);
  }

  #push(input: Uint8Array, out: Uint8Array | undefined, outOffset: number, next?: Uint8Array): boolean {
    const chunk = this.#chunk;
    let len = input.byteLength;
    let at = 0; // next input byte
    let written = outOffset;
    this.#phase = (this.#phase + len) % this.#sample;
    // True while the window's `have` bytes are input[at - have, at); false while in #window.
    let inInput = this.#have === 0;
    while (len > 0) {
      if (this.#skip > 0) {
        const d = Math.min(this.#skip, len);
        this.#skip -= d;
        at += d;
        len -= d;
        continue;
      }
      if (inInput) {
        const need = chunk - this.#have;
        if (len < need) break; // the rest of the burst is saved below
        if (this.#hop === chunk) {
          // Back-to-back chunks (no overlap, no gap; have is 0 here): one copy writes them all.
          const bytes = len - (len % chunk);
          out!.set(at === 0 && bytes === input.byteLength ? input : input.subarray(at, at + bytes), written);
          written += bytes;
          at += bytes;
          len -= bytes;
          continue;
        }
        out!.set(input.subarray(at - this.#have, at + need), written);
        written += chunk;
        at += need;
        len -= need;
        this.#nextWindow();
        continue;
      }
      const window = this.#window!;
      const have = this.#have;
      const d = Math.min(chunk - have, len);
      if (have + d < chunk) {
        // The burst ends inside the window (d === len).
        (this.#external ? window : this.#grow(have + d)).set(input.subarray(at, at + d), have);
        this.#have += d;
        at += d;
        len -= d;
        break;
      }
      let done: Uint8Array; // the completed chunk
      let doneAt: number;
      if (this.#external) {
        // Completed in place: the caller hands that memory out. It is never written again.
        window.set(input.subarray(at, at + d), have);
        done = window;
        doneAt = 0;
        this.#external = false;
        this.#window = this.#own;
      } else {
        // Written straight out (the window's bytes, then the burst's): #own never holds a whole chunk.
        out!.set(have === window.byteLength ? window : window.subarray(0, have), written);
        out!.set(input.subarray(at, at + d), written + have);
        done = out!;
        doneAt = written;
        written += chunk;
      }
      at += d;
      len -= d;
      this.#nextWindow();
      // The next window begins with the last `have` bytes of that chunk: in the input if this
      // burst brought that many, else copied to the front of our own window.
      if (this.#have <= at) {
        inInput = true;
      } else {
        this.#ownWindow(this.#have).set(done.subarray(doneAt + chunk - this.#have, doneAt + chunk));
      }
    }
    let adopted = false;
    if (inInput && this.#have + len > 0) {
      let window: Uint8Array;
      if (next) {
        window = this.#window = next;
        this.#external = adopted = true;
      } else {
        window = this.#ownWindow(this.#have + len);
      }
      window.set(input.subarray(at - this.#have, at + len));
      this.#have += len;
    }
    return adopted;
  }

  planFlush(): readonly [status: number, bytes: number] {
    const whole = this.#finalBytes();
    if (this.#phase !== 0 && this.#tail !== 'drop') return [FLUSH_STRAY, whole];
    if (whole === 0) return [FLUSH_OK, 0];
    switch (this.#tail) {
      case 'emit':
        return [FLUSH_OK, whole];
      case 'pad': {
        const padded = Math.ceil(whole / this.#alignBytes) * this.#alignBytes;
        return [FLUSH_OK, Math.min(padded, this.#chunk)];
      }
      case 'drop':
        return [FLUSH_OK, 0];
      case 'error':
        return [FLUSH_TAIL, whole];
    }
  }

  flush(out: Uint8Array | undefined): number {
    const [status, bytes] = this.planFlush();
    if ((out?.byteLength ?? 0) !== bytes) throw new Error('reframe internal error: flush output');
    if (bytes > 0) {
      const whole = this.#finalBytes();
      out!.set(this.#window!.subarray(0, whole));
      // [whole, bytes) is whole samples, so whole fill patterns: write one, then double.
      const n = bytes - whole;
      let done = Math.min(this.#fill.byteLength, n);
      out!.set(this.#fill.subarray(0, done), whole);
      while (done < n) {
        const d = Math.min(done, n - done);
        out!.copyWithin(whole + done, whole, whole + d);
        done += d;
      }
    }
    this.reset();
    return status;
  }

  reset(): void {
    this.#have = this.#held = this.#skip = this.#phase = 0;
    this.#external = false; // the caller's memory, if the window was there, is never touched again
    // A fresh stream starts with no window of its own, as a new engine does: one that grew for a
    // busy stream does not stay that large for a quiet one.
    this.#own = this.#window = undefined;
  }

  /** Bytes of our own window (0 while there is none), for tests. */
  get windowCapacity(): number {
    return this.#own?.byteLength ?? 0;
  }

  /**
   * Our own window with room for `need` bytes: grown (x2 from MIN_WINDOW, at most a chunk) if
   * smaller, keeping what it holds while it is the window (unless `keep` is false). #window follows it.
   */
  #grow(need: number, keep = true): Uint8Array {
    const own = this.#own;
    const cap = own?.byteLength ?? 0;
    if (need <= cap) return own!; // (undefined only for need 0, whose callers use no window)
    const chunk = this.#chunk;
    let size = cap === 0 ? MIN_WINDOW : cap;
    while (size < need) size = size >= chunk - size ? chunk : 2 * size;
    const grown = new Uint8Array(Math.min(size, chunk));
    if (keep && !this.#external && this.#have > 0 && own !== undefined) grown.set(own.subarray(0, this.#have));
    this.#own = grown;
    if (!this.#external) this.#window = grown;
    return grown;
  }

  /** Points #window at our own buffer, with room for `need` bytes (what it held is not kept), and returns it. */
  #ownWindow(need: number): Uint8Array {
    this.#external = false;
    this.#window = this.#own;
    return this.#grow(need, false);
  }

  /** Bytes of #own that a push of `len` bytes (`next` offered or not) uses at most: native window_need(). */
  #windowNeed(len: number, next: boolean): number {
    const chunks = this.#chunksFor(len);
    if (chunks === 0) {
      // The burst ends inside the window (or in a gap).
      if (this.#have > 0) return this.#external ? 0 : this.#have + len;
      return next || len <= this.#skip ? 0 : len - this.#skip;
    }
    // Completed chunks are written straight out; #own takes what follows the last one: an overlap
    // moved out of a completed chunk, and the bytes after it (unless `next` takes them), at most
    // the window left open after the last chunk.
    const chunk = this.#chunk;
    const hop = this.#hop;
    if (next && hop >= chunk) return 0;
    const after = len - (this.#skip + chunk - this.#have); // bytes after the first chunk
    const r = after - (chunks - 1) * hop; // after the last one (< hop)
    return hop < chunk ? r + chunk - hop : Math.max(0, r - (hop - chunk));
  }

  #nextWindow(): void {
    if (this.#hop < this.#chunk) {
      this.#have = this.#held = this.#chunk - this.#hop;
    } else {
      this.#have = this.#held = 0;
      this.#skip = this.#hop - this.#chunk;
    }
  }

  /** Whole-sample bytes the final chunk would hold; 0 if none of them is new. */
  #finalBytes(): number {
    const whole = this.#have - (this.#have % this.#sample);
    return whole > this.#held ? whole : 0;
  }
}

export const createJsEngine = (options: ResolvedOptions): Engine => new JsEngine(options);
