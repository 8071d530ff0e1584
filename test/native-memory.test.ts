// Issue 12: the native core's output memory (native/memory.h behind src/core/native-memory.ts).
// Each case runs in a child process with --expose-gc (test/children/native-memory.mjs holds the
// checks and says what each one does), so collections can be forced and a crash fails a test, not
// the run. Only where the addon loads: the TypeScript core has no memory of its own.
import { beforeAll, describe, expect, it } from 'vitest';
import { CORES } from './support/cores.js';
import { scaled } from './support/util.js';
import { describeRun, ensureDist, runChild, type ChildRun } from './support/child.js';

const CASES: Record<string, string> = {
  pin: 'a kept chunk and its buffer stay unchanged through millions of later chunks while memory is recycled around them',
  secret: "one chunker's bytes never show in another's chunks or buffers once its memory is recycled",
  'no-yield': 'a loop that never yields stays within the outstanding bound, the free slabs within theirs, and an idle process releases every block',
  'keep-freed': 'while output flows, glibc keeps what is freed for the next chunks; a second after it stops, its defaults are back and the memory is returned',
  'quiet-engines': 'a quiet native engine costs under 1,250 bytes (no push function of its own until it has pushed 32 times)',
  fallback: 'where external buffers are refused (forced), output is JavaScript memory and right',
  workers: 'worker threads with several chunkers each: every chunk right; a worker takes no slab, the main thread does where it recycles',
};
const BOUND = scaled(60_000);
const native = CORES.some((core) => core.backend === 'native');

describe.runIf(native)('native output memory', () => {
  const runs = new Map<string, Promise<ChildRun>>();
  beforeAll(() => {
    ensureDist();
    // One child per case, so they run side by side and one crash names its case.
    for (const name of Object.keys(CASES)) {
      runs.set(name, runChild('native-memory.mjs', [name], {
        env: { REFRAME_BACKEND: 'native' }, timeout: BOUND, nodeArgs: ['--expose-gc'],
      }));
    }
  });

  it.each(Object.entries(CASES))('%s: %s', async (name) => {
    const run = await runs.get(name)!;
    const line = run.stdout.split('\n').find((l) => l.startsWith(`${name} `) && !l.endsWith(' start'));
    expect(line, `${name}: ${line ?? 'no result line'}; ${describeRun(run)}`).toMatch(new RegExp(`^${name} ok `));
    expect(run.code, describeRun(run)).toBe(0);
  }, BOUND + 5000);
});
