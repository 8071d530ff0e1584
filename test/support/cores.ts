// Runs a suite on both cores (STYLE: every core has a twin). The faces read the runtime when a
// chunker is constructed, so swapping it around a describe block is enough.
import { afterAll, beforeAll } from 'vitest';
import { jsRuntime } from '../../src/core/node-runtime.js';
import { runtime, useRuntime, type Runtime } from '../../src/core/runtime.js';

const installed: Runtime = { ...runtime };

// A file run on its own must not drop the native twin silently: the addon not loading fails every
// file that runs on both cores, unless REFRAME_BACKEND=js asks for the TypeScript core on purpose.
if (installed.backend !== 'native' && process.env.REFRAME_BACKEND !== 'js') {
  throw new Error(
    `the native core did not load (this process runs the ${installed.backend} core), so this file would run on one core ` +
      'instead of both: build the addon (npm run build:native), or set REFRAME_BACKEND=js to test the TypeScript core alone on purpose',
  );
}

/**
 * The cores this process can run: the native one (when the addon loads; its output in the addon's
 * memory) and the TypeScript one (Node's memory).
 */
export const CORES: readonly Runtime[] = installed.backend === 'native' ? [installed, jsRuntime] : [installed];

/** Call inside a describe block: its tests run on `core`. */
export function useCore(core: Runtime): void {
  beforeAll(() => useRuntime(core));
  afterAll(() => useRuntime(installed));
}
