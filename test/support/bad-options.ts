// The one catalogue of bad and good option values (SPEC "Options"), which test/bad-input.test.ts
// runs through every face's constructor. Each bad entry: [label, the options, the option the
// error's message names, the error class: TypeError for a wrong kind, RangeError out of range].
import type { SampleType } from '../../src/index.js';

export type BadOption = [label: string, options: unknown, option: string, kind: ErrorConstructor];

/** Values that are not a count (a positive safe integer), with the class each one gets. */
export const NOT_COUNTS: [string, unknown, ErrorConstructor][] = [
  ['0', 0, RangeError], ['-1', -1, RangeError], ['-0', -0, RangeError], ['2.5', 2.5, RangeError],
  ['NaN', NaN, RangeError], ['Infinity', Infinity, RangeError], ['-Infinity', -Infinity, RangeError],
  ["'16'", '16', TypeError], ['2**53', 2 ** 53, RangeError], ['16n', 16n, TypeError], ['null', null, TypeError],
  ['true', true, TypeError], ['an object', { valueOf: () => 16 }, TypeError], ['an array', [16], TypeError],
];

/** fill values the type cannot hold: [type, fill, class]. */
export const BAD_FILL: [SampleType, unknown, ErrorConstructor][] = [
  ['uint8', -1, RangeError], ['uint8', 256, RangeError], ['uint8', 1.5, RangeError], ['uint8', NaN, RangeError],
  ['uint8', Infinity, RangeError], ['uint8', '0', TypeError], ['uint8', '1', TypeError], ['uint8', null, TypeError],
  ['uint8', 256n, RangeError],
  ['int8', -129, RangeError], ['int8', 128, RangeError],
  ['uint16', 65536, RangeError], ['uint16', -1, RangeError],
  ['int16', 32768, RangeError], ['int16', -32769, RangeError], ['int16', 0.5, RangeError],
  ['uint32', 2 ** 32, RangeError], ['uint32', -1, RangeError],
  ['int32', 2 ** 31, RangeError], ['int32', -(2 ** 31) - 1, RangeError], ['int32', 0.5, RangeError], ['int32', Infinity, RangeError],
  ['float32', '0', TypeError], ['float32', 0n, TypeError], ['float32', 1n, TypeError], ['float32', null, TypeError],
  ['float64', '1', TypeError], ['float64', 1n, TypeError],
  ['complex64', 0n, TypeError], ['complex64', '0', TypeError], ['complex64', '1.5', TypeError],
  ['complex128', 1n, TypeError], ['complex128', [1, 2], TypeError],
  ['bigint64', 2n ** 63n, RangeError], ['bigint64', -(2n ** 63n) - 1n, RangeError], ['bigint64', 2 ** 53, RangeError],
  ['bigint64', 1.5, RangeError], ['bigint64', NaN, RangeError], ['bigint64', '0', TypeError],
  ['biguint64', -1n, RangeError], ['biguint64', 2n ** 64n, RangeError], ['biguint64', -1, RangeError],
  ['biguint64', Infinity, RangeError], ['biguint64', '1', TypeError],
];

/** fill values at the edges of what each type holds: accepted. */
export const GOOD_FILL: [SampleType, number | bigint][] = [
  ['uint8', 0], ['uint8', 255], ['int8', -128], ['int8', 127], ['uint16', 65535], ['int16', -32768],
  ['uint32', 2 ** 32 - 1], ['int32', -(2 ** 31)], ['int32', 2 ** 31 - 1], ['uint8', 7n],
  ['float32', NaN], ['float32', Infinity], ['float32', -0], ['float32', 1e40], ['float64', -1.5],
  ['complex64', 0.25], ['complex128', -Infinity],
  ['bigint64', -(2n ** 63n)], ['bigint64', 2n ** 63n - 1n], ['bigint64', -(2 ** 53 - 1)],
  ['biguint64', 2n ** 64n - 1n], ['biguint64', 2 ** 53 - 1],
];

const show = (v: unknown): string => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

