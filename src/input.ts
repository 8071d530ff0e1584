// Input: every burst becomes a snapshot, a fixed-length Uint8Array over its real memory (never a
// copy, except strings, which must be encoded). Its buffer, offset and length are read once, here,
// through the intrinsic getters captured when this module loads: never through the burst's own
// (overridable) properties, so a subclass or a later monkey-patch cannot lie about its size.
import { describe, inputError, withArticle } from './errors.js';
import type { ResolvedOptions } from './options.js';

/** What a face accepts as one burst (strings on the Node face and `chunks()`, for `uint8`). */
export type Burst = ArrayBufferView | ArrayBufferLike | string;

type Getter<T> = (this: unknown) => T;
function getter<T>(proto: object, name: PropertyKey): Getter<T> {
  return Object.getOwnPropertyDescriptor(proto, name)!.get as Getter<T>;
}

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayTag = getter<string | undefined>(TypedArrayPrototype, Symbol.toStringTag);
const typedArrayBuffer = getter<ArrayBufferLike>(TypedArrayPrototype, 'buffer');
const typedArrayOffset = getter<number>(TypedArrayPrototype, 'byteOffset');
const typedArrayLength = getter<number>(TypedArrayPrototype, 'byteLength');
// Throws for a detached or out-of-bounds view (ValidateTypedArray), returns undefined for an empty one.
const typedArrayAt = (TypedArrayPrototype as { at: (this: unknown, index: number) => unknown }).at;
const dataViewBuffer = getter<ArrayBufferLike>(DataView.prototype, 'buffer');
const dataViewOffset = getter<number>(DataView.prototype, 'byteOffset'); // these throw when detached
const dataViewLength = getter<number>(DataView.prototype, 'byteLength'); // or out of bounds
const isView = ArrayBuffer.isView;
const Bytes = Uint8Array;
const textEncoder = new TextEncoder();

// Brand checks: these getters throw for anything but a real ArrayBuffer / SharedArrayBuffer, whatever
// its Symbol.toStringTag claims (an object, a Proxy), and run no user code.
const bufferLengths = [ArrayBuffer, globalThis.SharedArrayBuffer]
  .filter((C) => typeof C === 'function')
  .map((C) => getter<number>(C.prototype, 'byteLength'));

/** The byte length of an ArrayBuffer or SharedArrayBuffer (0 once detached); undefined for anything else. */
function bufferLength(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const byteLength of bufferLengths) {
    try {
      return byteLength.call(value);
    } catch {
      // not this kind of buffer
    }
  }
  return undefined;
}

/**
 * The length of one of our own snapshots now: its length when taken while its memory is whole, 0
 * once its buffer was detached or shrunk below its end. Faces that read a burst lazily compare it
 * with the length they accepted before every engine call.
 */
export const byteLengthOf: (view: Uint8Array) => number = (view) => typedArrayLength.call(view);

// A buffer transferred away (postMessage, structuredClone) or shrunk has lost its bytes: refusing it
// beats reading it as an empty burst and losing data silently.
const gone = () => inputError('the burst\'s buffer is detached (transferred away) or was shrunk below the view: its bytes are gone');

/**
 * The bytes of one burst, as a snapshot: a fixed-length Uint8Array over its memory as it is now (a
 * length-tracking view keeps the length it has now). Raw bytes (Uint8Array, Buffer, DataView,
 * ArrayBuffer) pass as they are; a typed array must be of the option's own element type; strings
 * are UTF-8 (or `encode`'s) bytes where `strings` allows them and the type is uint8. Anything else,
 * and a detached or out-of-bounds view, is ERR_REFRAME_INPUT.
 */
export function toBytes(
  burst: unknown,
  options: ResolvedOptions,
  strings: boolean,
  encode: (text: string) => Uint8Array = (text) => textEncoder.encode(text),
): Uint8Array {
  if (isView(burst)) {
    let buffer: ArrayBufferLike;
    let offset: number;
    let length: number;
    const tag = typedArrayTag.call(burst);
    if (tag === undefined) { // a DataView: its getters throw when detached or out of bounds
      try {
        buffer = dataViewBuffer.call(burst);
        offset = dataViewOffset.call(burst);
        length = dataViewLength.call(burst);
      } catch {
        throw gone();
      }
    } else {
      if (tag !== 'Uint8Array') { // Buffers too: the common case, first
        const own = options.info.array.name;
        if (tag !== own && !(tag === 'Uint8ClampedArray' && own === 'Uint8Array')) {
          throw inputError(`${withArticle(tag)} is not ${options.type} samples: pass ${withArticle(own)}, or raw bytes (Uint8Array, DataView, ArrayBuffer)`);
        }
      }
      buffer = typedArrayBuffer.call(burst);
      offset = typedArrayOffset.call(burst);
      length = typedArrayLength.call(burst);
      if (length === 0) {
        try {
          typedArrayAt.call(burst, 0); // a detached or out-of-bounds view reads as empty: tell them apart
        } catch {
          throw gone();
        }
      }
    }
    try {
      return new Bytes(buffer, offset, length);
    } catch {
      throw gone();
    }
  }
  const length = bufferLength(burst);
  if (length !== undefined) {
    try {
      return new Bytes(burst as ArrayBufferLike, 0, length);
    } catch {
      throw gone();
    }
  }
  if (typeof burst === 'string') {
    if (strings && options.type === 'uint8') return encode(burst);
    throw inputError(strings
      ? `strings are bytes only with type 'uint8', not '${options.type}'`
      : 'strings are not accepted here: pass bytes (Uint8Array) or typed samples');
  }
  throw inputError(`a burst must be a typed array, DataView or ArrayBuffer${strings ? ' (or a string)' : ''}; got ${describe(burst)}`);
}
