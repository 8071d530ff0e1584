// Issue 11, case 3: a length-tracking view of a growable SharedArrayBuffer that another thread
// grows while the view is written is framed at the length it had when accepted: no uncoded error,
// every chunk made of bytes the buffer held, no chunk changing later. Its length used to be read
// at several moments (JS sized the output from one, the engine copied another): thousands of
// uncoded "reframe internal error"s, bytes never in the input inside chunks, and under ASan a
// write into freed memory. Runs in a child process (test/children/growable-sab.mjs, which holds
// the checks) so a crash fails these tests, not the run; one child per core runs every face.
import { beforeAll, describe, expect, it } from 'vitest';
import { CORES } from './support/cores.js';
import { scaled } from './support/util.js';
import { describeRun, ensureDist, runChild, type ChildRun } from './support/child.js';

const FACES = ['chunker', 'node', 'web-platform', 'web-polyfill', 'chunks'];
const NAMES: Record<string, string> = {
  chunker: 'Chunker', node: 'Node face', 'web-platform': 'WHATWG face (platform)',
  'web-polyfill': 'WHATWG face (polyfill)', chunks: 'chunks()',
};
const BOUND = scaled(15_000);

describe.each(CORES)('$backend core', (core) => {
  let child: Promise<ChildRun>;
  beforeAll(() => {
    ensureDist();
    child = runChild('growable-sab.mjs', FACES, { env: { REFRAME_BACKEND: core.backend }, timeout: BOUND });
  });

  it.each(FACES)('%s: views of a buffer another thread grows are framed as they were when accepted', async (face) => {
    const run = await child;
    const lines = run.stdout.split('\n');
    const result = lines.find((line) => line.startsWith(`${face} `) && !line.endsWith(' start'));
    const started = lines.includes(`${face} start`);
    const why = result ?? (started ? 'the child hung or crashed in this face' : 'an earlier face stopped the child');
    expect(result, `${NAMES[face]}: ${why}; ${describeRun(run)}`).toMatch(new RegExp(`^${face} ok `));
  }, BOUND + 5000);

  it('the child process exits cleanly', async () => {
    const run = await child;
    expect(run.code, describeRun(run)).toBe(0);
  }, BOUND + 5000);
});
