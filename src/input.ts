// Input normalisation: every burst becomes a Uint8Array view of its bytes (never a copy, except
// strings, which must be encoded).
import { describe, inputError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/** What a face accepts as one burst (strings only where SPEC allows them). */
export type Burst = ArrayBufferView | ArrayBufferLike | string;

const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype) as object,
  Symbol.toStringTag,
)!.get as (this: unknown) => string | undefined;
const textEncoder = new TextEncoder();

// Brand checks: these getters throw for anything but a real ArrayBuffer / SharedArrayBuffer, whatever
// its Symbol.toStringTag claims (an object, a Proxy), and run no user code.
const byteLengthGetters = [ArrayBuffer, globalThis.SharedArrayBuffer]
  .filter((C) => typeof C === 'function')
  .map((C) => Object.getOwnPropertyDescriptor(C.prototype, 'byteLength')!.get!);

function isArrayBuffer(value: unknown): value is ArrayBufferLike {
  if (typeof value !== 'object' || value === null) return false;
  for (const byteLength of byteLengthGetters) {
    try {
      byteLength.call(value);
      return true;
    } catch {
      // not this kind of buffer
    }
  }
  return false;
}

// A buffer transferred away (postMessage, structuredClone) has lost its bytes: refusing it beats
// reading it as an empty burst and losing data silently. Viewing a detached buffer throws.
const detached = () => inputError('the burst\'s ArrayBuffer is detached (transferred away): its bytes are gone');

/**
 * The bytes of one burst. Raw bytes (Uint8Array, Buffer, DataView, ArrayBuffer) pass as they are;
 * a typed array must be of the option's own element type; strings are UTF-8 (or `encode`'s) bytes
 * where `strings` allows them and the type is uint8. Anything else is ERR_REFRAME_INPUT.
 */
export function toBytes(
  burst: unknown,
  options: ResolvedOptions,
  strings: boolean,
  encode: (text: string) => Uint8Array = (text) => textEncoder.encode(text),
): Uint8Array {
  if (ArrayBuffer.isView(burst)) {
    const tag = typedArrayTag.call(burst);
    if (tag === 'Uint8Array') { // Buffers too: the common case, first
      if (burst.byteLength !== 0) return burst as Uint8Array;
      try {
        new Uint8Array(burst.buffer); // throws if detached (a detached view reads as empty)
      } catch {
        throw detached();
      }
      return burst as Uint8Array;
    }
    const own = options.info.array.name;
    if (tag === undefined /* DataView */ || tag === own || (tag === 'Uint8ClampedArray' && own === 'Uint8Array')) {
      try {
        return new Uint8Array(burst.buffer, burst.byteOffset, burst.byteLength);
      } catch {
        throw detached();
      }
    }
    throw inputError(`a ${tag} is not ${options.type} samples: pass a ${own}, or raw bytes (Uint8Array, DataView, ArrayBuffer)`);
  }
  if (isArrayBuffer(burst)) {
    try {
      return new Uint8Array(burst);
    } catch {
      throw detached();
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