export const BAD_OPTIONS: BadOption[] = [
  ...NOT_COUNTS.map(([label, v, kind]): BadOption => [`size ${label}`, { size: v }, 'size', kind]),
  ...NOT_COUNTS.map(([label, v, kind]): BadOption => [`hop ${label}`, { size: 4, hop: v }, 'hop', kind]),
  ...NOT_COUNTS.map(([label, v, kind]): BadOption => [`channels ${label}`, { size: 4, channels: v }, 'channels', kind]),
  ...NOT_COUNTS.map(([label, v, kind]): BadOption => [`align ${label}`, { size: 4, tail: 'pad', align: v }, 'align', kind]),
  ...NOT_COUNTS.map(([label, v, kind]): BadOption => [`bare size ${label}`, v, typeof v === 'number' ? 'size' : 'options', kind]),
  ['size missing', {}, 'size', TypeError],
  ['align > size', { size: 4, tail: 'pad', align: 5 }, 'align', RangeError],
  ['align > size, tail not pad', { size: 4, align: 5 }, 'align', RangeError],
  ['type unknown', { size: 4, type: 'float16' }, 'type', RangeError],
  ['type in another case', { size: 4, type: 'Float32' }, 'type', RangeError],
  ['type in capitals', { size: 4, type: 'UINT8' }, 'type', RangeError],
  ["type 'complex'", { size: 4, type: 'complex' }, 'type', RangeError],
  ['type empty', { size: 4, type: '' }, 'type', RangeError],
  ['type a constructor', { size: 4, type: Float32Array }, 'type', TypeError],
  ['type null', { size: 4, type: null }, 'type', TypeError],
  ['tail unknown', { size: 4, tail: 'ignore' }, 'tail', RangeError],
  ['tail in another case', { size: 4, tail: 'Pad' }, 'tail', RangeError],
  ['tail a number', { size: 4, tail: 1 }, 'tail', TypeError],
  ['tail true', { size: 4, tail: true }, 'tail', TypeError],
  ['batch a string', { size: 4, batch: 'true' }, 'batch', TypeError],
  ['batch a number', { size: 4, batch: 1 }, 'batch', TypeError],
  ['batch null', { size: 4, batch: null }, 'batch', TypeError],
  ['an unknown option', { size: 4, sise: 8 }, 'sise', TypeError],
  ['a misspelt option', { size: 4, chanels: 2 }, 'chanels', TypeError],
  ['a stream option among the options', { size: 4, highWaterMark: 2 }, 'highWaterMark', TypeError],
  ['options missing', undefined, 'options', TypeError],
  ['options null', null, 'options', TypeError],
  ['options an array', [4], 'options', TypeError],
  ["options '16'", '16', 'options', TypeError],
  ['options a function', () => 4, 'options', TypeError],
  // A chunk too large for one typed array (2^32 bytes here).
  ['uint8 chunk of 2^32 + 1 bytes', { size: 2 ** 32 + 1 }, 'size', RangeError],
  ['float64 chunk of 2^32 + 8 bytes', { size: 2 ** 29 + 1, type: 'float64' }, 'size', RangeError],
  ['float64 chunk of 2^33 bytes', { size: 2 ** 30, type: 'float64' }, 'size', RangeError],
  ['complex128 chunk of 2^32 + 16 bytes', { size: 2 ** 28 + 1, type: 'complex128' }, 'size', RangeError],
  ['complex128 stereo chunk of 2^32 + 32 bytes', { size: 2 ** 27 + 1, type: 'complex128', channels: 2 }, 'size', RangeError],
  ['channels beyond one typed array', { size: 1, type: 'uint16', channels: 2 ** 31 + 1 }, 'channels', RangeError],
  ['channels making one float64 sample 8 GiB', { size: 1, type: 'float64', channels: 2 ** 30 }, 'channels', RangeError],
  ['channels making the chunk too large', { size: 2 ** 16, channels: 2 ** 16 + 1 }, 'size', RangeError],
  // fill must fit the type (SPEC `fill`), whatever the tail policy.
  ...BAD_FILL.map(([type, fill, kind]): BadOption => [`fill ${show(fill)} for ${type}`, { size: 4, type, fill }, 'fill', kind]),
];
