// Issue 19, what held up and must stay so, in a process of its own (run by test/threads-keep.test.ts):
//   <runtime> test/children/threads-keep.mjs <case>
//   terminate   workers re-framing into fresh output memory are terminated at random moments
//               (12 of them, two at a time): the process lives on, later chunks are right
//   aliases     views, Buffer.from(chunk.buffer), DataViews and structuredClone copies of chunks
//               (the chunks themselves dropped) never change through 32 MiB of later re-framing,
//               collections and an idle past the trim period
//   two-addons  two copies of the package (dist/ and a copy of it), each loading its own copy of
//               the addon file: chunks of both kept, both re-frame on, none changes
//   vm          a chunker fed from a vm context (the context's own typed arrays), its chunks kept
//               in the context, which is then dropped: they never change
//   exit        process.exit(0) while chunks live on the main thread and in a running worker:
//               exit status 0
// Prints `ok …` or `FAIL …`; a crash is the exit status.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { MiB, load, messages, run, settle, sleep, turn } from './threads-common.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const byteAt = (p, salt) => (p * 13 + salt) & 0xff;
function pattern(length, salt) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = byteAt(i, salt);
  return bytes;
}
const copyOf = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
const equal = (view, want) => Buffer.from(view.buffer, view.byteOffset, view.byteLength).equals(want);

/** Re-frames `bytes` MiB of 0xEE through 64- and 4,096-byte chunks, collecting as it goes. */
async function churn(api, bytes) {
  const small = new api.Chunker(64);
  const large = new api.Chunker(4096);
  const burst = new Uint8Array(64 * 1024).fill(0xee);
  for (let sent = 0, n = 0; sent < bytes; sent += 2 * burst.length, n++) {
    small.push(burst);
    large.push(burst);
    if (n % 32 === 31) await settle(1);
  }
  await settle();
}

async function terminate() {
  const api = await load();
  let seed = 7;
  const random = (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  let done = 0;
  const lane = async () => {
    while (done < 12) {
      done++;
      const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'allocate' } });
      const inbox = messages(worker);
      await inbox.next();
      await sleep(random(9));
      await worker.terminate();
    }
  };
  await Promise.all([lane(), lane()]);
  const chunker = new api.Chunker(4096);
  const input = pattern(64 * 4096, 5);
  for (let r = 0; r < 64; r++) {
    const out = chunker.push(input);
    if (out.length !== 64 || !out.every((c, k) => equal(c, input.subarray(k * 4096, (k + 1) * 4096)))) return `FAIL wrong chunks after the terminations (round ${r})`;
    await turn();
  }
  return `ok ${api.backend}: 12 workers terminated while allocating; the process lives and re-frames right`;
}

async function aliases() {
  const api = await load();
  const kept = [];
  for (const size of [64, 4096, 40_000, 1 << 20]) {
    const chunker = new api.Chunker(size);
    const chunks = chunker.push(pattern(size * 3 + 1, size & 0xff));
    for (const chunk of chunks.slice(0, 2)) {
      const want = copyOf(chunk);
      const { byteOffset: at, byteLength: n } = chunk;
      kept.push(
        { what: `a view (${size})`, view: new Uint8Array(chunk.buffer, at, n), want },
        { what: `Buffer.from(ab) (${size})`, view: Buffer.from(chunk.buffer, at, n), want },
        { what: `a DataView (${size})`, view: new DataView(chunk.buffer, at, n), want },
        { what: `a structuredClone copy (${size})`, view: structuredClone(chunk), want },
        { what: `a whole-buffer view (${size})`, view: new Uint8Array(chunk.buffer), want: new Uint8Array(chunk.buffer).slice() },
      );
    }
  }
  const check = (when) => {
    const changed = kept.filter(({ view, want }) => !equal(view, want));
    return changed.length ? `FAIL ${when}: ${changed.map((k) => k.what).join(', ')} changed` : undefined;
  };
  let bad;
  await churn(api, 32 * MiB);
  if ((bad = check('after 32 MiB of re-framing'))) return bad;
  await sleep(1300);
  await churn(api, 8 * MiB);
  if ((bad = check('after an idle past the trim period and more re-framing'))) return bad;
  return `ok ${api.backend}: ${kept.length} aliases of dropped chunks unchanged`;
}

