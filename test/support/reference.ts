// A deliberately naive framing of a whole stream, written from SPEC.md alone (never from the
// engines): chunk k holds samples [k·hop, k·hop + size); then the one final window, if it holds a
// sample no earlier chunk held, goes through the tail policy. Everything is in bytes so that float
// NaN payloads compare exactly.
import type { ChunkerOptions, SampleType, TailPolicy } from '../../src/index.js';

/** Element constructor, values per sample before channels, for every SPEC type. */
export const TYPES: Readonly<Record<SampleType, { array: { new (length: number): ArrayLike<unknown> & { buffer: ArrayBufferLike; fill(v: never): unknown }; BYTES_PER_ELEMENT: number; name: string }; parts: number }>> = {
  uint8: { array: Uint8Array, parts: 1 },
  int8: { array: Int8Array, parts: 1 },
  uint16: { array: Uint16Array, parts: 1 },
  int16: { array: Int16Array, parts: 1 },
  uint32: { array: Uint32Array, parts: 1 },
  int32: { array: Int32Array, parts: 1 },
  float32: { array: Float32Array, parts: 1 },
  float64: { array: Float64Array, parts: 1 },
  bigint64: { array: BigInt64Array, parts: 1 },
  biguint64: { array: BigUint64Array, parts: 1 },
  complex64: { array: Float32Array, parts: 2 },
  complex128: { array: Float64Array, parts: 2 },
};

export const TYPE_NAMES = Object.keys(TYPES) as SampleType[];

/** Bytes of one sample under `options`. */
export function sampleBytes(options: ChunkerOptions): number {
  const t = TYPES[options.type ?? 'uint8'];
  return t.array.BYTES_PER_ELEMENT * t.parts * (options.channels ?? 1);
}

/** The bytes of one padded sample: every value (each channel, both complex parts) = fill. */
export function fillSample(options: ChunkerOptions): Uint8Array {
  const t = TYPES[options.type ?? 'uint8'];
  const values = new t.array(t.parts * (options.channels ?? 1));
  const big = t.array === BigInt64Array || t.array === BigUint64Array;
  const fill = options.fill ?? 0;
  values.fill((big ? BigInt(fill) : Number(fill)) as never); // a 64-bit type takes a safe integer too

  return new Uint8Array(values.buffer);
}

export type End =
  | { kind: 'ok' } // flush hands out nothing more than `chunks` holds
  | { kind: 'tail'; tail: Uint8Array } // ERR_REFRAME_TAIL, `tail` = those samples
  | { kind: 'input' }; // ERR_REFRAME_INPUT: the stream ended inside a sample

export interface Framing {
  /** Every chunk, the final one (emitted or padded) included, as bytes. */
  chunks: Uint8Array[];
  /** How flush() ends. */
  end: End;
  /** How many of `chunks` come from flush() (0 or 1). */
  flushed: number;
  /** `pending` once the whole stream is in. */
  pending: number;
}

/** Frames the whole stream `bytes` per SPEC. */
export function frame(bytes: Uint8Array, options: ChunkerOptions): Framing {
  const size = options.size;
  const hop = options.hop ?? size;
  const tail: TailPolicy = options.tail ?? 'emit';
  const align = options.align ?? size;
  const B = sampleBytes(options);
  const n = Math.floor(bytes.length / B); // whole samples
  const stray = bytes.length % B !== 0;
  const samples = (from: number, to: number) => bytes.slice(from * B, to * B);

  const chunks: Uint8Array[] = [];
  let k = 0;
  for (; k * hop + size <= n; k++) chunks.push(samples(k * hop, k * hop + size));

  // The final window starts at k·hop; earlier chunks held every sample before (k-1)·hop + size.
  const start = k * hop;
  const held = k === 0 ? 0 : (k - 1) * hop + size;
  const firstNew = Math.max(start, held);
  const pending = n > firstNew ? n - firstNew : 0;
  const final = pending > 0 ? samples(start, n) : undefined;

  if (stray && tail !== 'drop') return { chunks, end: { kind: 'input' }, flushed: 0, pending };
  if (final === undefined || tail === 'drop') return { chunks, end: { kind: 'ok' }, flushed: 0, pending };
  if (tail === 'error') return { chunks, end: { kind: 'tail', tail: final }, flushed: 0, pending };
  if (tail === 'emit') return { chunks: [...chunks, final], end: { kind: 'ok' }, flushed: 1, pending };
  // pad: up to the next multiple of align samples, never beyond size.
  const have = n - start;
  const to = Math.min(size, Math.ceil(have / align) * align);
  const padded = new Uint8Array(to * B);
  padded.set(final);
  const one = fillSample(options);
  for (let s = have; s < to; s++) padded.set(one, s * B);
  return { chunks: [...chunks, padded], end: { kind: 'ok' }, flushed: 1, pending };
}
