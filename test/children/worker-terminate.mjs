// Issue 11, case 4, in a process of its own (run by test/worker-terminate.test.ts):
//   node test/children/worker-terminate.mjs <terminations> <lanes>
// Starts worker threads that sit in a tight loop of Chunker calls (construction, push, pending,
// flush under every tail policy, reset: each crosses into the native core) and terminates each at
// a random moment, <lanes> at a time. A C++ exception escaping an N-API callback while the
// worker's environment is being torn down used to abort the whole process ("terminate called
// after throwing an instance of 'Napi::Error'", exit 134). Prints `ok` and exits 0 when every
// worker was terminated and the process is still alive.
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

if (isMainThread) {
  const terminations = Number(process.argv[2] ?? 60);
  const lanes = Number(process.argv[3] ?? 2);
  let started = 0;
  let seed = 12345;
  const random = (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const lane = async () => {
    while (started < terminations) {
      started++;
      const worker = new Worker(new URL(import.meta.url));
      const failed = new Promise((resolve) => worker.once('error', resolve));
      // Wait until the loop runs, then let it run a random while (0 to 8 ms) before terminating.
      const first = await Promise.race([new Promise((resolve) => worker.once('message', resolve)), failed]);
      if (first instanceof Error) throw first;
      await new Promise((resolve) => setTimeout(resolve, random(9)));
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  process.stdout.write(`ok ${terminations} workers terminated\n`);
} else {
  const { Chunker, backend } = await import('../../dist/index.js');
  parentPort.postMessage(backend);
  const burst = new Uint8Array(100).fill(0xa5);
  const tails = ['emit', 'pad', 'drop', 'error'];
  for (let round = 0; ; round++) {
    const c = new Chunker({ size: 64 + (round & 63), tail: tails[round & 3], fill: 1 });
    c.push(burst);
    for (let i = 0; i < 16; i++) void c.pending;
    try {
      c.flush();
    } catch (error) {
      if (error?.code !== 'ERR_REFRAME_TAIL') throw error;
    }
    c.push(burst.subarray(0, 30));
    c.reset();
  }
}
