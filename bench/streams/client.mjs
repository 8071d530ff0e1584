// The bench:streams client (its own process; bench/streams.mjs drives it over the IPC channel).
// Sends to the server on 127.0.0.1:port what bench/streams/plan.mjs plans for each connection.
//   warm: the warm-up connections, each the whole protocol (hello, 16 KiB, end), until closed;
//   open: the n measured connections, 128 connects in flight at a time, each writing its hello;
//   send: 16 KiB per connection in its planned segments, round-robin (round r writes every
//         connection's r-th segment, then yields to the event loop), each ended after its last
//         segment; done once every connection has closed.
import { connect } from 'node:net';
import { once } from 'node:events';
import { DATA_BYTES, makePlan, rng, WARM } from './plan.mjs';

const { port, n, seed } = JSON.parse(process.argv[2]);
const plan = makePlan(n, seed);
const send = (message) => process.send(message);

const random = rng(seed ^ 0x5eed);
const payload = Buffer.alloc(DATA_BYTES);
for (let k = 0; k < DATA_BYTES; k++) payload[k] = Math.floor(random() * 256);

function hello(id) {
  const bytes = Buffer.alloc(plan.hello[id], 0x68);
  bytes.writeUInt32LE(id, 0);
  return bytes;
}

const sockets = new Array(plan.count);
let errors = 0;
let closed = 0;

/** Opens the connections of ids, `inFlight` connects at a time; each writes its hello. */
async function open(ids, inFlight = 128) {
  let next = 0;
  const writes = [];
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => { errors++; });
      socket.on('close', () => { closed++; sockets[id] = undefined; });
      socket.resume(); // the server sends nothing; reading lets 'end' (and so 'close') arrive
      await once(socket, 'connect');
      sockets[id] = socket;
      writes.push(new Promise((resolve) => socket.write(hello(id), resolve)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, ids.length) }, worker));
  await Promise.all(writes);
}

/** Sends every connection's segments round-robin, ends each after its last; resolves once all closed. */
async function sendAll(ids) {
  const offset = new Uint32Array(plan.count);
  const rounds = Math.max(...ids.map((id) => plan.segments[id].length));
  const closedBefore = closed;
  for (let r = 0; r < rounds; r++) {
    for (const id of ids) {
      const segs = plan.segments[id];
      if (r >= segs.length) continue;
      const socket = sockets[id];
      socket.write(payload.subarray(offset[id], (offset[id] += segs[r])));
      if (r === segs.length - 1) socket.end();
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  while (closed - closedBefore < ids.length) await new Promise((resolve) => setTimeout(resolve, 10));
}

const range = (from, to) => Array.from({ length: to - from }, (_, k) => from + k);

process.on('message', async ({ type }) => {
  try {
    if (type === 'warm') {
      const ids = range(n, n + WARM);
      await open(ids, 8);
      await sendAll(ids);
      send({ type: 'warm-done', errors });
    } else if (type === 'open') {
      await open(range(0, n));
      send({ type: 'opened', errors });
    } else if (type === 'send') {
      await sendAll(range(0, n));
      send({ type: 'sent', errors });
      process.disconnect();
    }
  } catch (error) {
    send({ type: 'error', message: String(error?.stack ?? error) });
    process.exit(1);
  }
});
send({ type: 'ready' });
