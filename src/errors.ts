/**
 * Error codes of reframe: stable, safe to branch on.
 *
 * - `ERR_REFRAME_OPTION`: a bad option (a TypeError for a value of the wrong kind, a RangeError for
 *   one out of range), thrown at construction or at the `chunks()` call; nothing is coerced.
 * - `ERR_REFRAME_INPUT`: a TypeError for a burst that cannot be re-framed (not bytes nor samples of
 *   the option's type, or its buffer detached or shrunk before it was read), a `chunks()` source that
 *   is not iterable, or a stream that ended inside a sample (then `tail` holds the whole samples
 *   before it, if any; `tail: 'drop'` discards the stray bytes instead).
 * - `ERR_REFRAME_TAIL`: `tail: 'error'` and the stream ended with a partial chunk: `tail` holds a
 *   copy of its samples, so nothing is lost silently.
 * - `ERR_REFRAME_NO_STREAMS`: `new ChunkerStream()` on a platform without WHATWG streams, with no
 *   `streams` option, before anything imported `reframer/polyfill`.
 */
export type ReframeErrorCode = 'ERR_REFRAME_OPTION' | 'ERR_REFRAME_INPUT' | 'ERR_REFRAME_TAIL' | 'ERR_REFRAME_NO_STREAMS';

/** An error with one of reframe's codes. `tail`, when present, holds samples that could not be handed out. */
export interface ReframeError extends Error {
  /** Which error this is: branch on it, never on the message. */
  code: ReframeErrorCode;
  /**
   * With `ERR_REFRAME_TAIL`, a copy of the samples of the partial chunk; with `ERR_REFRAME_INPUT` at
   * the end of a stream that ended inside a sample, the whole samples before the stray bytes.
   */
  tail?: ArrayBufferView;
}

function coded<E extends Error>(error: E, code: ReframeErrorCode): E & { code: ReframeErrorCode } {
  Object.defineProperty(error, 'code', { value: code, enumerable: true, writable: true, configurable: true });
  return error as E & { code: ReframeErrorCode };
}

/**
 * Describes a value for a message, never throwing. Calls no toString or valueOf; the only user code
 * it can reach is a Symbol.toStringTag getter (or a Proxy trap), and their errors are swallowed.
 */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  try {
    if (Array.isArray(value)) return 'an array';
    if (ArrayBuffer.isView(value)) return `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
    return `an ${Object.prototype.toString.call(value).slice(8, -1)}`.replace(/^an ([^AEIOU])/, 'a $1');
  } catch {
    return 'an object'; // a revoked Proxy, or a Symbol.toStringTag getter that throws
  }
}

/** A bad option: TypeError for a value of the wrong kind, RangeError for one out of range. */
export function optionError(kind: 'type' | 'range', option: string, value: unknown, expected: string): Error {
  const message = `reframe: option '${option}' must be ${expected}; got ${describe(value)}`;
  return coded(kind === 'type' ? new TypeError(message) : new RangeError(message), 'ERR_REFRAME_OPTION');
}

/** A burst (or the end of a stream) that cannot be re-framed. */
export function inputError(message: string, tail?: ArrayBufferView): TypeError {
  const error = coded(new TypeError(`reframe: ${message}`), 'ERR_REFRAME_INPUT');
  if (tail !== undefined) Object.assign(error, { tail });
  return error;
}

/** `tail: 'error'` and the stream ended with a partial chunk, kept in `tail`. */
export function tailError(tail: ArrayBufferView, samples: number, size: number): Error {
  const error = coded(
    new Error(`reframe: the stream ended with a partial chunk of ${samples} of ${size} samples (tail: 'error')`),
    'ERR_REFRAME_TAIL',
  );
  return Object.assign(error, { tail });
}

/**
 * A ChunkerStream on a platform without WHATWG streams, with no `streams` option and no fallback
 * registered: the browser build does not load web-streams-polyfill by itself (`reframer/polyfill` does).
 */
export function noStreamsError(): Error {
  return coded(
    new Error("reframe: this platform has no WHATWG streams (ReadableStream, WritableStream); import 'reframer/polyfill' " +
      "once to build ChunkerStream on web-streams-polyfill's ponyfill, or pass an implementation as the `streams` option"),
    'ERR_REFRAME_NO_STREAMS',
  );
}
