// Node: the native core by default, the TypeScript core when the addon cannot load (said once)
// or when REFRAME_BACKEND=js. REFRAME_BACKEND=native where the addon cannot load fails here, at import.
import { Buffer } from 'node:buffer';
import { markAsUntransferable } from 'node:worker_threads';
import { loadNative } from './native-engine.js';
import { createJsEngine } from './js-engine.js';
import { useRuntime, type Runtime } from './runtime.js';
import type { EngineFactory } from './engine.js';

// Node's own memory. allocUnsafeSlow: never from Node's shared pool, so a chunk's ArrayBuffer holds
// reframe's bytes only.
const memory = {
  alloc: (bytes: number): Uint8Array => Buffer.allocUnsafeSlow(bytes),
  allocZeroed: (bytes: number): Uint8Array => new Uint8Array(bytes),
  untransferable: (buffer: ArrayBufferLike): void => markAsUntransferable(buffer),
};

/** The TypeScript core on Node. */
export const jsRuntime: Runtime = { backend: 'js', createEngine: createJsEngine, ...memory };

const forced = process.env.REFRAME_BACKEND;
if (forced !== undefined && forced !== '' && forced !== 'js' && forced !== 'native') {
  throw new Error(`reframe: REFRAME_BACKEND must be 'js' or 'native'; got ${JSON.stringify(forced)}`);
}
// REFRAME_ADDON: an absolute path to another build of the addon (`npm run test:asan`'s sanitized one).
const addonPath = process.env.REFRAME_ADDON;

let createNative: EngineFactory | undefined;
if (forced !== 'js') {
  try {
    createNative = loadNative(addonPath === undefined || addonPath === '' ? undefined : addonPath);
  } catch (error) {
    if (forced === 'native') throw error;
    process.emitWarning(
      `${(error as Error).message} Running on the TypeScript core meanwhile.`,
      { code: 'REFRAME_JS_FALLBACK' },
    );
  }
}

useRuntime(createNative ? { ...jsRuntime, backend: 'native', createEngine: createNative } : jsRuntime);
