// Issue 19, H15 and H16, in a process of its own (run by test/threads-memory.test.ts):
//   <runtime> --expose-gc test/children/threads-memory.mjs <case> [MiB per worker] [workers]
// Worker threads that each re-frame MiB of bytes (4,096-byte chunks from 1 MiB pushes, dropped as
// they come, letting the event loop turn now and then) and exit; the main thread measures its RSS.
// <case>:
//   generations        (H15) the main thread never imports the package; <workers> workers (default
//                      10) in turn; RSS after the last (given up to 3 s of idle) must be within 32 MiB
//                      of RSS after the first, and of RSS before the first. "Before" is measured after
//                      a control worker that churns as many bytes of plain 4 KiB Uint8Arrays without
//                      the package: glibc keeps a worker's freed memory in its arena (40-80 MiB for
//                      256 MiB here, whatever made it), and nothing of reframe's is left to trim it
//                      when the main thread never loaded it; the workers after it reuse that arena.
//   generations-main   (H15) the same, the main thread having imported the package
//   idle               (H16) the main thread imports the package; one worker; within 3 s of idle
//                      after it exits, RSS must be back within 32 MiB of RSS before it started
//                      (on the TypeScript core: before it and after the control worker)
// RSS is read after a collection and a short idle (150 ms), the same way each time.
// Today on the native core: the pool is a static of the addon, which Node unloads with the last
// worker that loaded it, leaking its blocks (H15: +~100 MiB a generation); the idle trim is a timer
// of the thread that allocated, which dies with the worker (H16: ~100 MiB stay).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { MiB, exited, load, messages, mib, rss, run, settle, sleep, turn } from './threads-common.mjs';

const SLACK = 32 * MiB;

if (!isMainThread && workerData.control) {
  // The control: the same bytes in 4 KiB arrays of their own, no package.
  const burst = new Uint8Array(MiB).fill(0x44);
  let chunks = 0;
  const keep = [];
  for (let i = 0; i < workerData.mib; i++) {
    for (let at = 0; at < MiB; at += 4096) keep[chunks++ & 255] = burst.slice(at, at + 4096);
    if (i % 32 === 31) await turn();
  }
  await settle();
  parentPort.postMessage(`control ${chunks}`);
} else if (!isMainThread) {
  const { Chunker, backend } = await load();
  const chunker = new Chunker(4096);
  const burst = new Uint8Array(MiB).fill(0x44);
  let chunks = 0;
  for (let i = 0; i < workerData.mib; i++) {
    chunks += chunker.push(burst).length;
    if (i % 32 === 31) await turn(); // up to 32 MiB of chunks between turns: a working set the pool keeps
  }
  // Its chunks collected before it ends, so their slabs are back in the pool, free, when it exits.
  await settle();
  parentPort.postMessage(`${backend} ${chunks}`);
} else {
  const [name, perWorker = '256', count = '10'] = process.argv.slice(2);
  const mibPerWorker = Number(perWorker);
  // The TypeScript core (REFRAME_BACKEND=js) loads no addon, so nothing of reframe's can trim what
  // glibc keeps in a worker's arena after it ends (the native core's main thread does: watchWorkers);
  // there "before" is measured after the control worker too: no more than a worker of plain arrays.
  const plainMemory = process.env.REFRAME_BACKEND === 'js';
  const workers = Number(count);

  /** RSS after a collection and a short idle. */
  const measure = async () => {
    await settle();
    await sleep(150);
    await settle();
    return rss();
  };

  /** One worker re-frames, posts its count and exits; resolves once it has. */
  const generation = async (control = false) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { mib: mibPerWorker, control } });
    const exit = exited(worker);
    const said = await messages(worker).next();
    const code = await exit;
    if (code !== 0) throw new Error(`a worker exited ${code}`);
    return said;
  };

  await run(name, async () => {
    if (name === 'generations' || name === 'generations-main') {
      // (Importing is all: a main thread that re-framed too would keep an idle timer of its own
      // running for as long as any chunk is out, and then trim the workers' memory by chance.)
      if (name === 'generations-main') await load();
      if (name === 'generations' || plainMemory) await generation(true);
      const before = await measure();
      const seen = [];
      let said;
      for (let g = 0; g < workers; g++) {
        said = await generation();
        seen.push(await measure());
      }
      // After the last: up to 3 s of idle for memory to come back (SPEC: after about a second).
      const ended = performance.now();
      let last = seen.at(-1);
      while (last - before > SLACK && performance.now() - ended < 3000) {
        await sleep(250);
        await settle();
        last = Math.min(last, rss());
      }
      const line = `${workers} workers of ${mibPerWorker} MiB (${said}): RSS ${(before / MiB).toFixed(0)} MiB before, after each ` +
        `${seen.map((b) => (b / MiB).toFixed(0)).join(' ')} MiB, ${mib(last)} at most 3 s after the last`;
      if (last - seen[0] > SLACK || last - before > SLACK) {
        return `FAIL ${line}: +${mib(last - seen[0])} from the first, +${mib(last - before)} from before (bound ${mib(SLACK)})`;
      }
      return `ok ${line}: ${mib(last - seen[0])} from the first, ${mib(last - before)} from before`;
    }
    if (name === 'idle') {
      await load();
      if (plainMemory) await generation(true);
      const before = await measure();
      const said = await generation();
      const ended = performance.now();
      const samples = [];
      for (;;) {
        await settle();
        const now = rss();
        const at = performance.now() - ended;
        samples.push(`${(at / 1000).toFixed(1)} s: ${(now / MiB).toFixed(0)}`);
        if (now - before <= SLACK) {
          return `ok one worker of ${mibPerWorker} MiB (${said}): RSS ${mib(before)} before, ${mib(now)} ${(at / 1000).toFixed(1)} s after it ended`;
        }
        if (at > 3000) {
          return `FAIL one worker of ${mibPerWorker} MiB (${said}): RSS ${mib(before)} before, still ${mib(now)} (+${mib(now - before)}) ${(at / 1000).toFixed(1)} s after it ended (bound +${mib(SLACK)}; ${samples.join(', ')} MiB)`;
        }
        await sleep(250);
      }
    }
    return `FAIL unknown case ${name}`;
  });
}
