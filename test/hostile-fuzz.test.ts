// The hostile-input fuzzer (issue 11), a fixed set of seeds on every face and both cores: bursts that
// lie about their memory (subclass getters, Proxies, wrong element types) and buffers resized,
// grown or detached between and during writes, each scenario held to SPEC.md by the oracle in
// test/support/hostile.mjs (shared with scripts/hostile-fuzz.mjs, which runs it for a time budget
// against dist/, also under AddressSanitizer). "The oracle" checks the checker: it finds nothing on
// faces that keep the contract by construction (test/support/hostile-model.mjs), and finds a flipped bit.
//
// Lies here stay finite (`extreme: false`): a lie of 1e9 or NaN bytes makes a face that believes it
// loop inside one synchronous call, which no test timeout interrupts. A face that still loops on
// other input (today's Node face does, on a buffer shrunk mid-write) blocks this file; the script's
// watchdog reports such a seed and goes on.
// Replay one seed: REFRAME_HOSTILE_SEED=<seed> REFRAME_HOSTILE_SEEDS=1 npx vitest run test/hostile-fuzz.test.ts -t '<face>'
// (or npm run build && node scripts/hostile-fuzz.mjs --seed <seed> --face <face> --count 1 --no-extreme --verbose).
import { describe, expect, it } from 'vitest';
import * as polyfill from 'web-streams-polyfill';
import * as api from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { frame } from './support/reference.js';
import { FACES, formatFinding, runScenario, type Env, type Face } from './support/hostile.mjs';
import { modelApi } from './support/hostile-model.mjs';
import { ROOT, ensureDist } from './support/child.js';
import { scaled } from './support/util.js';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const FIRST = Number(process.env.REFRAME_HOSTILE_SEED ?? 1);
const SEEDS = Number(process.env.REFRAME_HOSTILE_SEEDS ?? 40);

// Worker steps (issue 19) load the package in their thread from dist/ (built from src/ if stale).
ensureDist();
const workerModule = pathToFileURL(path.join(ROOT, 'dist/index.js')).href;

async function sweep(face: Face, env: Partial<Env> = {}, seeds = SEEDS): Promise<string[]> {
  const findings: string[] = [];
  for (let seed = FIRST; seed < FIRST + seeds; seed++) {
    const result = await runScenario(seed, { api, polyfill, frame, face, extreme: false, timeoutMs: 3000, workerModule, ...env });
    findings.push(...result.findings.map(formatFinding));
  }
  return findings;
}

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  it.each(FACES)(`%s: ${SEEDS} hostile scenarios keep the contract`, async (face) => {
    expect(await sweep(face)).toEqual([]);
  }, scaled(120_000));
});

describe('the oracle', () => {
  // Held to all of SPEC (no KNOWN_ISSUE_19 gate): the model's chunks each own their buffer, so a
  // move may take nothing else with it. (Its workers would run the package itself: none here.)
  it.each(FACES)('%s: finds nothing on faces that keep the contract by construction (hostile-model.mjs)', async (face) => {
    expect(await sweep(face, { api: modelApi(api), known: new Set(), workerModule: undefined }, 24)).toEqual([]);
  }, scaled(120_000));

  it('finds a face that hands out a wrong byte', async () => {
    // The model's Chunker with one bit flipped in the first chunk of every push.
    const model = modelApi(api);
    class Flipping extends model.Chunker {
      override push(burst: ArrayBufferView | ArrayBufferLike) {
        const out = super.push(burst);
        if (out.length > 0) new Uint8Array(out[0].buffer, out[0].byteOffset, 1)[0] ^= 1;
        return out;
      }
    }
    const findings = await sweep('chunker', { api: { ...model, Chunker: Flipping } }, 24);
    expect(findings.some((line) => / bytes: /.test(line))).toBe(true);
  }, scaled(120_000));

  it('finds a chunk that changes after it was handed out, by re-checking a sample as the scenario goes (issue 19)', async () => {
    // The model's Chunker reusing its memory: each push scribbles over the chunks of the push before.
    const model = modelApi(api);
    class Reusing extends model.Chunker {
      #last: ArrayBufferView[] = [];
      override push(burst: ArrayBufferView | ArrayBufferLike) {
        for (const old of this.#last) new Uint8Array(old.buffer, old.byteOffset, old.byteLength).fill(0x5a);
        return (this.#last = super.push(burst));
      }
    }
    const findings = await sweep('chunker', { api: { ...model, Chunker: Reusing }, known: new Set() }, 24);
    expect(findings.some((line) => / changed: after push /.test(line))).toBe(true);
  }, scaled(120_000));

  it('finds a move of one chunk that empties another (issue 19; with KNOWN_ISSUE_19 emptied)', async () => {
    // The model's Chunker handing out each push's chunks as views of one buffer.
    const model = modelApi(api);
    class Sharing extends model.Chunker {
      override push(burst: ArrayBufferView | ArrayBufferLike) {
        const out = super.push(burst) as Uint8Array[];
        const all = new Uint8Array(out.reduce((n, c) => n + c.byteLength, 0));
        let at = 0;
        return out.map((chunk) => {
          const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          all.set(bytes, at);
          const view = new (chunk.constructor as Uint8ArrayConstructor)(all.buffer, at, chunk.length);
          at += bytes.length;
          return view;
        });
      }
    }
    const findings = await sweep('chunker', { api: { ...model, Chunker: Sharing }, known: new Set() }, 60);
    expect(findings.some((line) => / move-sibling: /.test(line))).toBe(true);
  }, scaled(120_000));
});
