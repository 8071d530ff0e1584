// Node: the native core by default, the TypeScript core when the addon cannot load (said once)
// or when REFRAME_BACKEND=js. REFRAME_BACKEND=native where the addon cannot load, a REFRAME_BACKEND
// that names no core and a REFRAME_ADDON that is not a .node file fail here, at import
// (ERR_REFRAME_BACKEND).
import { markAsUntransferable } from 'node:worker_threads';
import { backendError, closest } from '../errors.js';
import { checkAddonPath, loadNative, type NativeAddon } from './native-engine.js';
import { jsAllocator, nativeAllocator } from './native-memory.js';
import { createJsEngine } from './js-engine.js';
import { useRuntime, type Runtime } from './runtime.js';

const mark = (buffer: ArrayBufferLike): void => markAsUntransferable(buffer);

/** The TypeScript core on Node: Node's allocator. */
export const jsRuntime: Runtime = { backend: 'js', createEngine: createJsEngine, ...jsAllocator, untransferable: mark };

/**
 * True where marking a buffer untransferable also makes it non-detachable (V8's detach key: Node
 * 26). There Node's exit-time cleanup cannot detach a marked external buffer and aborts the process
 * (FATAL v8::FromJust in Environment::RunCleanup), so the addon's buffers are not marked.
 */
function markingBlocksDetach(): boolean {
  const probe = new ArrayBuffer(1);
  markAsUntransferable(probe);
  const transfer = (probe as { transfer?: () => ArrayBuffer }).transfer;
  if (typeof transfer !== 'function') return false;
  try {
    transfer.call(probe);
    return false;
  } catch {
    return true;
  }
}

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

function nativeRuntimeOf(native: NativeAddon): Runtime {
  const allocator = nativeAllocator(native.memory);
  if (!markingBlocksDetach()) return { backend: 'native', createEngine: native.createEngine, ...allocator, untransferable: mark };
  // Node 26: the addon's buffers are remembered so that only the others are marked. A transfer of
  // one of them by postMessage then detaches it; its siblings still to be handed out give a coded
  // error (as on runtimes that cannot mark), and its slab comes back only once the receiver drops it.
  const external = new WeakSet<ArrayBufferLike>();
  const remember = (memory: Uint8Array): Uint8Array => {
    external.add(memory.buffer);
    return memory;
  };
  return {
    backend: 'native',
    createEngine: native.createEngine,
    alloc: (bytes) => remember(allocator.alloc(bytes)),
    allocZeroed: (bytes) => remember(allocator.allocZeroed(bytes)),
    turnDue: allocator.turnDue,
    untransferable: (buffer) => {
      if (!external.has(buffer)) mark(buffer);
    },
  };
}

/** The native core, its output in the addon's memory; undefined where the addon did not load. */
export const nativeRuntime: Runtime | undefined = addon && nativeRuntimeOf(addon);
/** The addon's memory (tests: statistics, the forced fallback); undefined where it did not load. */
export const nativeMemory = addon?.memory;

useRuntime(forced === 'js' || nativeRuntime === undefined ? jsRuntime : nativeRuntime);
