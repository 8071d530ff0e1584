// Node: the native core by default, the TypeScript core when the addon cannot load (said once)
// or when REFRAME_BACKEND=js. REFRAME_BACKEND=native where the addon cannot load, a REFRAME_BACKEND
// that names no core and a REFRAME_ADDON that is not a .node file fail here, at import
// (ERR_REFRAME_BACKEND).
import { isMainThread, markAsUntransferable } from 'node:worker_threads';
import { backendError, closest } from '../errors.js';
import { checkAddonPath, loadNative, type NativeAddon } from './native-engine.js';
import { jsAlloc, nativeRecycler, outputWatch, trimAfterWorkers } from './native-memory.js';
import { createJsEngine } from './js-engine.js';
import { useRuntime, type Runtime } from './runtime.js';

// A fresh buffer, marked untransferable.
function marked(): ArrayBuffer {
  const probe = new ArrayBuffer(8);
  markAsUntransferable(probe);
  return probe;
}

// True when `move` leaves a marked buffer whole (it throws, copies, or does not exist here).
function stays(move: (buffer: ArrayBuffer) => void): boolean {
  const probe = marked();
  try {
    move(probe);
  } catch {
    return probe.byteLength === 8;
  }
  return probe.byteLength === 8;
}

/**
 * True where marking a buffer untransferable stops every way a consumer could move it: transfer(),
 * a transfer list (structuredClone here; postMessage is the same serializer), and a byte stream's
 * enqueue. Measured at load (Node 20: enqueue moves it; 22 and 24 and Bun: transfer() and enqueue
 * move it; Node 26 and Deno: every move throws). Only there may chunks share a buffer.
 */
function pinningHolds(): boolean {
  const transfer = (ArrayBuffer.prototype as { transfer?: (this: ArrayBuffer) => ArrayBuffer }).transfer;
  if (typeof transfer === 'function' && !stays((buffer) => transfer.call(buffer))) return false;
  if (!stays((buffer) => structuredClone(buffer, { transfer: [buffer] }))) return false;
  if (typeof ReadableStream !== 'function') return true;
  return stays((buffer) => {
    // start() runs synchronously in the constructor; a throw from enqueue() propagates out of it.
    new ReadableStream({ type: 'bytes', start: (controller) => controller.enqueue(new Uint8Array(buffer)) });
  });
}

/**
 * True where marking a buffer untransferable also makes it non-detachable (V8's detach key: Node
 * 26). There a user's mark on an external buffer makes Node abort at exit (FATAL v8::FromJust in
 * Environment::RunCleanup, which detaches every external buffer still alive), so none is handed out.
 */
function markingBlocksDetach(): boolean {
  const transfer = (ArrayBuffer.prototype as { transfer?: (this: ArrayBuffer) => ArrayBuffer }).transfer;
  if (typeof transfer !== 'function') return false;
  const probe = marked();
  try {
    transfer.call(probe);
    return false;
  } catch {
    return true;
  }
}

const pin = pinningHolds() ? (buffer: ArrayBufferLike): void => markAsUntransferable(buffer) : undefined;

/** The TypeScript core on Node: Node's memory. */
export const jsRuntime: Runtime = { backend: 'js', createEngine: createJsEngine, alloc: jsAlloc, pin };

/**
 * An environment variable; undefined where it is unset or unreadable. Deno without `--allow-env`
 * throws NotCapable on any read: the package must still import there (on the TypeScript core, as the
 * addon cannot load without `--allow-ffi` either), so an unreadable variable counts as unset.
 */
function env(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    return undefined;
  }
}

const BACKENDS = ['js', 'native'] as const;
const forced = env('REFRAME_BACKEND');
if (forced !== undefined && forced !== '' && forced !== 'js' && forced !== 'native') {
  const near = closest(forced.trim(), BACKENDS);
  throw backendError(`REFRAME_BACKEND must be 'js' or 'native' (or unset); got ${JSON.stringify(forced)}` +
    (near === undefined ? '' : ` (did you mean '${near}'?)`));
}

let addon: NativeAddon | undefined;
if (forced !== 'js') {
  // REFRAME_ADDON: an absolute path to another build of the addon (`npm run test:asan`'s sanitized
  // one). Read only when an addon is to be loaded; a path that is not a .node file is refused here,
  // coded, rather than handed to require() (which runs any other file as JavaScript).
  const addonPath = env('REFRAME_ADDON');
  const path = addonPath === undefined || addonPath === '' ? undefined : checkAddonPath(addonPath);
  try {
    addon = loadNative(path);
  } catch (error) {
    if (forced === 'native') throw error; // an AddonLoadError, coded ERR_REFRAME_BACKEND
    // One warning, its message naming the cause and this runtime's fix; `reason` (an AddonFailure)
    // and `cause` let a 'warning' listener tell the causes apart without reading the message.
    const load = error as Error & { reason?: string };
    const warning = Object.assign(new Error(`${load.message} Running on the TypeScript core meanwhile.`, { cause: load.cause }), {
      name: 'Warning',
      code: 'REFRAME_JS_FALLBACK',
      reason: load.reason ?? 'load-error',
    });
    process.emitWarning(warning);
  }
}

/**
 * The native core. Its large chunks live in the addon's recycled memory only where no finalizer,
 * thread exit or addon unload can take memory a live ArrayBuffer still uses: on the main thread
 * (Node runs the finalizers of a worker's external buffers when the worker ends, even for buffers
 * moved to another thread, and unloads the addon when its last worker ends; the main thread ends
 * with the process) and where a user's mark cannot make Node abort at exit. Elsewhere Node's memory.
 */
function nativeRuntimeOf(native: NativeAddon): Runtime {
  // Node only: Bun and Deno run this file too, and their allocators and workers' teardown are theirs.
  const node = (process.versions as { bun?: string; deno?: string }).bun === undefined &&
    (process.versions as { deno?: string }).deno === undefined;
  const base = {
    backend: 'native', createEngine: native.createEngine, alloc: jsAlloc, pin,
    busy: node ? outputWatch(native.memory) : undefined,
  } as const;
  if (isMainThread && node) trimAfterWorkers(native.memory);
  if (!isMainThread || markingBlocksDetach()) return base;
  return { ...base, ...nativeRecycler(native.memory) };
}

/** The native core, its output in the addon's memory; undefined where the addon did not load. */
export const nativeRuntime: Runtime | undefined = addon && nativeRuntimeOf(addon);
/**
 * True where the native core recycles large chunks in the addon's slabs (the main thread, where a
 * user's mark cannot abort Node: see nativeRuntimeOf); tests read it.
 */
export const nativeRecycles = nativeRuntime?.allocChunk !== undefined;
/** The addon's memory (tests: statistics, the forced fallback); undefined where it did not load. */
export const nativeMemory = addon?.memory;

useRuntime(forced === 'js' || nativeRuntime === undefined ? jsRuntime : nativeRuntime);
