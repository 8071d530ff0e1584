// Re-frame an MPEG transport stream into its 188-byte packets and check each one: the 0x47 sync
// byte that starts every packet, and the 4-bit continuity counter each PID counts up with.
//
//   node examples/mpeg-ts.mjs [file.ts] [--packets 5000] [--junk N]
//
// With no file it synthesises a stream of packets on three PIDs and delivers it in random bursts
// of 1 to 4096 bytes (as a socket or a tuner would). --junk N puts N stray bytes in front, so the
// packets are no longer aligned: the sync check then fails and the exit code is 1.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { chunkerStream } from 'reframer';

const PACKET = 188;
const SYNC = 0x47;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    packets: { type: 'string', default: '5000' },
    junk: { type: 'string', default: '0' },
  },
});
const file = positionals[0];
const junk = Number(values.junk);

const source = file ? fs.createReadStream(file) : Readable.from(randomBursts(synthesise(Number(values.packets), junk)));
let bursts = 0;

const pids = new Map(); // pid → { packets, last continuity counter, discontinuities }
let packets = 0;
let badSync = 0;
let short = 0;
await pipeline(source, countBursts, chunkerStream(PACKET), async (chunks) => {
  for await (const packet of chunks) {
    if (packet.length < PACKET) {
      short = packet.length; // the stream ended inside a packet (tail: 'emit' hands it out short)
      continue;
    }
    packets++;
    if (packet[0] !== SYNC) {
      badSync++;
      continue;
    }
    const pid = ((packet[1] & 0x1f) << 8) | packet[2];
    const counter = packet[3] & 0x0f;
    const hasPayload = (packet[3] & 0x10) !== 0;
    const seen = pids.get(pid) ?? { packets: 0, counter: -1, discontinuities: 0 };
    if (hasPayload && pid !== 0x1fff && seen.counter >= 0 && counter !== ((seen.counter + 1) & 0x0f)) seen.discontinuities++;
    if (hasPayload) seen.counter = counter;
    seen.packets++;
    pids.set(pid, seen);
  }
});

console.log(`${file ?? 'synthesised stream'}: ${bursts} burst${bursts === 1 ? '' : 's'} → ${packets} packets of ${PACKET} bytes` +
  (short ? ` and ${short} stray bytes at the end` : ''));
console.log(`sync byte 0x47: ${packets - badSync} OK, ${badSync} bad`);
for (const [pid, seen] of [...pids].sort((a, b) => a[0] - b[0])) {
  console.log(`  PID 0x${pid.toString(16).padStart(4, '0')}: ${String(seen.packets).padStart(6)} packets, ` +
    `${seen.discontinuities} continuity errors`);
}
process.exitCode = badSync === 0 && packets > 0 ? 0 : 1;

// Passes the bursts on unchanged, counting them for the report.
async function* countBursts(source) {
  for await (const burst of source) {
    bursts++;
    yield burst;
  }
}

// Packets on PIDs 0x0000 (PAT), 0x0100 (video) and 0x0101 (audio), each with a payload and its own
// continuity counter, behind `junk` stray bytes.
function synthesise(count, junk) {
  const stream = Buffer.alloc(junk + count * PACKET, 0xff);
  const counters = new Map();
  for (let i = 0; i < count; i++) {
    const pid = i % 10 === 0 ? 0x0000 : i % 3 === 0 ? 0x0101 : 0x0100;
    const counter = counters.get(pid) ?? 0;
    counters.set(pid, (counter + 1) & 0x0f);
    const packet = stream.subarray(junk + i * PACKET, junk + (i + 1) * PACKET);
    packet[0] = SYNC;
    packet[1] = (i % 10 === 0 ? 0x40 : 0) | (pid >> 8); // payload_unit_start on the PAT
    packet[2] = pid & 0xff;
    packet[3] = 0x10 | counter; // payload only, continuity counter
    for (let j = 4; j < PACKET; j++) packet[j] = (i + j) & 0xff;
  }
  return stream;
}

// The stream in bursts of 1 to 4096 bytes (a fixed seed, so every run is the same).
function* randomBursts(stream) {
  let seed = 188;
  for (let offset = 0; offset < stream.length; ) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    const end = Math.min(stream.length, offset + 1 + (seed % 4096));
    yield stream.subarray(offset, end);
    offset = end;
  }
}
