// Re-frame a TCP byte stream into fixed-size records. TCP keeps the bytes in order but not the
// boundaries of the writes: a record can arrive in pieces, or several in one segment. The server
// pipes the socket through chunkerStream(recordSize) and gets whole records, whatever the segments.
//
//   node examples/tcp-records.mjs [--records 2000] [--size 64] [--corrupt N] [--truncate N]
//
// A client on 127.0.0.1 writes the records in random segments of 1 to 3 records' worth of bytes,
// waiting for each write, so records are split across segments. Each record carries a sequence
// number and a CRC-32, which the server checks; --corrupt N flips a byte of record N to show a
// failed check, --truncate N drops the last N bytes so the connection ends inside a record (both
// exit with code 1). The program stops by itself once the client is done.
import net from 'node:net';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { crc32 } from 'node:zlib';
import { chunkerStream } from 'reframer';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '2000' },
    size: { type: 'string', default: '64' },
    corrupt: { type: 'string' },
    truncate: { type: 'string', default: '0' },
  },
});
const RECORDS = Number(values.records);
const SIZE = Number(values.size); // bytes per record: [u32 seq][payload][u32 crc32 of the rest]
const CORRUPT = values.corrupt === undefined ? -1 : Number(values.corrupt);
const TRUNCATE = Number(values.truncate);
if (!(Number.isInteger(RECORDS) && RECORDS >= 1 && Number.isInteger(SIZE) && SIZE >= 9)) {
  console.error('--records must be ≥ 1 and --size ≥ 9 (4 bytes sequence, a payload, 4 bytes CRC-32)');
  process.exit(2);
}

// A bound on the whole run: a bug here must not leave the process waiting forever.
const deadline = setTimeout(() => {
  console.error('timed out');
  process.exit(1);
}, 20_000);
deadline.unref();

// --- the server: socket → chunkerStream(SIZE) → one record per chunk -------------------------------
const report = { reads: 0, records: 0, good: 0, problems: [] };
const server = net.createServer((socket) => {
  socket.on('data', () => report.reads++); // only counted for the report: the bursts TCP delivered
  // tail: 'error': a connection that ends inside a record is an error, not a short record.
  const records = socket.pipe(chunkerStream({ size: SIZE, tail: 'error' }));
  socket.on('error', (error) => records.destroy(error)); // pipe() does not forward errors
  let expected = 0;
  records.on('data', (record) => {
    const seq = record.readUInt32BE(0);
    const crcOk = record.readUInt32BE(SIZE - 4) === crc32(record.subarray(0, SIZE - 4));
    report.records++;
    if (crcOk && seq === expected) report.good++;
    else report.problems.push(`record ${expected}: ${crcOk ? `sequence number ${seq}` : 'CRC-32 mismatch'}`);
    expected++;
  });
  records.on('error', (error) => {
    report.problems.push(error.code === 'ERR_REFRAME_TAIL'
      ? `the connection ended inside record ${expected}: its ${error.tail.byteLength} bytes are in error.tail`
      : `${error.code ?? 'error'}: ${error.message}`);
  });
  records.on('close', () => server.close());
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address();

// --- the client: the same records, written in random segments ------------------------------------
let seed = 7;
const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32); // repeatable runs
const records = Buffer.alloc(RECORDS * SIZE);
for (let seq = 0; seq < RECORDS; seq++) {
  const record = records.subarray(seq * SIZE, (seq + 1) * SIZE);
  record.writeUInt32BE(seq, 0);
  for (let i = 4; i < SIZE - 4; i++) record[i] = (random() * 256) | 0;
  record.writeUInt32BE(crc32(record.subarray(0, SIZE - 4)), SIZE - 4);
  if (seq === CORRUPT) record[4 + (seq % (SIZE - 8))] ^= 0xff; // after the CRC: a transmission error
}
const stream = records.subarray(0, Math.max(0, records.length - TRUNCATE));

const client = net.connect(port, '127.0.0.1');
client.setNoDelay(true); // send each small write as its own segment rather than coalescing them
await once(client, 'connect');
let segments = 0;
const split = new Set(); // records whose bytes went out in more than one segment
for (let offset = 0; offset < stream.length; segments++) {
  const length = Math.min(1 + Math.floor(random() * 3 * SIZE), stream.length - offset);
  const end = offset + length;
  if (end % SIZE !== 0) split.add(Math.floor(end / SIZE)); // this segment ends inside a record
  await new Promise((resolve, reject) => client.write(stream.subarray(offset, end), (e) => (e ? reject(e) : resolve())));
  await new Promise(setImmediate); // let the server read before the next segment (same process)
  offset = end;
}
client.end();
await once(server, 'close');

console.log(`client: ${RECORDS} records of ${SIZE} bytes${TRUNCATE ? ` less ${TRUNCATE} bytes` : ''} written in ${segments} segments of 1–${3 * SIZE} bytes; ` +
  `${split.size} records split across segments`);
console.log(`server: ${report.reads} reads from the socket → ${report.records} records re-framed, ${report.good} verified (sequence and CRC-32), ` +
  `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}`);
for (const line of report.problems.slice(0, 5)) console.log(`  ${line}`);
process.exitCode = report.problems.length === 0 && report.good === RECORDS ? 0 : 1;
