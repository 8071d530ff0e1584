// Issue 11, case 4: worker.terminate() while the worker sits in a tight loop of Chunker calls
// never aborts the process. A C++ exception escaping an N-API callback during the teardown of a
// terminating worker used to abort it (exit 134, "terminate called after throwing an instance of
// 'Napi::Error'") within the first 2 to 25 terminations here. The workers run in a child process
// (test/children/worker-terminate.mjs), so an abort fails this test instead of the whole run.
import { describe, expect, it } from 'vitest';
import { CORES } from './support/cores.js';
import { scaled } from './support/util.js';
import { describeRun, ensureDist, runChild } from './support/child.js';

// Each termination costs a worker start (~50-150 ms). The native core is where it aborted; the
// TypeScript core runs fewer, as a twin.
const TERMINATIONS = { native: 40, js: 16 };

describe.each(CORES)('$backend core', (core) => {
  const count = TERMINATIONS[core.backend];

  it(`${count} workers terminated at random moments inside Chunker calls: the process lives on`, async () => {
    ensureDist();
    const run = await runChild('worker-terminate.mjs', [String(count), '2'], {
      env: { REFRAME_BACKEND: core.backend },
      timeout: scaled(25_000),
    });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toContain(`ok ${count} workers terminated`);
  }, scaled(30_000));
});
