// The native core (Node only): the C++ engine through native/binding.cc.
import { createRequire } from 'node:module';
import type { ResolvedOptions } from '../options.js';
import { TAIL_CODES, type Engine, type EngineFactory } from './engine.js';
import type { NativeMemory } from './native-memory.js';

interface NativeBinding {
  push(input: Uint8Array, out: Uint8Array | undefined, outOffset: number, outBytes: number): number;
  pushInPlace(input: Uint8Array, out: Uint8Array | undefined, next: Uint8Array): number;
  planFlush(): [number, number];
  flush(out: Uint8Array | undefined): number;
  reset(): void;
  readonly pending: number;
}
type NativeConstructor = new (
  sampleBytes: number, size: number, hop: number, tail: number, align: number, fill: Uint8Array,
) => NativeBinding;

/** What the addon gives: engines, and the memory their output lives in. */
export interface NativeAddon {
  readonly createEngine: EngineFactory;
  readonly memory: NativeMemory;
}

/** Where cmake-js puts the addon, relative to this file in src/core/ or dist/core/. */
export const ADDON_PATH = '../../build/Release/reframe.node';

/**
 * Loads the addon (REFRAME_ADDON, an absolute path, picks another build: the sanitized one of
 * `npm run test:asan`); throws an Error saying what to run when it is missing or cannot load.
 */
export function loadNative(path: string = ADDON_PATH): NativeAddon {
  let addon: NativeMemory & { NativeEngine: NativeConstructor };
  try {
    addon = createRequire(import.meta.url)(path) as typeof addon;
  } catch (cause) {
    throw new Error(
      'reframe: the native addon (build/Release/reframe.node) could not be loaded. Build it with ' +
        '`npm rebuild reframer` (it needs cmake and a C++17 compiler; npm 12 skips install scripts nobody ' +
        'approved: run `npm approve-scripts reframer` first), or run the TypeScript core with REFRAME_BACKEND=js.',
      { cause },
    );
  }
  const { NativeEngine } = addon;
  return { createEngine: (options: ResolvedOptions): Engine => new NativeCore(NativeEngine, options), memory: addon };
}

// JS side of the native core. The C++ engine keeps the framing state and decides what every push
// writes (it checks each output region against its own count). This wrapper only tracks the bytes
// received, so that `needed` costs no native call; should it ever disagree, the binding refuses the
// push with a coded error and nothing changes.
class NativeCore implements Engine {
  readonly #native: NativeBinding;
  readonly #chunk: number;
  readonly #hop: number;
  #received = 0; // bytes since the stream started; chunk k ends at byte k·hop + chunk
  #end: number; // where the next chunk ends (done·hop + chunk), so `needed` is one subtraction

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

  get costlyPush(): boolean {
    return true; // each push crosses into C++ (~100-150 ns whatever it carries)
  }

  push(input: Uint8Array, out: Uint8Array | undefined, outOffset: number, outBytes: number): number {
    const chunks = this.#native.push(input, out, outOffset, outBytes);
    this.#receive(input.byteLength); // the binding took all of `input`, or threw
    return chunks;
  }

  pushInPlace(input: Uint8Array, out: Uint8Array | undefined, next: Uint8Array): number {
    const answer = this.#native.pushInPlace(input, out, next);
    this.#receive(input.byteLength);
    return answer;
  }

  planFlush(): readonly [status: number, bytes: number] {
    return this.#native.planFlush();
  }

  flush(out: Uint8Array | undefined): number {
    const status = this.#native.flush(out);
    this.#received = 0;
    this.#end = this.#chunk;
    return status;
  }

  reset(): void {
    this.#native.reset();
    this.#received = 0;
    this.#end = this.#chunk;
  }
}
