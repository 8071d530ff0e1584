// Issue 19, H12, in a process of its own (run by test/threads-mark.test.ts):
//   <runtime> test/children/threads-mark.mjs <where>
// The user marks chunks' buffers untransferable (node:worker_threads markAsUntransferable) and keeps
// them; then the thread ends and the process exits normally, which must be exit status 0. Today, on
// Node 26 and the native core, a marked external buffer made in a worker aborts the process when the
// worker's environment is torn down (SIGABRT, FATAL v8::FromJust in Environment::RunCleanup).
// <where>:
//   worker   a worker re-frames, marks, keeps the chunks and ends (the main thread awaits its
//            'exit', re-frames a little itself, then the process ends by itself)
//   main     the main thread re-frames, marks, keeps the chunks; the process ends by itself
// Chunks of three kinds are marked: 64-byte chunks (a shared pool), 4,096-byte chunks (several to
// an allocation) and a 40,000-byte chunk (one to its buffer).
// Prints `ok …` or `FAIL …`; an abort is the exit status.
import { Worker, isMainThread, markAsUntransferable, parentPort } from 'node:worker_threads';
import { exited, load, messages, run, settle } from './threads-common.mjs';

const kept = [];

async function markSome() {
  const { Chunker, backend } = await load();
  let marked = 0;
  for (const size of [64, 4096, 40_000]) {
    const chunker = new Chunker(size);
    const chunks = chunker.push(new Uint8Array(size * 3 + 5).fill(0x33));
    for (const chunk of chunks.slice(0, 2)) {
      markAsUntransferable(chunk.buffer);
      kept.push(chunk);
      marked++;
    }
  }
  return { backend, marked };
}

if (!isMainThread) {
  const { backend, marked } = await markSome();
  parentPort.postMessage(`${backend}: ${marked} chunks marked`);
} else {
  const [where] = process.argv.slice(2);
  await run(where, async () => {
    if (where === 'main') {
      const { backend, marked } = await markSome();
      return `ok ${backend}: ${marked} chunks marked on the main thread; the process exits by itself`;
    }
    const { Chunker } = await load();
    const worker = new Worker(new URL(import.meta.url));
    const inbox = messages(worker);
    const exit = exited(worker);
    const said = await inbox.next();
    const code = await exit;
    if (code !== 0) return `FAIL the worker exited ${code}`;
    await settle();
    new Chunker(4096).push(new Uint8Array(1 << 20));
    return `ok ${said} in a worker that ended; the process exits by itself`;
  });
}
