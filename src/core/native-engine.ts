// The native core (Node only): the C++ engine through native/binding.cc.
import { createRequire } from 'node:module';
import type { ResolvedOptions } from '../options.js';
import { TAIL_CODES, type Engine, type EngineFactory } from './engine.js';

interface NativeBinding {
  push(input: Uint8Array, out: Uint8Array | undefined, outOffset: number, next?: Uint8Array): boolean | undefined;
  planFlush(): [number, number];
  flush(out: Uint8Array | undefined): number;
  reset(): void;
  readonly pending: number;
}
type NativeConstructor = new (
  sampleBytes: number, size: number, hop: number, tail: number, align: number, fill: Uint8Array,
) => NativeBinding;

/** Where cmake-js puts the addon, relative to this file in src/core/ or dist/core/. */
export const ADDON_PATH = '../../build/Release/reframe.node';

/** Loads the addon; throws an Error saying what to run when it is missing or cannot load. */
export function loadNative(): EngineFactory {
  let NativeEngine: NativeConstructor;
  try {
    ({ NativeEngine } = createRequire(import.meta.url)(ADDON_PATH) as { NativeEngine: NativeConstructor });
  } catch (cause) {
    throw new Error(
      'reframe: the native addon (build/Release/reframe.node) could not be loaded. Build it with ' +
        '`npm rebuild reframe` (it needs cmake and a C++17 compiler; npm 12 skips install scripts nobody ' +
        'approved: run `npm approve-scripts reframe` first), or run the TypeScript core with REFRAME_BACKEND=js.',
      { cause },
    );
  }
  return (options: ResolvedOptions): Engine => new NativeCore(NativeEngine, options);
}

// JS side of the native core. The C++ engine keeps the framing state; this wrapper mirrors only
// the bytes received (`#received`) and whether the window is in adopted memory (`#inPlace`), so
// that sizing a burst's output costs no second native call.
class NativeCore implements Engine {
  readonly #native: NativeBinding;
  readonly #chunk: number;
  readonly #hop: number;
  #received = 0; // bytes since the stream started; chunk k ends at byte k·hop + chunk
  #end: number; // where the next chunk ends (done·hop + chunk), so `needed` is one subtraction
  #inPlace = false; // Engine::window_in_place()

  constructor(NativeEngine: NativeConstructor, o: ResolvedOptions) {
    this.#native = new NativeEngine(o.sampleBytes, o.size, o.hop, TAIL_CODES[o.tail], o.align, o.fillBytes);
    this.#chunk = o.chunkBytes;
    this.#hop = o.hopBytes;
    this.#end = o.chunkBytes;
  }

  get needed(): number {
    return this.#end - this.#received;
  }

  // Counts `bytes` more received, moving #end past every chunk they complete.
  #receive(bytes: number): void {
    const received = (this.#received += bytes);
    const end = this.#end;
    if (received >= end) this.#end = end + (Math.floor((received - end) / this.#hop) + 1) * this.#hop;
  }

  get pending(): number {
    return this.#native.pending;
  }

  get windowInPlace(): boolean {
    return this.#inPlace;
  }

  get costlyPush(): boolean {
    return true; // each push crosses into C++ (~100-150 ns whatever it carries)
  }

  push(input: Uint8Array, out: Uint8Array | undefined, outOffset = 0, next?: Uint8Array): boolean {
    if (next === undefined) {
      // Completing a chunk ends an in-place window; nothing is adopted without `next`.
      if (this.#inPlace && input.byteLength >= this.#end - this.#received) this.#inPlace = false;
      this.#native.push(input, out, outOffset);
      this.#receive(input.byteLength);
      return false;
    }
    const completes = input.byteLength >= this.#end - this.#received;
    const adopted = this.#native.push(input, out, outOffset, next) === true;
    this.#receive(input.byteLength);
    this.#inPlace = adopted || (this.#inPlace && !completes);
    return adopted;
  }

  planFlush(): readonly [status: number, bytes: number] {
    return this.#native.planFlush();
  }

  flush(out: Uint8Array | undefined): number {
    this.#received = 0;
    this.#end = this.#chunk;
    this.#inPlace = false;
    return this.#native.flush(out);
  }

  reset(): void {
    this.#received = 0;
    this.#end = this.#chunk;
    this.#inPlace = false;
    this.#native.reset();
  }
}
