// One bench:streams server (a fresh process per contestant and cell, run with --expose-gc by
// bench/streams.mjs, which talks to it over the IPC channel). It listens on 127.0.0.1 and reads
// every accepted socket through one contestant, into a sink that counts and checks each chunk.
//
//   1. the first WARM connections run the whole protocol (hello, 16 KiB, end): code paths compiled;
//   2. baseline: forced GC, then the server's memory (no connection open);
//   3. n connections open and send their hellos; once every hello byte is read (socket.bytesRead),
//      forced GC, then the quiet memory; peak RSS reset (/proc/self/clear_refs), CPU clock started;
//   4. the client sends 16 KiB per connection and ends it; once every connection has gone through
//      and closed: CPU used, peak RSS (VmHWM, and a 10 ms sample), every connection checked;
//   5. 5 s after the last close: memory (no forced GC), then again after a forced GC.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { contestant } from './contestants.mjs';
import { makePlan, WARM } from './plan.mjs';

const cfg = JSON.parse(process.argv[2]);
const { n, size, seed } = cfg;
const who = contestant(cfg.id);
const attach = await who.load();
if (who.backend) {
  const { backend } = await import('reframer');
  if (backend !== who.backend) throw new Error(`${who.id}: reframe runs its ${backend} core`);
}
const plan = makePlan(n, seed);
const send = (message) => process.send(message);

function memory() {
  const m = process.memoryUsage();
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** Memory after forced collections (and a pause for V8's concurrent sweeping and unmapping). */
async function settledMemory() {
  globalThis.gc();
  await new Promise((resolve) => setImmediate(resolve));
  globalThis.gc();
  await sleep(100);
  globalThis.gc();
  return memory();
}

function statusKiB(field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Resets the kernel's peak-RSS mark (VmHWM) to the current RSS; false where that is not possible. */
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

// ---- connections -------------------------------------------------------------------------------

const warm = { recs: [], done: 0, closed: 0 };
const main = { recs: [], done: 0, closed: 0 };
let accepted = 0;
let wake = () => {};

function record(socket, group) {
  const rec = { socket, group, head: 0, id: 0, bytes: 0, chunks: 0, short: false, bad: 0, done: false, closed: false, error: undefined };
  const checkSizes = who.chunker === true;
  rec.count = (chunk) => {
    const len = chunk.byteLength;
    for (let k = 0; rec.head < 4 && k < len; k++, rec.head++) rec.id += chunk[k] * 2 ** (8 * rec.head);
    rec.bytes += len;
    rec.chunks++;
    if (checkSizes) {
      if (rec.short || len === 0 || len > size) rec.bad++;
      if (len !== size) rec.short = true;
    }
  };
  return rec;
}

const server = createServer((socket) => {
  const group = accepted++ < WARM ? warm : main;
  const rec = record(socket, group);
  group.recs.push(rec);
  socket.on('error', (error) => { rec.error ??= error; });
  socket.on('close', () => {
    rec.closed = true;
    rec.socket = undefined; // a closed connection must not be kept alive by the benchmark
    group.closed++;
    wake();
  });
  const finished = () => {
    rec.done = true;
    group.done++;
    wake();
  };
  attach(socket, size, rec.count).then(finished, (error) => { rec.error ??= error; finished(); });
});

/** Resolves once test() holds, re-checked every 20 ms and (unless pollOnly) on every connection event. */
function until(test, pollOnly = false) {
  return new Promise((resolve) => {
    const check = () => {
      if (!test()) return;
      clearInterval(timer);
      wake = () => {};
      resolve();
    };
    const timer = setInterval(check, 20);
    if (!pollOnly) wake = check;
    check();
  });
}

/** Checks every connection: its id, bytes, chunk count and chunk sizes. */
function verify(recs, ids) {
  const failures = [];
  const seen = new Set();
  let bytes = 0;
  let chunks = 0;
  for (const rec of recs) {
    bytes += rec.bytes;
    chunks += rec.chunks;
    const fail = (what) => failures.push(`connection ${rec.head < 4 ? '?' : rec.id}: ${what}`);
    if (rec.error) { fail(`error ${rec.error.code ?? rec.error.message}`); continue; }
    if (rec.head < 4 || !ids.has(rec.id) || seen.has(rec.id)) { fail('no or unexpected id'); continue; }
    seen.add(rec.id);
    const want = plan.total[rec.id];
    if (rec.bytes !== want) fail(`${rec.bytes} bytes, sent ${want}`);
    if (who.chunker) {
      const wantChunks = Math.ceil(want / size);
      if (rec.chunks !== wantChunks) fail(`${rec.chunks} chunks, expected ${wantChunks}`);
      if (rec.bad) fail(`${rec.bad} chunks of a wrong size`);
    }
  }
  if (recs.length !== ids.size) failures.push(`${recs.length} connections, expected ${ids.size}`);
  return { ok: failures.length === 0, connections: recs.length, bytes, chunks, failures: failures.slice(0, 5), failureCount: failures.length };
}

const range = (from, to) => new Set(Array.from({ length: to - from }, (_, k) => from + k));

// ---- the phases ----------------------------------------------------------------------------------

process.on('message', async (message) => {
  if (message.type !== 'go') return;
  try {
    // 1. warm-up connections, already asked of the client by the orchestrator
    await until(() => warm.done === WARM && warm.closed === WARM);
    const warmCheck = verify(warm.recs, range(n, n + WARM));
    warm.recs.length = 0;
    // 2. baseline
    const baseline = await settledMemory();
    send({ type: 'baseline', warmCheck });

    // 3. quiet connections
    // polled only: summing n sockets on every connection event would be quadratic
    await until(() => main.recs.length === n && main.recs.reduce((sum, r) => sum + (r.socket?.bytesRead ?? 0), 0) >= plan.helloBytes, true);
    await sleep(100);
    const quiet = await settledMemory();
    const hwmReset = resetPeak();
    let sampled = 0;
    const sampler = setInterval(() => { sampled = Math.max(sampled, process.memoryUsage.rss()); }, 10);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    send({ type: 'quiet' });

    // 4. the send phase
    await until(() => main.done === n && main.closed === n);
    const cpu = process.cpuUsage(cpu0);
    const wallS = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    sampled = Math.max(sampled, process.memoryUsage.rss());
    const hwm = statusKiB('VmHWM');
    const peak = { sampled, hwm: hwmReset && hwm !== undefined ? hwm * 1024 : undefined };
    const check = verify(main.recs, range(0, n));
    main.recs.length = 0;

    // 5. after close
    await sleep(5000);
    const afterClose = memory();
    const afterCloseGc = await settledMemory();
    send({
      type: 'result',
      result: {
        baseline, quiet, peak, afterClose, afterCloseGc,
        cpuS: (cpu.user + cpu.system) / 1e6, cpuUserS: cpu.user / 1e6, cpuSystemS: cpu.system / 1e6, wallS,
        check, warmCheck,
      },
    });
    server.close();
    process.disconnect();
  } catch (error) {
    send({ type: 'error', message: String(error?.stack ?? error) });
    process.exit(1);
  }
});

server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  send({ type: 'listening', port: server.address().port });
});
