// The smoke suite's few helpers: plain JavaScript with node: imports only, so that Node, Bun and Deno
// all run it as it is (`npm run test:runtimes`). No test framework: each check is a function that
// throws on failure; `report()` prints one line per check and exits 1 when any failed.
import process from 'node:process';

/** `bun 1.4.5`, `deno 2.9.6` or `node 20.20.2`: the runtime this file runs on. */
export const runtime = globalThis.Bun
  ? `bun ${globalThis.Bun.version}`
  : globalThis.Deno
    ? `deno ${globalThis.Deno.version.deno}`
    : `node ${process.versions.node}`;

const results = [];

/** Runs one check (sync or async) and records whether it threw. */
export async function check(name, run) {
  try {
    const detail = await run();
    results.push({ name, ok: true, detail });
  } catch (error) {
    results.push({ name, ok: false, detail: String((error && error.stack) || error) });
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Asserts that `run` throws (or rejects with) an error carrying `code`. */
export async function assertCode(code, run, what) {
  let error;
  try {
    await run();
  } catch (caught) {
    error = caught;
  }
  assert(error !== undefined, `${what}: nothing was thrown`);
  assert(error.code === code, `${what}: code ${error.code}, expected ${code}`);
}

/** Byte i of every test stream: depends on every bit of i, so a chunk from the wrong place shows. */
export function byteAt(i) {
  return ((i ^ (i >>> 8) ^ (i >>> 16)) * 31 + 7) & 0xff;
}

/** `length` bytes of the test stream. */
export function stream(length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = byteAt(i);
  return bytes;
}

/** The stream cut into uneven bursts (1 byte up to ~100 KiB), so chunks end anywhere in them. */
export function bursts(bytes) {
  const lengths = [1, 187, 65_537, 3, 100_000, 4_093, 33_000];
  const out = [];
  for (let at = 0, p = 0; at < bytes.length; p++) {
    const end = Math.min(bytes.length, at + lengths[p % lengths.length]);
    out.push(bytes.slice(at, end));
    at = end;
  }
  return out;
}

/**
 * Asserts that `chunks` are the stream of `total` bytes cut into chunks of `size` bytes (hop = size)
 * with a short tail: chunk k holds bytes [k·size, min(total, (k+1)·size)), each in memory of its own.
 */
export function assertFramed(chunks, total, size, what) {
  const expected = Math.ceil(total / size);
  assert(chunks.length === expected, `${what}: ${chunks.length} chunks, expected ${expected}`);
  chunks.forEach((chunk, k) => {
    const length = Math.min(size, total - k * size);
    assert(chunk instanceof Uint8Array, `${what}: chunk ${k} is a ${chunk && chunk.constructor && chunk.constructor.name}`);
    assert(chunk.byteLength === length, `${what}: chunk ${k} has ${chunk.byteLength} bytes, expected ${length}`);
    for (let j = 0; j < length; j++) {
      const want = byteAt(k * size + j);
      if (chunk[j] !== want) throw new Error(`${what}: chunk ${k} byte ${j} is ${chunk[j]}, expected ${want}`);
    }
  });
  if (chunks.length > 1) {
    // Chunks are independent: writing into one changes no other.
    chunks[0].fill(chunks[0][0] ^ 0xff);
    assert(chunks[1][0] === byteAt(size), `${what}: writing into chunk 0 changed chunk 1`);
  }
}

/** The value after `--name` on the command line (Deno, Bun and Node all fill process.argv). */
export function argument(name) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

/** Prints every check and a summary line; exits 1 when any check failed or none ran. */
export function report(suite) {
  for (const { name, ok, detail } of results) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok && detail ? `: ${detail}` : ok ? '' : `: ${detail}`}`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${suite} on ${runtime}: ${results.length - failed} of ${results.length} checks passed`);
  process.exit(failed === 0 && results.length > 0 ? 0 : 1);
}
