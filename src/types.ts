/** Sample types (the `type` option): each names the typed array its chunks come in. */
export type SampleType =
  | 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32'
  | 'float32' | 'float64' | 'bigint64' | 'biguint64' | 'complex64' | 'complex128';

/** The typed array a chunk of sample type `T` comes in. */
export type ChunkOf<T extends SampleType> =
  T extends 'uint8' ? Uint8Array
  : T extends 'int8' ? Int8Array
  : T extends 'uint16' ? Uint16Array
  : T extends 'int16' ? Int16Array
  : T extends 'uint32' ? Uint32Array
  : T extends 'int32' ? Int32Array
  : T extends 'float32' | 'complex64' ? Float32Array
  : T extends 'float64' | 'complex128' ? Float64Array
  : T extends 'bigint64' ? BigInt64Array
  : T extends 'biguint64' ? BigUint64Array
  : never;

/** Any chunk: the typed array of one of the sample types (`ChunkOf<SampleType>`). */
export type AnyChunk =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

export interface TypedArrayConstructorOf {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): AnyChunk;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
}

export interface SampleTypeInfo {
  /** The typed array chunks (and typed-array input) of this type use. */
  readonly array: TypedArrayConstructorOf;
  /** Values per sample before channels: 2 for complex (re, im), else 1. */
  readonly parts: 1 | 2;
  /** How `fill` must look: an integer in [min, max] (as bigint for 64-bit), or any number. */
  readonly fill: { kind: 'int'; min: number; max: number } | { kind: 'bigint'; min: bigint; max: bigint } | { kind: 'float' };
}

const int = (min: number, max: number) => ({ kind: 'int', min, max }) as const;
const float = { kind: 'float' } as const;

export const SAMPLE_TYPES: Readonly<Record<SampleType, SampleTypeInfo>> = Object.freeze({
  uint8: { array: Uint8Array, parts: 1, fill: int(0, 0xff) },
  int8: { array: Int8Array, parts: 1, fill: int(-0x80, 0x7f) },
  uint16: { array: Uint16Array, parts: 1, fill: int(0, 0xffff) },
  int16: { array: Int16Array, parts: 1, fill: int(-0x8000, 0x7fff) },
  uint32: { array: Uint32Array, parts: 1, fill: int(0, 0xffffffff) },
  int32: { array: Int32Array, parts: 1, fill: int(-0x80000000, 0x7fffffff) },
  float32: { array: Float32Array, parts: 1, fill: float },
  float64: { array: Float64Array, parts: 1, fill: float },
  bigint64: { array: BigInt64Array, parts: 1, fill: { kind: 'bigint', min: -(2n ** 63n), max: 2n ** 63n - 1n } },
  biguint64: { array: BigUint64Array, parts: 1, fill: { kind: 'bigint', min: 0n, max: 2n ** 64n - 1n } },
  complex64: { array: Float32Array, parts: 2, fill: float },
  complex128: { array: Float64Array, parts: 2, fill: float },
} satisfies Record<SampleType, SampleTypeInfo>);
