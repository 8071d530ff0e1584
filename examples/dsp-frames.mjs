// Spectrum analysis of a radio-style sample stream: complex64 (I/Q) samples of a test tone arrive
// in irregular bursts; chunkerStream() cuts them into 1024-sample frames with hop 512 (50% overlap,
// each frame an independent Float32Array); each frame gets a Hann window and a radix-2 FFT (written
// below, no package), and the peak of its power spectrum must be the tone's bin.
//
//   node examples/dsp-frames.mjs [--freq 12500] [--rate 48000] [--seconds 1]
//
// A negative frequency (--freq=-5000) is a tone below the centre frequency (bins N/2..N-1), as
// complex samples allow.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { chunkerStream } from 'reframer';

const N = 1024; // samples per frame (a power of two for the FFT)
const HOP = 512;

const { values } = parseArgs({
  options: {
    freq: { type: 'string', default: '12500' },
    rate: { type: 'string', default: '48000' },
    seconds: { type: 'string', default: '1' },
  },
});
const FREQ = Number(values.freq);
const RATE = Number(values.rate);
const TOTAL = Math.round(Number(values.seconds) * RATE);
if (!(Math.abs(FREQ) < RATE / 2 && TOTAL >= N)) {
  console.error('--freq must lie within ±rate/2 and the signal must hold at least one frame (1024 samples)');
  process.exit(2);
}

// The tone exp(2πi·f·t) plus a little noise, in bursts of 1 to 3000 samples (a fixed seed).
let seed = 1024;
const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
let bursts = 0;
function* tone() {
  for (let start = 0; start < TOTAL; bursts++) {
    const count = Math.min(TOTAL - start, 1 + Math.floor(random() * 3000));
    const burst = new Float32Array(count * 2); // interleaved re, im
    for (let i = 0; i < count; i++) {
      const phase = (2 * Math.PI * FREQ * (start + i)) / RATE;
      burst[2 * i] = Math.cos(phase) + (random() - 0.5) * 0.2;
      burst[2 * i + 1] = Math.sin(phase) + (random() - 0.5) * 0.2;
    }
    yield burst;
    start += count;
  }
}

const hann = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
const peaks = [];
await pipeline(
  Readable.from(tone()),
  // tail: 'pad': the last window, short of samples, is filled with zeros up to a whole frame.
  chunkerStream({ type: 'complex64', size: N, hop: HOP, tail: 'pad' }),
  async (frames) => {
    for await (const frame of frames) {
      const re = new Float64Array(N);
      const im = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        re[i] = frame[2 * i] * hann[i];
        im[i] = frame[2 * i + 1] * hann[i];
      }
      fft(re, im);
      const power = re.map((r, k) => r * r + im[k] * im[k]);
      let bin = 0;
      for (let k = 1; k < N; k++) if (power[k] > power[bin]) bin = k;
      const median = Float64Array.from(power).sort()[N / 2];
      peaks.push({ bin, db: 10 * Math.log10(power[bin] / median) });
    }
  },
);

const hz = (bin) => ((bin >= N / 2 ? bin - N : bin) * RATE) / N;
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const counts = new Map();
for (const { bin } of peaks) counts.set(bin, (counts.get(bin) ?? 0) + 1);
const [top, frames] = [...counts].sort((a, b) => b[1] - a[1])[0];

console.log(`tone ${fmt(FREQ)} Hz sampled at ${fmt(RATE)}/s: ${fmt(TOTAL)} complex64 samples in ${bursts} bursts of 1–3,000`);
console.log(`→ ${peaks.length} frames of ${N} samples, hop ${HOP}; Hann window, ${N}-point FFT (bins ${fmt(RATE / N, 1)} Hz wide)`);
for (const k of new Set([0, 1, 2, peaks.length - 1].filter((k) => k < peaks.length))) {
  console.log(`  frame ${String(k).padStart(3)}: peak bin ${peaks[k].bin}, ${peaks[k].db.toFixed(1)} dB above the median bin`);
}
console.log(`peak bin ${top} (${fmt(hz(top), 1)} Hz) in ${frames} of ${peaks.length} frames`);

// In-place iterative radix-2 FFT (Cooley–Tukey, decimation in time) of re + i·im; length a power of 2.
function fft(re, im) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = start + k;
        const b = a + len / 2;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}