async function twoAddons() {
  // Two module graphs: dist/ as it is, and a copy of dist/ elsewhere; each loads its own copy of the
  // addon file (REFRAME_ADDON, read when each graph is imported), so each has its own statics.
  const dir = mkdtempSync(join(tmpdir(), 'reframe-two-'));
  try {
    const source = process.env.REFRAME_ADDON || join(ROOT, 'build/Release/reframe.node');
    const native = process.env.REFRAME_BACKEND !== 'js' && existsSync(source);
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    if (native) {
      copyFileSync(source, join(dir, 'a.node'));
      copyFileSync(source, join(dir, 'b.node'));
      process.env.REFRAME_ADDON = join(dir, 'a.node');
    }
    const first = await load();
    if (native) process.env.REFRAME_ADDON = join(dir, 'b.node');
    const second = await import(pathToFileURL(join(dir, 'dist/index.js')).href);
    if (native && existsSync('/proc/self/maps')) {
      const maps = readFileSync('/proc/self/maps', 'utf8');
      if (!maps.includes(join(dir, 'a.node')) || !maps.includes(join(dir, 'b.node'))) return 'FAIL the two copies of the addon were not both loaded';
    }
    const kept = [];
    for (const [name, api] of [['first', first], ['second', second]]) {
      for (const size of [64, 4096, 40_000]) {
        for (const chunk of new api.Chunker(size).push(pattern(size * 2, name.length + size))) kept.push({ chunk, want: copyOf(chunk), name });
      }
    }
    await churn(first, 16 * MiB);
    await churn(second, 16 * MiB);
    await sleep(1300);
    await churn(second, 4 * MiB);
    await churn(first, 4 * MiB);
    const changed = kept.filter(({ chunk, want }) => !equal(chunk, want));
    if (changed.length) return `FAIL ${changed.length} of ${kept.length} chunks changed (${[...new Set(changed.map((c) => c.name))].join(', ')})`;
    return `ok ${first.backend}/${second.backend}: ${kept.length} chunks of two copies of the package${native ? ' (two addon files loaded)' : ''} unchanged`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inVm() {
  const api = await load();
  let context = vm.createContext({ Chunker: api.Chunker });
  vm.runInContext(`
    globalThis.kept = [];
    for (const size of [64, 4096, 40000]) {
      const input = new Uint8Array(size * 3 + 7);
      for (let i = 0; i < input.length; i++) input[i] = (i * 13 + 9) & 0xff;
      for (const chunk of new Chunker(size).push(input)) kept.push(chunk);
    }
  `, context);
  const held = vm.runInContext('kept', context).map((chunk) => ({ chunk, want: copyOf(chunk) }));
  context = undefined;
  if (held.length !== 3 + 3 + 3) return `FAIL ${held.length} chunks from the vm context, not 9`;
  await churn(api, 24 * MiB);
  for (const { chunk, want } of held) if (!equal(chunk, want)) return 'FAIL a chunk made in a vm context changed';
  return `ok ${api.backend}: chunks of a chunker fed from a dropped vm context unchanged`;
}

async function exit() {
  const api = await load();
  const chunks = [];
  for (const size of [64, 4096, 40_000, 1 << 20]) chunks.push(...new api.Chunker(size).push(pattern(size * 2, 3)));
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'hold' } });
  await messages(worker).next();
  process.stdout.write(`exit ok ${api.backend}: process.exit(0) with ${chunks.length} chunks live here and in a running worker\n`);
  process.exit(0);
}

if (!isMainThread) {
  const api = await load();
  if (workerData.role === 'allocate') {
    parentPort.postMessage('running');
    const small = new api.Chunker(64);
    const large = new api.Chunker(4096);
    const burst = new Uint8Array(64 * 1024).fill(0x5a);
    const kept = [];
    for (let r = 0; ; r++) {
      kept.push(small.push(burst)[0], large.push(burst)[3]);
      if (kept.length > 64) kept.splice(0, 32);
    }
  } else {
    const held = [];
    for (const size of [64, 4096, 1 << 20]) held.push(...new api.Chunker(size).push(new Uint8Array(size * 3)));
    parentPort.postMessage('holding');
    setInterval(() => held.length, 1000);
  }
} else {
  const name = process.argv[2];
  const CASES = { terminate, aliases, 'two-addons': twoAddons, vm: inVm, exit };
  if (!CASES[name]) {
    process.stdout.write(`${name} FAIL unknown case\n`);
    process.exitCode = 1;
  } else {
    await run(name, CASES[name]);
  }
}
