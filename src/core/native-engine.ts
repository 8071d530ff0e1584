// The native core (Node, Bun, Deno with --allow-ffi): the C++ engine through native/binding.cc,
// loaded from a local build or from the prebuild shipped for this platform.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendError, type ReframeErrorCode } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { TAIL_CODES, type Engine, type EngineFactory } from './engine.js';
import type { NativeMemory } from './native-memory.js';
import { OWN_LARGE_BYTES } from '../memory.js';

interface NativeBinding {
  /** push() as a function of this engine's own: no unwrap per call, about 1 KiB (native/binding.cc). */
  fastPush(): NativeBinding['push'];
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

/** Why the addon did not load; the fallback warning names it with this runtime's own fix. */
export type AddonFailure =
  | 'no-prebuild' // no prebuild ships for this platform/arch/libc, and no local build
  | 'deno-ffi' // Deno without --allow-ffi (Deno loads no addon without it)
  | 'unresolved' // this module is not where the package put it (bundled): the addon file does not resolve
  | 'load-error'; // the file is there but the runtime could not load it (the cause says why)

/**
 * Thrown by loadNative: `reason` says which failure, `cause` (when there is one) the runtime's error.
 * Users meet it only with REFRAME_BACKEND=native (else it becomes the fallback warning), hence its code.
 */
export class AddonLoadError extends Error {
  readonly code: ReframeErrorCode = 'ERR_REFRAME_BACKEND';
  readonly reason: AddonFailure;
  constructor(reason: AddonFailure, message: string, options?: { cause?: unknown }) {
    super(`reframe: ${message}`, options);
    this.name = 'AddonLoadError';
    this.reason = reason;
  }
}

/** A local source build (cmake-js's output), relative to this file in src/core/ or dist/core/. */
export const LOCAL_BUILD = '../../build/Release/reframe.node';

/** The command that builds the addon from source inside an installed reframer. */
export const BUILD_COMMAND = 'npm explore reframer -- npm run build:native';

interface RuntimeGlobals {
  Deno?: { permissions?: { querySync?(descriptor: { name: string; path?: string; variable?: string }): { state: string } } };
}

/** A Deno permission's state ('granted', 'prompt', 'denied'); undefined off Deno or where it cannot be asked. */
function denoPermission(descriptor: { name: string; path?: string; variable?: string }): string | undefined {
  const deno = (globalThis as RuntimeGlobals).Deno;
  if (deno?.permissions?.querySync === undefined) return undefined;
  try {
    return deno.permissions.querySync(descriptor).state;
  } catch {
    return undefined;
  }
}

/**
 * How to choose the TypeScript core and silence the warning, on this runtime. Deno reads no
 * environment variable without --allow-env (reframe then treats REFRAME_BACKEND as unset), so there
 * the variable alone does nothing: it needs --allow-env=REFRAME_BACKEND too.
 */
function fallbackFix(): string {
  const deno = denoPermission({ name: 'env', variable: 'REFRAME_BACKEND' });
  if (deno !== undefined && deno !== 'granted') {
    return 'Or, to run the TypeScript core without this warning, set REFRAME_BACKEND=js and run with ' +
      '--allow-env=REFRAME_BACKEND (without it Deno hides every environment variable from reframe).';
  }
  return 'Or set REFRAME_BACKEND=js to run the TypeScript core without this warning.';
}

/**
 * REFRAME_ADDON must name a .node file by an absolute path: require() runs any other file as
 * JavaScript, and resolves a relative one against node_modules. Throws ERR_REFRAME_BACKEND.
 */
export function checkAddonPath(path: string): string {
  if (!isAbsolute(path) || extname(path) !== '.node') {
    throw backendError(`REFRAME_ADDON must be the absolute path of a reframer .node file (or unset); got ${JSON.stringify(path)}`);
  }
  return path;
}

/** The libc of this Linux, most likely first: the prebuilds are per libc (glibc, musl). */
function linuxLibcs(): ('glibc' | 'musl')[] {
  try {
    // Like detect-libc: ldd is a script naming its libc; reading it is cheaper than process.report.
    const ldd = readFileSync('/usr/bin/ldd', 'latin1');
    if (ldd.includes('musl')) return ['musl'];
    if (ldd.includes('GNU C Library') || ldd.includes('GLIBC')) return ['glibc'];
  } catch {
    // no ldd, or (Deno) no read permission for it: ask the runtime
  }
  try {
    const header = (process.report?.getReport?.() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    if (header !== undefined) return header.glibcVersionRuntime ? ['glibc'] : ['musl'];
  } catch {
    // Bun and Deno may lack process.report or parts of it
  }
  return ['glibc', 'musl'];
}

/** This platform's prebuild names, relative to the package root: prebuilds/<platform>-<arch>/reframer[.<libc>].node. */
export function prebuildNames(platform: string = process.platform, arch: string = process.arch): string[] {
  const dir = `prebuilds/${platform}-${arch}`;
  if (platform !== 'linux') return [`${dir}/reframer.node`];
  return linuxLibcs().map((libc) => `${dir}/reframer.${libc}.node`);
}

/** `linux-x64-glibc`: the platform the prebuilds would need to cover. */
function platformName(): string {
  const libc = process.platform === 'linux' ? `-${linuxLibcs().join('/')}` : '';
  return `${process.platform}-${process.arch}${libc}`;
}

const exists = (url: URL): boolean => {
  try {
    return existsSync(fileURLToPath(url));
  } catch {
    return false;
  }
};

/**
 * The addon file to load: `path` if given (REFRAME_ADDON, an absolute path: `npm run test:asan`'s
 * sanitized build), else a local source build (build/Release/reframe.node) when there is one, else
 * the prebuild for this platform, arch and libc. Throws an AddonLoadError when none resolves.
 */
function resolveAddon(path: string | undefined): string {
  if (path !== undefined) return path;
  const here = typeof import.meta.url === 'string' ? import.meta.url : undefined;
  // In its package this file sits two levels below package.json; a bundler moves it away from both.
  const root = here === undefined ? undefined : new URL('../../', here);
  if (root === undefined || !isReframerRoot(root)) {
    throw new AddonLoadError(
      'unresolved',
      'the native addon does not resolve: reframer was bundled, so its addon file is not beside its code. ' +
        'Keep reframer external to the bundle (esbuild --external:reframer, and ship node_modules/reframer), ' +
        `or set REFRAME_ADDON to the absolute path of a reframer .node file. ${fallbackFix()}`,
    );
  }
  const local = new URL(LOCAL_BUILD, here);
  if (exists(local)) return fileURLToPath(local);
  for (const name of prebuildNames()) {
    const prebuild = new URL(name, root);
    if (exists(prebuild)) return fileURLToPath(prebuild);
  }
  throw new AddonLoadError(
    'no-prebuild',
    `no prebuilt native addon ships for ${platformName()}. Build one from source with ` +
      `\`${BUILD_COMMAND}\` (needs cmake and a C++17 compiler). ${fallbackFix()}`,
  );
}

function isReframerRoot(root: URL): boolean {
  try {
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('package.json', root)), 'utf8')) as { name?: unknown };
    return manifest.name === 'reframer';
  } catch {
    return false;
  }
}

