// Options: validated once, here, and turned into a ResolvedOptions that nothing re-checks.
import { didYouMean, optionError } from './errors.js';
import { SAMPLE_TYPES, type SampleType, type SampleTypeInfo } from './types.js';

/** What the end of the stream does with a last, incomplete chunk. */
export type TailPolicy = 'emit' | 'pad' | 'drop' | 'error';

/** Options shared by every face. */
export interface ChunkerOptions<T extends SampleType = SampleType> {
  /** Samples per chunk (integer ≥ 1). */
  size: number;
  /** Samples from the start of one chunk to the next (integer ≥ 1, default `size`). */
  hop?: number;
  /** Sample type (default `'uint8'`). */
  type?: T;
  /** Interleaved values per sample (integer ≥ 1, default 1). */
  channels?: number;
  /** What the end of the stream does with the last, incomplete chunk (default `'emit'`). */
  tail?: TailPolicy;
  /** The value `tail: 'pad'` writes into padded samples (default 0). */
  fill?: number | bigint;
  /** With `tail: 'pad'`, pad only up to the next multiple of `align` samples (1 ≤ align ≤ size, default `size`). */
  align?: number;
  /** Hand out arrays of chunks (one per burst, bounded) instead of single chunks (default false). */
  batch?: boolean;
}

/** Options after validation, with the byte sizes every core works in. */
export interface ResolvedOptions {
  readonly size: number;
  readonly hop: number;
  readonly type: SampleType;
  readonly channels: number;
  readonly tail: TailPolicy;
  readonly fill: number | bigint;
  readonly align: number;
  readonly batch: boolean;
  readonly info: SampleTypeInfo;
  /** Bytes per sample: element size × parts × channels. */
  readonly sampleBytes: number;
  /** Bytes per full chunk. */
  readonly chunkBytes: number;
  /** Bytes from one chunk's start to the next one's. */
  readonly hopBytes: number;
  /**
   * One value of `fill` as bytes in platform order: padding repeats it through every value of every
   * padded sample (both parts of a complex one, every channel), so it is small whatever `channels` is.
   */
  readonly fillBytes: Uint8Array;
}

/** The largest chunk one typed array holds here (V8: 2³² bytes). */
export const MAX_CHUNK_BYTES = 2 ** 32;

export const TAIL_POLICIES: readonly TailPolicy[] = ['emit', 'pad', 'drop', 'error'];
const KNOWN = ['size', 'hop', 'type', 'channels', 'tail', 'fill', 'align', 'batch'];
function integer(options: Record<string, unknown>, name: string, fallback: number, max: number): number {
  const value = options[name] === undefined ? fallback : options[name];
  if (typeof value !== 'number') throw optionError('type', name, value, 'an integer');
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw optionError('range', name, value, `an integer from 1 to ${max}`);
  }
  return value;
}

function oneOf<V extends string>(options: Record<string, unknown>, name: string, allowed: readonly V[], fallback: V): V {
  const value = options[name] === undefined ? fallback : options[name];
  if (!(allowed as readonly unknown[]).includes(value)) {
    // A string that names nothing is out of range (and may be a slip of a name); anything else is of the wrong kind.
    const string = typeof value === 'string';
    throw optionError(string ? 'range' : 'type', name, value, `one of ${allowed.join(', ')} ${string ? didYouMean(value, allowed) : ''}`.trim());
  }
  return value as V;
}

/**
 * Checks that `options` (the argument `name`) is an object whose own keys `known` all names:
 * ERR_REFRAME_OPTION otherwise, naming the known key a wrong one looks like a slip of, or listing them.
 */
export function checkKeys(options: unknown, known: readonly string[], name: string, expected: string): asserts options is Record<string, unknown> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw optionError('type', name, options, expected);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw optionError('type', key, (options as Record<string, unknown>)[key], `left out (${didYouMean(key, known, `options are ${known.join(', ')}`)})`);
    }
  }
}

function resolveFill(value: unknown, type: SampleType, info: SampleTypeInfo): number | bigint {
  if (value === undefined) return info.fill.kind === 'bigint' ? 0n : 0;
  const rule = info.fill;
  const of = ` for type '${type}'`;
  if (rule.kind === 'float') {
    if (typeof value !== 'number') throw optionError('type', 'fill', value, `a number${of}`);
    return value;
  }
  if (rule.kind === 'int') {
    const n = typeof value === 'bigint' ? Number(value) : value;
    if (typeof n !== 'number') throw optionError('type', 'fill', value, `an integer${of}`);
    if (!Number.isInteger(n) || n < rule.min || n > rule.max) {
      throw optionError('range', 'fill', value, `an integer from ${rule.min} to ${rule.max}${of}`);
    }
    return n + 0; // -0 → 0
  }
  const expected = `a bigint or safe integer from ${rule.min} to ${rule.max}${of}`;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw optionError('range', 'fill', value, expected);
  } else if (typeof value !== 'bigint') {
    throw optionError('type', 'fill', value, expected);
  }
  const big = BigInt(value);
  if (big < rule.min || big > rule.max) throw optionError('range', 'fill', value, expected);
  return big;
}

function encodeFill(fill: number | bigint, info: SampleTypeInfo): Uint8Array {
  const values = new info.array(new ArrayBuffer(info.array.BYTES_PER_ELEMENT), 0, 1);
  (values as { fill(v: number | bigint): unknown }).fill(fill);
  return new Uint8Array(values.buffer);
}

/**
 * Validates options (or a bare size) once, at construction. Throws a TypeError or RangeError with
 * `code: 'ERR_REFRAME_OPTION'` naming the option and the value; nothing is coerced or guessed.
 * `also` names keys the caller reads and validates itself (`chunks()`'s `signal`).
 */
export function resolveOptions(input: unknown, also: readonly string[] = []): ResolvedOptions {
  const options = typeof input === 'number' ? { size: input } : input;
  checkKeys(options, [...KNOWN, ...also], 'options', 'an options object or a size');
  if (options.size === undefined) throw optionError('type', 'size', undefined, 'an integer');
  const type = oneOf(options, 'type', Object.keys(SAMPLE_TYPES) as SampleType[], 'uint8');
  const info = SAMPLE_TYPES[type];
  const channels = integer(options, 'channels', 1, MAX_CHUNK_BYTES / (info.array.BYTES_PER_ELEMENT * info.parts));
  const sampleBytes = info.array.BYTES_PER_ELEMENT * info.parts * channels;
  const size = integer(options, 'size', 0, Number.MAX_SAFE_INTEGER);
  if (size * sampleBytes > MAX_CHUNK_BYTES) {
    throw optionError('range', 'size', size, `at most ${Math.floor(MAX_CHUNK_BYTES / sampleBytes)} (a chunk must fit one typed array: ${MAX_CHUNK_BYTES} bytes, ${sampleBytes} per sample)`);
  }
  const hop = integer(options, 'hop', size, Math.floor(Number.MAX_SAFE_INTEGER / sampleBytes));
  const tail = oneOf(options, 'tail', TAIL_POLICIES, 'emit');
  const fill = resolveFill(options.fill, type, info);
  const align = integer(options, 'align', size, size);
  const batch = options.batch === undefined ? false : options.batch;
  if (typeof batch !== 'boolean') throw optionError('type', 'batch', batch, 'a boolean');
  return Object.freeze({
    size, hop, type, channels, tail, fill, align, batch, info, sampleBytes,
    chunkBytes: size * sampleBytes,
    hopBytes: hop * sampleBytes,
    fillBytes: encodeFill(fill, info),
  });
}
