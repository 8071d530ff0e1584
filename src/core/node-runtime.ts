// Node: the native core by default, the TypeScript core when the addon cannot load (said once)
// or when REFRAME_BACKEND=js. REFRAME_BACKEND=native where the addon cannot load fails here, at import.
import { markAsUntransferable } from 'node:worker_threads';
import { loadNative, type NativeAddon } from './native-engine.js';
import { jsAllocator, nativeAllocator } from './native-memory.js';
import { createJsEngine } from './js-engine.js';
import { useRuntime, type Runtime } from './runtime.js';

const untransferable = (buffer: ArrayBufferLike): void => markAsUntransferable(buffer);

/** The TypeScript core on Node: Node's allocator. */
export const jsRuntime: Runtime = { backend: 'js', createEngine: createJsEngine, ...jsAllocator, untransferable };

const forced = process.env.REFRAME_BACKEND;
if (forced !== undefined && forced !== '' && forced !== 'js' && forced !== 'native') {
  throw new Error(`reframe: REFRAME_BACKEND must be 'js' or 'native'; got ${JSON.stringify(forced)}`);
}
// REFRAME_ADDON: an absolute path to another build of the addon (`npm run test:asan`'s sanitized one).
const addonPath = process.env.REFRAME_ADDON;

let addon: NativeAddon | undefined;
if (forced !== 'js') {
  try {
    addon = loadNative(addonPath === undefined || addonPath === '' ? undefined : addonPath);
  } catch (error) {
    if (forced === 'native') throw error;
    process.emitWarning(
      `${(error as Error).message} Running on the TypeScript core meanwhile.`,
      { code: 'REFRAME_JS_FALLBACK' },
    );
  }
}

/** The native core, its output in the addon's memory; undefined where the addon did not load. */
export const nativeRuntime: Runtime | undefined = addon && {
  backend: 'native', createEngine: addon.createEngine, ...nativeAllocator(addon.memory), untransferable,
};
/** The addon's memory (tests: statistics, the forced fallback). */
export const nativeMemory = addon?.memory;

useRuntime(forced === 'js' || nativeRuntime === undefined ? jsRuntime : nativeRuntime);
