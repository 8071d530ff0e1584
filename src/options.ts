// Options: validated once, here, and turned into a ResolvedOptions that nothing re-checks.
import { closest, optionError, plural, unknownOptionError } from './errors.js';
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
const KNOWN = new Set(['size', 'hop', 'type', 'channels', 'tail', 'fill', 'align', 'batch']);
// Names of the stream faces' second argument (Node's stream options, ChunkerStream's init): given in
// the first argument, the message says where they go instead of guessing a near name.
const SECOND_ARGUMENT = new Set(['highWaterMark', 'readableHighWaterMark', 'writableHighWaterMark', 'signal', 'streams', 'objectMode']);

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
  if (typeof value !== 'string') throw optionError('type', name, value, `one of ${allowed.join(', ')}`);
  if (!(allowed as readonly string[]).includes(value)) {
    const near = closest(value, allowed);
    throw optionError('range', name, value, `one of ${allowed.join(', ')}${near === undefined ? '' : ` (did you mean '${near}'?)`}`);
  }
  return value as V;
}

/**
 * Refuses every own key of `options` that `known` does not name (ERR_REFRAME_OPTION, naming the
 * closest known name when it looks like a slip of one).
 */
export function checkKeys(options: object, known: ReadonlySet<string>, elsewhere?: (key: string) => string | undefined): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw unknownOptionError(key, (options as Record<string, unknown>)[key], [...known], elsewhere?.(key));
  }
}

function resolveFill(value: unknown, type: SampleType, info: SampleTypeInfo): number | bigint {
  if (value === undefined) return info.fill.kind === 'bigint' ? 0n : 0;
  const rule = info.fill;
  if (rule.kind === 'float') {
    if (typeof value !== 'number') throw optionError('type', 'fill', value, `a number for type '${type}'`);
    return value;
  }
  if (rule.kind === 'int') {
    const n = typeof value === 'bigint' ? Number(value) : value;
    if (typeof n !== 'number') throw optionError('type', 'fill', value, `an integer for type '${type}'`);
    if (!Number.isInteger(n) || n < rule.min || n > rule.max) {
      throw optionError('range', 'fill', value, `an integer from ${rule.min} to ${rule.max} for type '${type}'`);
    }
    return n + 0; // -0 → 0
  }
  const expected = `a bigint or safe integer from ${rule.min} to ${rule.max} for type '${type}'`;
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
  const options: Record<string, unknown> =
    typeof input === 'number' ? { size: input } : (input as Record<string, unknown>);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw optionError('type', 'options', input, 'an options object or a size');
  }
  const known = also.length === 0 ? KNOWN : new Set([...KNOWN, ...also]);
  checkKeys(options, known, (key) => (SECOND_ARGUMENT.has(key) && !known.has(key)
    ? 'a stream option: it goes in the second argument of chunkerStream() or new ChunkerStream()'
    : undefined));
  if (options.size === undefined) throw optionError('type', 'size', undefined, 'an integer');
  const type = oneOf(options, 'type', Object.keys(SAMPLE_TYPES) as SampleType[], 'uint8');
  const info = SAMPLE_TYPES[type];
  const channels = integer(options, 'channels', 1, MAX_CHUNK_BYTES / (info.array.BYTES_PER_ELEMENT * info.parts));
  const sampleBytes = info.array.BYTES_PER_ELEMENT * info.parts * channels;
  const size = integer(options, 'size', 0, Number.MAX_SAFE_INTEGER);
  if (size * sampleBytes > MAX_CHUNK_BYTES) {
    throw optionError('range', 'size', size, `at most ${plural(Math.floor(MAX_CHUNK_BYTES / sampleBytes), 'sample')} of ${plural(sampleBytes, 'byte')} (a chunk must fit one typed array)`);
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
