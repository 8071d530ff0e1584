// The portable faces (the package's "browser" export condition, and the base of the Node entry):
// the TypeScript core behind the faces that need no Node. Nothing in this file's import graph
// imports a `node:` module or the addon (test/browser-graph.test.ts walks it); runtime.ts's
// defaults (TS core, plain Uint8Array memory) are what runs unless the Node entry installed more.
import { runtime } from './core/runtime.js';
import type { Backend } from './core/engine.js';

export { Chunker } from './chunker.js';
export { ChunkerStream } from './web-stream.js';
export type { ChunkerStreamInit, StreamsImplementation, WebItemOf, WebBurst, WebReadableOf, WebWritableOf } from './web-stream.js';
export { chunks } from './chunks.js';
export type { BurstSource, ChunksItemOf, ChunksOptions } from './chunks.js';
export type { ChunkerOptions, TailPolicy } from './options.js';
export type { SampleType, ChunkOf, AnyChunk } from './types.js';
export type { ReframeError, ReframeErrorCode } from './errors.js';
export type { Backend } from './core/engine.js';

/** Which core runs: `'native'` (the C++ addon, Node only) or `'js'` (the TypeScript core; always in a browser). */
export const backend: Backend = runtime.backend;
