// The TypeScript core: the executable reference of native/engine.cc, line for line, in bytes.
// B = sample bytes, C = chunk bytes, H = hop bytes. Between calls:
//   - skip > 0 only while have == 0: inside the gap between two windows (hop > size);
//   - have < C: bytes of the current window received so far;
//   - held: bytes at the window's front that the previous chunk already held (overlap);
//   - phase: bytes received since the stream started, modulo B;
//   - external only while have > 0: the window is in caller memory that becomes the next chunk.
import type { ResolvedOptions } from '../options.js';
import { inputError } from '../errors.js';
import { ADOPTED, FLUSH_OK, FLUSH_STRAY, FLUSH_TAIL, IN_PLACE_DONE, type Engine } from './engine.js';

const changed = () => inputError('the burst\'s length changed while it was being read');

export class JsEngine implements Engine {
  readonly #sample: number;
  readonly #chunk: number;
  readonly #hop: number;
  readonly #alignBytes: number;
  readonly #tail: ResolvedOptions['tail'];
  readonly #fill: Uint8Array;
  #own: Uint8Array | undefined; // chunk bytes once needed
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

  get costlyPush(): boolean {
    return false; // a push costs what its bytes cost: nothing to gather
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
    this.#own ??= new Uint8Array(this.#chunk); // allocated before anything changes (it may fail)
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
    if (this.#hop < this.#chunk) this.#own ??= new Uint8Array(this.#chunk); // only an overlap uses it here
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
      const done = this.#window!; // the window; once complete, the chunk
      const d = Math.min(chunk - this.#have, len);
      done.set(input.subarray(at, at + d), this.#have);
      this.#have += d;
      at += d;
      len -= d;
      if (this.#have < chunk) break;
      if (this.#external) {
        // Completed in place: the caller hands that memory out. It is never written again.
        this.#external = false;
        this.#window = this.#own;
      } else {
        out!.set(done, written);
        written += chunk;
      }
      this.#nextWindow();
      // The next window begins with the last `have` bytes of that chunk: in the input if this
      // burst brought that many, else moved to the front of our own window.
      if (this.#have <= at) {
        inInput = true;
      } else {
        const own = this.#ownWindow();
        if (done === own) own.copyWithin(0, chunk - this.#have, chunk);
        else own.set(done.subarray(chunk - this.#have, chunk));
      }
    }
    let adopted = false;
    if (inInput && this.#have + len > 0) {
      let window: Uint8Array;
      if (next) {
        window = this.#window = next;
        this.#external = adopted = true;
      } else {
        window = this.#ownWindow();
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
    this.#window = this.#own;
  }

  /** Points #window at our own buffer (allocated on first use) and returns it. */
  #ownWindow(): Uint8Array {
    this.#external = false;
    return (this.#window = this.#own ??= new Uint8Array(this.#chunk));
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
