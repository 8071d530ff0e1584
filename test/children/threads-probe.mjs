// What a runtime offers the threads tests (test/support/threads.ts runs this once per runtime):
// prints one JSON line { version, transfer, native } — its version, whether it has
// ArrayBuffer.prototype.transfer, and whether the package's native core loads there.
import { HAS_TRANSFER, load } from './threads-common.mjs';

let native = false;
try {
  native = (await load()).backend === 'native';
} catch {
  native = false;
}
const version = typeof globalThis.Bun !== 'undefined' ? `bun ${globalThis.Bun.version}` : `node ${process.version}`;
process.stdout.write(`${JSON.stringify({ version, transfer: HAS_TRANSFER, native })}\n`);
