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
 * - `ERR_REFRAME_NO_POLYFILL`: `import 'reframer/polyfill'` where `web-streams-polyfill` (an optional
 *   peer dependency) is not installed: `npm install web-streams-polyfill`.
 * - `ERR_REFRAME_BACKEND`: at import (Node, Bun, Deno), the environment asks for a core that cannot
 *   be had: `REFRAME_BACKEND` is neither `js` nor `native`, `REFRAME_ADDON` is not an absolute path to
 *   a `.node` file, or `REFRAME_BACKEND=native` where the addon does not load.
 */
export type ReframeErrorCode =
  | 'ERR_REFRAME_OPTION' | 'ERR_REFRAME_INPUT' | 'ERR_REFRAME_TAIL' | 'ERR_REFRAME_NO_STREAMS'
  | 'ERR_REFRAME_NO_POLYFILL' | 'ERR_REFRAME_BACKEND';

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

/** Gives `error` one of reframe's codes (an own, enumerable property, as Node's errors have). */
export function coded<E extends Error>(error: E, code: ReframeErrorCode): E & { code: ReframeErrorCode } {
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
    return withArticle(Object.prototype.toString.call(value).slice(8, -1));
  } catch {
    return 'an object'; // a revoked Proxy, or a Symbol.toStringTag getter that throws
  }
}

/**
 * `word` after its indefinite article, by sound: "an Int16Array", "an ArrayBuffer", "an object", but
 * "a Uint8Array", "a Float32Array" (a leading "u" that sounds "you" takes "a").
 */
export function withArticle(word: string): string {
  return `${/^(?:[aeio]|u(?!ni|int))/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** `count` and `unit` with the unit singular for 1: "1 byte", "8 bytes", "1 sample". */
export function plural(count: number | bigint, unit: string): string {
  return `${count} ${count === 1 || count === 1n ? unit : `${unit}s`}`;
}

/**
 * The first name in `known` that `name` looks like a slip of: the same but for case, one edit away
 * (a letter added, dropped or changed, or two neighbours swapped), or one of the two the start of the
 * other (`batched`, `hopSize`). Cheap on purpose: it ships in the browser build.
 */
export function closest(name: string, known: Iterable<string>): string | undefined {
  const a = name.toLowerCase();
  for (const candidate of known) {
    const b = candidate.toLowerCase();
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    const rest = a.slice(i + 1);
    if (rest === b.slice(i + 1) || rest === b.slice(i) || a.slice(i) === b.slice(i + 1) ||
        a[i] + rest[0] === b[i + 1]! + b[i] && rest.slice(1) === b.slice(i + 2) || (i > 2 && !(a[i] && b[i]))) {
      return candidate;
    }
  }
  return undefined;
}

/** `did you mean 'x'?` for the name in `known` that `name` looks like a slip of, else `otherwise`. */
export function didYouMean(name: string, known: readonly string[], otherwise = ''): string {
  const near = closest(name, known);
  return near === undefined ? otherwise : `did you mean '${near}'?`;
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
    new Error(`reframe: the stream ended with a partial chunk of ${samples} of ${plural(size, 'sample')} (tail: 'error')`),
    'ERR_REFRAME_TAIL',
  );
  return Object.assign(error, { tail });
}

/**
 * The environment asks for a core that cannot be had (REFRAME_BACKEND, REFRAME_ADDON): thrown at
 * import, so that a typo never silently selects the other core or loads something else.
 */
export function backendError(message: string, options?: { cause?: unknown }): Error {
  return coded(new Error(`reframe: ${message}`, options), 'ERR_REFRAME_BACKEND');
}

/** `import 'reframer/polyfill'` without web-streams-polyfill installed. */
export function noPolyfillError(cause: unknown): Error {
  return coded(
    new Error("reframe: 'reframer/polyfill' builds ChunkerStream on web-streams-polyfill, which is not installed " +
      '(it is an optional peer dependency): `npm install web-streams-polyfill`', { cause }),
    'ERR_REFRAME_NO_POLYFILL',
  );
}

/**
 * A ChunkerStream on a platform without WHATWG streams, with no `streams` option and no fallback
 * registered: the browser build does not load web-streams-polyfill by itself (`reframer/polyfill` does).
 */
export function noStreamsError(): Error {
  return coded(
    new Error("reframe: no WHATWG streams here: import 'reframer/polyfill' once (`npm install web-streams-polyfill`), " +
      'or pass an implementation as the `streams` option'),
    'ERR_REFRAME_NO_STREAMS',
  );
}
