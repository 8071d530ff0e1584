// Hash a file in fixed-size pieces, as BitTorrent and multipart uploads do: a SHA-256 per 4 MiB
// piece (the last piece is shorter). The file is read in whatever bursts fs hands out (64 KiB by
// default) and chunkerStream() turns them into exact pieces.
//
//   node examples/hash-pieces.mjs [path] [--piece-size 4MiB] [--all]
//
// With no path it hashes the node binary that runs it. A large file lists its first and last
// pieces with a progress line in between; --all lists every piece.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { chunkerStream } from 'reframer';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'piece-size': { type: 'string', default: '4MiB' },
    all: { type: 'boolean', default: false },
  },
});
const file = positionals[0] ?? process.execPath;
const pieceSize = parseSize(values['piece-size']);
const stat = fs.statSync(file, { throwIfNoEntry: false });
if (!stat?.isFile()) {
  console.error(`${file}: not a file`);
  process.exit(2);
}
const total = stat.size;
const count = Math.ceil(total / pieceSize);
const listAll = values.all || count <= 10;
const head = 4; // pieces listed before the progress line of a large file

console.log(`${file}: ${bytes(total)} in ${count} pieces of ${bytes(pieceSize)} (SHA-256 each)`);

const started = performance.now();
let index = 0;
let done = 0;
let reported = 0; // the last quarter (1..4) a progress line was printed for
await pipeline(
  fs.createReadStream(file),
  // A high-water mark of 2 pieces keeps memory at a few pieces however fast the disk is.
  chunkerStream({ size: pieceSize }, { highWaterMark: 2 }),
  async (pieces) => {
    for await (const piece of pieces) {
      const hash = createHash('sha256').update(piece).digest('hex');
      done += piece.length;
      if (listAll || index < head || index === count - 1) {
        console.log(`piece ${String(index).padStart(5)}  ${String(piece.length).padStart(9)} bytes  ${hash}`);
      } else {
        progress();
      }
      index++;
    }
  },
);
if (process.stderr.isTTY && !listAll) process.stderr.write('\r\x1b[K');
const seconds = (performance.now() - started) / 1000;
console.log(`${index} pieces, ${bytes(done)} hashed in ${seconds.toFixed(2)} s (${bytes(done / seconds)}/s)`);

// On a terminal one line, rewritten in place; otherwise a line at each quarter.
function progress() {
  const percent = Math.floor((done / total) * 100);
  const line = `  … ${index + 1}/${count} pieces, ${bytes(done)} of ${bytes(total)} (${percent}%)`;
  if (process.stderr.isTTY) {
    process.stderr.write(`\r\x1b[K${line}`);
  } else if (Math.floor(percent / 25) > reported) {
    reported = Math.floor(percent / 25);
    console.log(line);
  }
}

function parseSize(text) {
  const match = /^(\d+)\s*(B|KiB|MiB|GiB)?$/i.exec(text);
  const unit = { b: 1, kib: 1 << 10, mib: 1 << 20, gib: 1 << 30 }[(match?.[2] ?? 'b').toLowerCase()];
  const size = match ? Number(match[1]) * unit : NaN;
  if (!(size >= 1)) {
    console.error(`--piece-size must be a positive size such as 4MiB, 256KiB or 16384; got ${text}`);
    process.exit(2);
  }
  return size;
}

function bytes(n) {
  if (n < 1024) return `${Math.round(n)} B`;
  const [value, unit] = n < 1 << 20 ? [n / 1024, 'KiB'] : n < 1 << 30 ? [n / (1 << 20), 'MiB'] : [n / (1 << 30), 'GiB'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}
