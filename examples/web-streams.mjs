// The WHATWG face: `new ChunkerStream(options)` is a { readable, writable } pair, so any web
// ReadableStream re-frames with pipeThrough(). Two sources, both standard web APIs:
//   1. the body of a fetch() from a local HTTP server that sends its data in irregular writes;
//   2. a Blob's stream(), with tail: 'pad' so the last chunk is padded to full size.
// Every chunk is checked against the bytes that were sent.
//
//   node examples/web-streams.mjs [--bytes 200123] [--size 1000]
//
// The server listens on 127.0.0.1 (a free port), answers one request and closes.
import http from 'node:http';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { ChunkerStream } from 'reframer';

const { values } = parseArgs({
  options: {
    bytes: { type: 'string', default: '200123' },
    size: { type: 'string', default: '1000' },
  },
});
const BYTES = Number(values.bytes);
const SIZE = Number(values.size);
if (!(Number.isInteger(BYTES) && BYTES >= 0 && Number.isInteger(SIZE) && SIZE >= 1)) {
  console.error('--bytes must be an integer ≥ 0 and --size ≥ 1');
  process.exit(2);
}
const deadline = setTimeout(() => {
  console.error('timed out');
  process.exit(1);
}, 20_000);
deadline.unref();

// The data both sources carry: a pattern that differs from byte to byte and chunk to chunk.
const data = Uint8Array.from({ length: BYTES }, (_, i) => (i * 31 + (i >> 9)) & 0xff);

// --- 1. fetch() from a local HTTP server ---------------------------------------------------------
const server = http.createServer(async (request, response) => {
  response.writeHead(200, { 'content-type': 'application/octet-stream' });
  let seed = 42;
  for (let offset = 0; offset < BYTES; ) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    const end = Math.min(BYTES, offset + 1 + (seed % (3 * SIZE)));
    await new Promise((resolve) => response.write(data.subarray(offset, end), resolve));
    await new Promise(setImmediate); // let the client read before the next write (same process)
    offset = end;
  }
  response.end();
  server.close();
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');

const response = await fetch(`http://127.0.0.1:${server.address().port}/data`);
const httpReads = { count: 0 };
const fromHttp = await check(response.body.pipeThrough(counter(httpReads)).pipeThrough(new ChunkerStream({ size: SIZE })));
console.log(`fetch(): ${BYTES.toLocaleString('en-US')} bytes in ${httpReads.count} reads → ${describe(fromHttp)}`);

// --- 2. Blob.stream(), padding the last chunk ----------------------------------------------------
// A Blob of several parts; its stream() hands out bursts of its own size (64 KiB in Node).
const third = Math.floor(BYTES / 3);
const blob = new Blob([data.subarray(0, third), data.subarray(third, 2 * third), data.subarray(2 * third)]);
const blobReads = { count: 0 };
const fromBlob = await check(blob.stream().pipeThrough(counter(blobReads)).pipeThrough(new ChunkerStream({ size: SIZE, tail: 'pad', fill: 0 })));
console.log(`Blob.stream(): ${blob.size.toLocaleString('en-US')} bytes in ${blobReads.count} reads → ${describe(fromBlob)}`);

process.exitCode = fromHttp.bad === 0 && fromBlob.bad === 0 ? 0 : 1;

// A platform TransformStream that passes bursts on unchanged, counting them for the report.
function counter(reads) {
  return new TransformStream({
    transform(burst, controller) {
      reads.count++;
      controller.enqueue(burst);
    },
  });
}

// Reads every chunk, comparing it with `data` (and with zeros past its end, where tail: 'pad' filled).
async function check(chunks) {
  const result = { chunks: 0, full: 0, last: 0, padded: 0, bad: 0, type: '' };
  let offset = 0;
  for await (const chunk of chunks) {
    result.chunks++;
    result.type = chunk.constructor.name;
    if (chunk.length === SIZE) result.full++;
    result.last = chunk.length;
    const expected = new Uint8Array(chunk.length);
    expected.set(data.subarray(offset, offset + chunk.length));
    if (!chunk.every((byte, i) => byte === expected[i])) result.bad++;
    result.padded = Math.max(0, offset + chunk.length - BYTES);
    offset += chunk.length;
  }
  return result;
}

function describe({ chunks, full, last, padded, bad, type }) {
  const tail = chunks > full ? ` + 1 × ${last}` : padded > 0 ? ` (the last padded with ${padded} zeros)` : '';
  return `${chunks} chunks${type ? ` (${type})` : ''}: ${full} × ${SIZE} bytes${tail}; ` +
    (bad === 0 ? 'all match the data' : `${bad} do NOT match the data`);
}
