// Node: the native core by default, the TypeScript core when the addon cannot load (said once)
// or when REFRAME_BACKEND=js. REFRAME_BACKEND=native where the addon cannot load fails here, at import.
import { Buffer } from 'node:buffer';
import { loadNative } from './native-engine.js';
import { createJsEngine } from './js-engine.js';
import { useRuntime } from './runtime.js';
import type { EngineFactory } from './engine.js';

// allocUnsafeSlow: never from Node's shared pool, so a chunk's ArrayBuffer holds reframe's bytes only.
const alloc = (bytes: number): Uint8Array => Buffer.allocUnsafeSlow(bytes);

const forced = process.env.REFRAME_BACKEND;
if (forced !== undefined && forced !== '' && forced !== 'js' && forced !== 'native') {
  throw new Error(`reframe: REFRAME_BACKEND must be 'js' or 'native'; got ${JSON.stringify(forced)}`);
}

if (forced === 'js') {
  useRuntime({ backend: 'js', createEngine: createJsEngine, alloc });
} else {
  let createNative: EngineFactory | undefined;
  try {
    createNative = loadNative();
  } catch (error) {
    if (forced === 'native') throw error;
    process.emitWarning(
      `${(error as Error).message} Running on the TypeScript core meanwhile.`,
      { code: 'REFRAME_JS_FALLBACK' },
    );
  }
  useRuntime(createNative
    ? { backend: 'native', createEngine: createNative, alloc }
    : { backend: 'js', createEngine: createJsEngine, alloc });
}
