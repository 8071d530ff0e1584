// The environment's say over the core (SPEC "Cores"), at import of the Node entry: a REFRAME_BACKEND
// that names no core ('Native', 'JS', 'wasm'), a REFRAME_ADDON that is not the absolute path of a
// .node file, and REFRAME_BACKEND=native where the addon cannot load are ERR_REFRAME_BACKEND errors.
// Regressions: REFRAME_BACKEND=Native threw an Error with no code, and REFRAME_ADDON=/etc/passwd (or
// any file) was require()d as JavaScript.
//
// Each case re-imports src/core/node-runtime.ts in a fresh module registry; every case here fails
// before the module installs a runtime, so nothing leaks into the rest of this file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadNative } from '../src/core/native-engine.js';

async function importRuntime(env: Record<string, string>): Promise<unknown> {
  vi.resetModules();
  vi.stubEnv('REFRAME_BACKEND', undefined as unknown as string);
  vi.stubEnv('REFRAME_ADDON', undefined as unknown as string);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  try {
    await import('../src/core/node-runtime.js');
    return undefined;
  } catch (error) {
    return error;
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
  delete (globalThis as { __reframeAddonRan?: boolean }).__reframeAddonRan;
});

describe('REFRAME_BACKEND', () => {
  it.each(['Native', 'JS', ' native', 'wasm', 'ts'])('%j is ERR_REFRAME_BACKEND at import', async (value) => {
    expect(await importRuntime({ REFRAME_BACKEND: value })).toMatchObject({ code: 'ERR_REFRAME_BACKEND' });
  });

  it('=native where the addon does not load: an AddonLoadError with its reason, coded', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'reframe-env-')), 'missing.node');
    const error = await importRuntime({ REFRAME_BACKEND: 'native', REFRAME_ADDON: missing });
    expect(error).toMatchObject({ name: 'AddonLoadError', reason: 'load-error', code: 'ERR_REFRAME_BACKEND' });
  });
});

describe('REFRAME_ADDON', () => {
  // A file that says so when it runs as JavaScript: require() runs any file that is not .node/.json.
  const dir = mkdtempSync(join(tmpdir(), 'reframe-env-'));
  const script = join(dir, 'payload.txt');
  writeFileSync(script, 'globalThis.__reframeAddonRan = true;\n');

  it.each([
    ['/etc/passwd', '/etc/passwd'],
    ['a script', script],
    ['a .js file', join(dir, 'addon.js')],
    ['a relative path to a .node file', 'build/Release/reframe.node'],
    ['a bare name', 'reframe.node'],
  ])('%s is refused with ERR_REFRAME_BACKEND, never loaded', async (_, path) => {
    for (const backend of ['', 'native']) {
      const error = await importRuntime({ REFRAME_ADDON: path, REFRAME_BACKEND: backend });
      expect(error, `REFRAME_BACKEND=${backend}`).toMatchObject({ code: 'ERR_REFRAME_BACKEND' });
      expect((globalThis as { __reframeAddonRan?: boolean }).__reframeAddonRan).toBeUndefined();
    }
  });
});

// On Deno, reframe reads no environment variable without --allow-env (it counts as unset), so the
// fallback warning's "set REFRAME_BACKEND=js" alone did nothing there: it names the flag too.
describe('the fallback warning on Deno', () => {
  const deno = (env: string) => ({
    permissions: { querySync: ({ name }: { name: string }) => ({ state: name === 'env' ? env : 'prompt' }) },
  });

  it('without --allow-env it says to grant REFRAME_BACKEND', () => {
    vi.stubGlobal('Deno', deno('prompt'));
    try {
      expect(() => loadNative()).toThrow(expect.objectContaining({ reason: 'deno-ffi', message: expect.stringContaining('--allow-env=REFRAME_BACKEND') }));
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('with REFRAME_BACKEND readable it does not ask for the flag', () => {
    vi.stubGlobal('Deno', deno('granted'));
    try {
      expect(() => loadNative()).toThrow(expect.objectContaining({ reason: 'deno-ffi', message: expect.not.stringContaining('--allow-env') }));
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
