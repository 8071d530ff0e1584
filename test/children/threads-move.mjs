// Issue 19, H11, in a process of its own (run by test/threads-move.test.ts):
//   <runtime> test/children/threads-move.mjs <how> <variant>
// A worker re-frames bytes 0x11 and moves one chunk to the main thread, then ends (the main thread
// waits for its 'exit'). The main thread, which imported the package too, then re-frames 16 KiB
// pushes of 0x22 and idles: the chunk it holds must keep its length and read 0x11 throughout.
// Today, on the native core, the worker's teardown runs the finalizer of the moved chunk's external
// buffer, which hands its slab back to the pool: the chunk then shows the new stream's 0x22, or
// (after the idle trim, or for a chunk over 64 MiB, which is unmapped at once) reading it is SIGSEGV.
//
// <how>: how the worker moves the chunk
//   bytes-stream     enqueued into a `type: 'bytes'` ReadableStream, read back, posted with its buffer
//                    in the transfer list
//   transfer         chunk.buffer.transfer(), the new buffer posted in the transfer list (where
//                    ArrayBuffer.prototype.transfer exists: not Node 20)
//   transfer-list    postMessage(chunk, [chunk.buffer])
//   post-copy        postMessage(chunk) (no transfer list: a copy)
//   structured-clone structuredClone(chunk, { transfer: [chunk.buffer] }) in the worker, then posted
//                    with the clone's buffer in the transfer list
// <variant>:
//   churn   16 KiB chunks; the main thread re-frames 32 MiB of 16 KiB pushes (checking the kept chunk
//           as it goes), idles 2.6 s (past the idle trim), reads it, then re-frames 8 MiB more
//   big     one chunk of 65 MiB (over the pool's largest slab class); the main thread re-frames
//           16 MiB, idles 1.2 s, and reads it
// Prints `ok …` or `FAIL …` (the first byte that changed, or the length); a crash is the exit status.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { HAS_TRANSFER, MiB, exited, messages, firstNot, load, run, settle, sleep, turn } from './threads-common.mjs';

const OLD = 0x11;
const NEW = 0x22;
const SIZES = { churn: 16 * 1024, big: 65 * MiB + 4096 };

// A runtime may refuse to transfer the package's memory (a DataCloneError: Node 26 and Bun refuse
// some external buffers); a user then posts a copy, and so does this worker (saying so).
async function move(how, chunk) {
  try {
    await moveBy(how, chunk);
    return '';
  } catch (error) {
    if (error?.name !== 'DataCloneError') throw error;
    parentPort.postMessage(chunk);
    return ' (the runtime refused the transfer: DataCloneError; a copy was posted)';
  }
}

async function moveBy(how, chunk) {
  switch (how) {
    case 'bytes-stream': {
      const stream = new ReadableStream({ type: 'bytes', start(controller) { controller.enqueue(chunk); controller.close(); } });
      const { value } = await stream.getReader().read();
      parentPort.postMessage(value, [value.buffer]);
      return;
    }
    case 'transfer': {
      const { byteOffset, byteLength } = chunk;
      const buffer = chunk.buffer.transfer();
      parentPort.postMessage(new Uint8Array(buffer, byteOffset, byteLength), [buffer]);
      return;
    }
    case 'transfer-list': parentPort.postMessage(chunk, [chunk.buffer]); return;
    case 'post-copy': parentPort.postMessage(chunk); return;
    case 'structured-clone': {
      const clone = structuredClone(chunk, { transfer: [chunk.buffer] });
      parentPort.postMessage(clone, [clone.buffer]);
      return;
    }
    default: throw new Error(`unknown how ${how}`);
  }
}

if (!isMainThread) {
  const { Chunker } = await load();
  const { how, size } = workerData;
  const chunker = new Chunker(size);
  // One whole chunk of 0x11, in a buffer of its own (one chunk per push).
  const [chunk] = chunker.push(new Uint8Array(size).fill(OLD));
  const note = await move(how, chunk);
  parentPort.postMessage(note);
} else {
  const [how, variant] = process.argv.slice(2);
  await run(`${how} ${variant}`, async () => {
    if (how === 'transfer' && !HAS_TRANSFER) return 'FAIL this runtime has no ArrayBuffer.prototype.transfer';
    const { Chunker, backend } = await load();
    const size = SIZES[variant];
    if (size === undefined) return `FAIL unknown variant ${variant}`;
    const worker = new Worker(new URL(import.meta.url), { workerData: { how, size } });
    const exit = exited(worker);
    const inbox = messages(worker);
    const kept = await inbox.next();
    const note = await inbox.next();
    const check = (when) => {
      if (!(kept instanceof Uint8Array) || kept.byteLength !== size) {
        return `FAIL ${when}: the kept chunk is ${kept?.constructor?.name} of ${kept?.byteLength} bytes, not ${size}`;
      }
      const at = firstNot(kept, OLD);
      return at === -1 ? undefined : `FAIL ${when}: the kept chunk's byte ${at} is 0x${kept[at].toString(16)}, not 0x11`;
    };
    let bad = check('as received');
    if (bad) return bad;
    const code = await exit;
    if (code !== 0) return `FAIL the worker exited ${code}`;
    await settle();
    if ((bad = check('after the worker ended'))) return bad;
    const chunker = new Chunker(16 * 1024);
    const push = new Uint8Array(16 * 1024).fill(NEW);
    const churn = async (bytes, label) => {
      for (let sent = 0, n = 0; sent < bytes; sent += push.length, n++) {
        chunker.push(push);
        if (n % 64 === 63) {
          if (n % 256 === 255) await settle(1);
          else await turn();
          const wrong = check(`${label}, after ${(sent / MiB).toFixed(1)} MiB of 16 KiB pushes of 0x22`);
          if (wrong) return wrong;
        }
      }
      await turn();
      return check(`${label}, after ${(bytes / MiB).toFixed(0)} MiB of 0x22`);
    };
    if (variant === 'churn') {
      if ((bad = await churn(32 * MiB, 're-framing'))) return bad;
      await settle();
      await sleep(2600);
      if ((bad = check('after 2.6 s idle'))) return bad;
      if ((bad = await churn(8 * MiB, 'after the idle'))) return bad;
    } else {
      if ((bad = await churn(16 * MiB, 're-framing'))) return bad;
      await settle();
      await sleep(1200);
      if ((bad = check('after 1.2 s idle'))) return bad;
    }
    return `ok ${backend}: the chunk moved by ${how} (${size} bytes) still reads 0x11 after the worker ended, re-framing and idle${note}`;
  });
}
