#!/usr/bin/env node
// A smoke run of every face of an installed reframer: the synchronous Chunker, the Node Transform
// (chunkerStream), the WHATWG pair (ChunkerStream) and chunks(), each re-framing the same bursts into
// chunks of 4 (hop 3 for the Chunker) and compared with the framing worked out here by hand. Prints
// one JSON line {backend, faces} and exits non-zero on any mismatch (or, with --native, on the
// TypeScript core). Run from a project that has reframer installed, under any Node binary:
//
//   node scripts/smoke.mjs --native                 (from the project; or give the script's path)
//   qemu-aarch64 -L /usr/aarch64-linux-gnu node-arm64 /path/to/smoke.mjs --native
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// reframer as the current directory's project resolves it (this script may live elsewhere).
const entry = createRequire(pathToFileURL(`${process.cwd()}/`)).resolve('reframer');
// require.resolve picks the package's "require" entry (dist/index.cjs, which re-exports the ES module
// through require(esm)); imported, a CommonJS module's exports are its default.
const loaded = await import(pathToFileURL(entry).href);
const reframer = typeof loaded.Chunker === 'function' ? loaded : loaded.default;
const { backend, Chunker, chunkerStream, ChunkerStream, chunks } = reframer;

const bursts = () => [Uint8Array.of(0, 1, 2, 3, 4, 5), Uint8Array.of(6), Uint8Array.of(7, 8, 9)];
const FOURS = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]];
const HOP3 = [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]; // 9 is already in the last chunk: no tail
const plain = (list) => list.map((chunk) => [...chunk]);

async function faces() {
  const sync = new Chunker({ size: 4, hop: 3 });
  const fromChunker = [...bursts().flatMap((b) => sync.push(b)), ...sync.flush()];

  const fromNode = [];
  await pipeline(Readable.from(bursts()), chunkerStream(4), async (source) => {
    for await (const chunk of source) fromNode.push(chunk);
  });

  const fromWeb = [];
  const pair = new ChunkerStream(4);
  const written = new ReadableStream({
    start(controller) {
      for (const b of bursts()) controller.enqueue(b);
      controller.close();
    },
  }).pipeThrough(pair);
  for await (const chunk of written) fromWeb.push(chunk);

  const fromChunks = [];
  for await (const chunk of chunks(bursts(), 4)) fromChunks.push(chunk);

  return {
    Chunker: [plain(fromChunker), HOP3],
    chunkerStream: [plain(fromNode), FOURS],
    ChunkerStream: [plain(fromWeb), FOURS],
    chunks: [plain(fromChunks), FOURS],
  };
}

const results = await faces();
const verdict = Object.fromEntries(
  Object.entries(results).map(([face, [got, want]]) => [face, JSON.stringify(got) === JSON.stringify(want) ? 'ok' : got]),
);
console.log(JSON.stringify({ backend, arch: process.arch, node: process.version, faces: verdict }));
const failed = Object.values(verdict).some((v) => v !== 'ok') || (process.argv.includes('--native') && backend !== 'native');
process.exit(failed ? 1 : 0);