/**
 * Deno loads an addon only with --allow-ffi, and the loader looks for it with file reads
 * (--allow-read): without them the cause is the missing flags, whatever else is true.
 */
function denoPermissions(path: string | undefined): void {
  if ((globalThis as RuntimeGlobals).Deno?.permissions?.querySync === undefined) return;
  const here = typeof import.meta.url === 'string' && import.meta.url.startsWith('file:') ? fileURLToPath(new URL('../../', import.meta.url)) : undefined;
  const missing = [
    denoPermission({ name: 'ffi' }) === 'granted' ? undefined : '--allow-ffi',
    path !== undefined || here === undefined || denoPermission({ name: 'read', path: here }) === 'granted' ? undefined : '--allow-read',
  ].filter((flag) => flag !== undefined);
  if (missing.length > 0) {
    throw new AddonLoadError(
      'deno-ffi',
      `Deno loads native addons only with --allow-ffi (and reframer finds its addon with --allow-read): run with ${missing.join(' ')}. ${fallbackFix()}`,
    );
  }
}

/**
 * Loads the addon (see resolveAddon for where from), under Node, Bun or Deno (with --allow-ffi).
 * Throws an AddonLoadError whose `reason` says why it could not, and whose message says what to do.
 */
export function loadNative(path?: string): NativeAddon {
  if (path !== undefined) checkAddonPath(path);
  denoPermissions(path);
  const file = resolveAddon(path);
  let addon: NativeMemory & { NativeEngine: NativeConstructor };
  try {
    addon = createRequire(typeof import.meta.url === 'string' ? import.meta.url : file)(file) as typeof addon;
  } catch (cause) {
    // Node's message goes on with the require stack: its first line says what failed.
    const why = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0];
    const fix = path !== undefined
      ? 'REFRAME_ADDON names it: point it at a reframer .node file built for this platform, or unset it.'
      : `Rebuild it from source with \`${BUILD_COMMAND}\` (needs cmake and a C++17 compiler).`;
    throw new AddonLoadError('load-error', `the native addon ${file} could not be loaded: ${why}. ${fix} ${fallbackFix()}`, { cause });
  }
  const { NativeEngine } = addon;
  return { createEngine: (options: ResolvedOptions): Engine => new NativeCore(NativeEngine, options), memory: addon };
}

/** Pushes after which an engine takes a push function of its own (a busy stream; a quiet one never does). */
const FAST_PUSH_AFTER = 32;

/**
 * Each push crosses into C++ (~100-150 ns whatever it carries), so a burst of at most
 * GATHER_BURST_BYTES that completes no chunk is gathered here (up to GATHER_BYTES) and reaches the
 * engine with the burst that completes one: one crossing per chunk instead of one per burst when
 * bursts are much smaller than chunks. A chunk is still handed out by the very burst that completes
 * it. (Not for copy-once chunk sizes: their windows live in the chunk's own memory.)
 */
const GATHER_BURST_BYTES = 512;
const GATHER_BYTES = 16 * 1024;

