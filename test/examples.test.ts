// Smoke tests for examples/: each example runs as its own process, importing 'reframer' from dist/
// (built by `pretest`), with small inputs and a time bound, and its output is checked against facts
// computed here. They run on each core this machine has (REFRAME_BACKEND in the child's environment).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend as installed } from '../src/index.js';
import { scaled } from './support/util.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT = scaled(15_000);
const BACKENDS = installed === 'native' ? ['native', 'js'] : ['js'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node examples/<name> ...args` from the package root on one core; resolves with its exit code and output. */
function runOn(backend: string, name: string, args: string[]): Promise<Run> {
  const env = { ...process.env, NO_COLOR: '1', REFRAME_BACKEND: backend };
  return new Promise((resolve) => {
    execFile(process.execPath, [`examples/${name}`, ...args], { cwd: ROOT, timeout: TIMEOUT, env },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      });
  });
}

/** Asserts a clean exit, showing stderr when it was not. */
function ok(result: Run): string {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

describe.each(BACKENDS)('examples on the %s core', (backend) => {
  const run = (name: string, ...args: string[]) => runOn(backend, name, args);

  it('original.mjs (npm run demo) prints the scenario and re-frames its own source file', async () => {
    const out = ok(await run('original.mjs'));
    expect(out).toContain(`backend: ${backend}\n`);
    expect(out).toContain('chunks per burst: 0, 0, 0, 1, 3, 0');
    expect(out).toContain('pending: 25 samples');
    expect(out).toMatch(/chunk 0: 7×0 · 50×7 · 1×57 · 6×58 +← bursts 0, 1, 2, 3/);
    expect(out).toMatch(/chunk 1: 34×58 · 30×98 +← bursts 3, 4/);
    expect(out).toContain('64 zero samples → 1 chunk, all zeros');
    expect(out).toContain('15,625 chunks, all still valid');
    const size = fs.statSync(new URL('../examples/original.mjs', import.meta.url)).size;
    const full = Math.floor(size / 1024);
    expect(out).toContain(`→ ${full + (size % 1024 ? 1 : 0)} chunks: ${full} × 1024 bytes + a tail of ${size % 1024} bytes`);
    expect(out.trimEnd().split('\n').length).toBeLessThanOrEqual(32);
  });

  describe('hash-pieces.mjs', () => {
    let dir: string;
    let file: string;
    let data: Buffer;
    beforeAll(() => {
      // 40 pieces of 1000 bytes and a 321-byte last piece, of bytes that differ piece by piece.
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reframe-hash-'));
      file = path.join(dir, 'data.bin');
      data = Buffer.from(Array.from({ length: 40_321 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
      fs.writeFileSync(file, data);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    const pieceLines = (out: string) => [...out.matchAll(/^piece +(\d+) +(\d+) bytes +([0-9a-f]{64})$/gm)]
      .map((m) => ({ index: Number(m[1]), length: Number(m[2]), hash: m[3] }));

    it('--all lists every piece with the SHA-256 computed here', async () => {
      const out = ok(await run('hash-pieces.mjs', file, '--piece-size', '1000', '--all'));
      const expected = Array.from({ length: 41 }, (_, i) => {
        const piece = data.subarray(i * 1000, (i + 1) * 1000);
        return { index: i, length: piece.length, hash: sha256(piece) };
      });
      expect(pieceLines(out)).toEqual(expected);
      expect(out).toContain('41 pieces, 39.4 KiB hashed');
    });

    it('a large file lists its first and last pieces with progress lines in between', async () => {
      const out = ok(await run('hash-pieces.mjs', file, '--piece-size', '1KiB'));
      const lines = pieceLines(out);
      expect(lines.map((l) => l.index)).toEqual([0, 1, 2, 3, 39]);
      expect(lines[4]).toEqual({ index: 39, length: 40_321 - 39 * 1024, hash: sha256(data.subarray(39 * 1024)) });
      expect(out).toMatch(/… \d+\/40 pieces, .* \(2\d%\)/);
      expect(out).toContain('40 pieces, 39.4 KiB hashed');
    });
  });

  describe('tcp-records.mjs', () => {
    it('verifies every record a client wrote in segments that split records', async () => {
      const out = ok(await run('tcp-records.mjs', '--records', '500', '--size', '48'));
      const client = /client: 500 records of 48 bytes written in (\d+) segments .*; (\d+) records split across segments/.exec(out);
      expect(client).not.toBeNull();
      expect(Number(client![2])).toBeGreaterThan(0);
      expect(out).toMatch(/server: \d+ reads from the socket → 500 records re-framed, 500 verified \(sequence and CRC-32\), 0 problems/);
    });

    it('reports a corrupted record and exits 1', async () => {
      const result = await run('tcp-records.mjs', '--records', '100', '--corrupt', '42');
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('100 records re-framed, 99 verified');
      expect(result.stdout).toContain('record 42: CRC-32 mismatch');
    });

    it('reports a connection that ends inside a record (tail: error) and exits 1', async () => {
      const result = await run('tcp-records.mjs', '--records', '100', '--truncate', '10');
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('99 records re-framed, 99 verified (sequence and CRC-32), 1 problem\n');
      expect(result.stdout).toContain('the connection ended inside record 99: its 54 bytes are in error.tail');
    });
  });

  describe('dsp-frames.mjs', () => {
    // The bin of a tone of f Hz in an N-point FFT at rate R: round(f·N/R), negative ones from N down.
    const binOf = (freq: number, rate: number) => (Math.round((freq * 1024) / rate) + 1024) % 1024;
    // Frames of 1024 with hop 512 over `total` samples: every whole window, then one padded window
    // if samples are left that no whole window held.
    const framesOf = (total: number) => {
      const whole = Math.floor((total - 1024) / 512) + 1;
      return whole + (total > (whole - 1) * 512 + 1024 ? 1 : 0);
    };

    it.each([
      [12_500, 48_000, '1'],
      [-5_000, 48_000, '0.1'],
      [440, 8_000, '0.5'],
    ])('finds a %d Hz tone at %d samples/s in every frame', async (freq, rate, seconds) => {
      const frames = framesOf(Math.round(Number(seconds) * rate));
      const out = ok(await run('dsp-frames.mjs', `--freq=${freq}`, '--rate', String(rate), '--seconds', seconds));
      expect(out).toContain(`→ ${frames} frames of 1024 samples, hop 512`);
      expect(out).toContain(`peak bin ${binOf(freq, rate)} (`);
      expect(out).toContain(`in ${frames} of ${frames} frames`);
    });
  });

  describe('mpeg-ts.mjs', () => {
    it('re-frames a synthesised stream into packets whose sync bytes all check', async () => {
      const out = ok(await run('mpeg-ts.mjs', '--packets', '1000'));
      expect(out).toMatch(/synthesised stream: \d+ bursts → 1000 packets of 188 bytes\n/);
      expect(out).toContain('sync byte 0x47: 1000 OK, 0 bad');
      expect(out).toMatch(/PID 0x0100: +600 packets, 0 continuity errors/);
    });

    it('a stream shifted by stray bytes fails the sync check and exits 1', async () => {
      const result = await run('mpeg-ts.mjs', '--packets', '100', '--junk', '5');
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('sync byte 0x47: 0 OK, 100 bad');
    });
  });

  describe('web-streams.mjs', () => {
    it('re-frames a fetch() body and a Blob stream through ChunkerStream, every chunk matching the data', async () => {
      const out = ok(await run('web-streams.mjs', '--bytes', '20123', '--size', '188'));
      const full = Math.floor(20_123 / 188);
      const rest = 20_123 % 188;
      expect(out).toMatch(new RegExp(`^fetch\\(\\): 20,123 bytes in \\d+ reads → ${full + 1} chunks \\(Uint8Array\\): ` +
        `${full} × 188 bytes \\+ 1 × ${rest}; all match the data$`, 'm'));
      expect(out).toMatch(new RegExp(`^Blob\\.stream\\(\\): 20,123 bytes in \\d+ reads → ${full + 1} chunks \\(Uint8Array\\): ` +
        `${full + 1} × 188 bytes \\(the last padded with ${188 - rest} zeros\\); all match the data$`, 'm'));
    });
  });
});
