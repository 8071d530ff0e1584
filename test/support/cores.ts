// Runs a suite on both cores (STYLE: every core has a twin). The faces read the runtime when a
// chunker is constructed, so swapping it around a describe block is enough.
import { afterAll, beforeAll } from 'vitest';
import { jsRuntime } from '../../src/core/node-runtime.js';
import { runtime, useRuntime, type Runtime } from '../../src/core/runtime.js';

const installed: Runtime = { ...runtime };

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