// Copies src[0, len) to dst[at, ...): a loop for a few bytes (subarray() + set() cost about 60-100 ns
// a call), set() for more.
function gatherBytes(dst: Uint8Array, at: number, src: Uint8Array, len: number): void {
  if (len <= 32) {
    for (let i = 0; i < len; i++) dst[at + i] = src[i]!;
  } else {
    dst.set(src, at);
  }
}

// JS side of the native core. The C++ engine keeps the framing state and decides what every push
// writes (it checks each output region against its own count). This wrapper only tracks the bytes
// received, so that `needed` costs no native call; should it ever disagree, the binding refuses the
// push with a coded error and nothing changes.
class NativeCore implements Engine {
  readonly #native: NativeBinding;
  #push: NativeBinding['push'] | undefined; // fastPush()'s, once busy
  #pushes = 0;
  // Small bursts gathered for the engine (see GATHER_BURST_BYTES): [0, #gathered) of #gather,
  // received (counted in #received) but not yet pushed; made on first use, as small as what waits.
  readonly #gathers: boolean;
  #gather: Uint8Array | undefined;
  #gathered = 0;
  readonly #chunk: number;
  readonly #hop: number;
  #received = 0; // bytes since the stream started; chunk k ends at byte k·hop + chunk
  #end: number; // where the next chunk ends (done·hop + chunk), so `needed` is one subtraction

  constructor(NativeEngine: NativeConstructor, o: ResolvedOptions) {
    this.#native = new NativeEngine(o.sampleBytes, o.size, o.hop, TAIL_CODES[o.tail], o.align, o.fillBytes);
    this.#chunk = o.chunkBytes;
    this.#hop = o.hopBytes;
    this.#end = o.chunkBytes;
    this.#gathers = o.chunkBytes < OWN_LARGE_BYTES;
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
    this.#pushGathered(true);
    return this.#native.pending;
  }

  push(input: Uint8Array, out: Uint8Array | undefined, outOffset: number, outBytes: number): number {
    const len = input.byteLength;
    const gathered = this.#gathered;
    if (this.#gathers && (outBytes === 0 || gathered > 0) && len <= GATHER_BURST_BYTES && gathered + len <= GATHER_BYTES) {
      // Gathered: a small burst that completes nothing waits here; one that completes chunks takes
      // what waits along, in one crossing.
      const gather = this.#gatherRoom(gathered + len);
      gatherBytes(gather, gathered, input, len);
      if (outBytes === 0) {
        this.#gathered = gathered + len;
        this.#receive(len);
        return 0;
      }
      // Should the crossing throw, what was gathered still waits, unchanged.
      const chunks = this.#call(gather.subarray(0, gathered + len), out, outOffset, outBytes);
      this.#gathered = 0;
      this.#receive(len);
      return chunks;
    }
    this.#pushGathered();
    const chunks = this.#call(input, out, outOffset, outBytes);
    this.#receive(len); // the binding took all of `input`, or threw
    return chunks;
  }

  // One crossing: the prototype's push, or this engine's own once it is busy.
  #call(input: Uint8Array, out: Uint8Array | undefined, outOffset: number, outBytes: number): number {
    const push = this.#push;
    if (push !== undefined) return push(input, out, outOffset, outBytes);
    const chunks = this.#native.push(input, out, outOffset, outBytes);
    if (++this.#pushes === FAST_PUSH_AFTER) this.#push = this.#native.fastPush();
    return chunks;
  }

  // The gather buffer with room for `bytes`: about twice what waits (a quiet stream holds little),
  // at most GATHER_BYTES.
  #gatherRoom(bytes: number): Uint8Array {
    const gather = this.#gather;
    if (gather !== undefined && gather.byteLength >= bytes) return gather;
    const grown = new Uint8Array(Math.min(2 * bytes + 64, GATHER_BYTES));
    if (gather !== undefined && this.#gathered > 0) grown.set(gather.subarray(0, this.#gathered));
    return (this.#gather = grown);
  }

  // Hands what was gathered (already received; it completes no chunk) to the engine; `drop` also
  // lets go of the gather buffer (pending read, the stream ends or restarts: no burst is arriving).
  #pushGathered(drop = false): void {
    const gathered = this.#gathered;
    if (gathered > 0) {
      this.#call(this.#gather!.subarray(0, gathered), undefined, 0, 0);
      this.#gathered = 0;
    }
    if (drop) this.#gather = undefined;
  }

  pushInPlace(input: Uint8Array, out: Uint8Array | undefined, next: Uint8Array): number {
    const answer = this.#native.pushInPlace(input, out, next);
    this.#receive(input.byteLength);
    return answer;
  }

  planFlush(): readonly [status: number, bytes: number] {
    this.#pushGathered(true);
    return this.#native.planFlush();
  }

  flush(out: Uint8Array | undefined): number {
    this.#pushGathered(true);
    const status = this.#native.flush(out);
    this.#received = 0;
    this.#end = this.#chunk;
    return status;
  }

  reset(): void {
    this.#native.reset();
    this.#gathered = 0;
    this.#gather = undefined;
    this.#received = 0;
    this.#end = this.#chunk;
  }
}
