// reframe for Node: the native core (TypeScript core as fallback) behind every face.
import './core/node-runtime.js';
import { runtime } from './core/runtime.js';
import type { Backend } from './core/engine.js';

export { Chunker } from './chunker.js';
export { chunkerStream, ChunkerTransform } from './node-stream.js';
export type { NodeChunkOf, ChunkerStreamOptions } from './node-stream.js';
export { ChunkerStream } from './web-stream.js';
export type { ChunkerStreamInit, StreamsImplementation, WebItemOf, WebBurst, WebReadableOf, WebWritableOf } from './web-stream.js';
export { chunks } from './chunks.js';
export type { BurstSource, ChunksItemOf } from './chunks.js';
export type { ChunkerOptions, TailPolicy } from './options.js';
export type { SampleType, ChunkOf, AnyChunk } from './types.js';
export type { ReframeError, ReframeErrorCode } from './errors.js';
export type { Backend } from './core/engine.js';

/** Which core runs: `'native'` (the C++ addon) or `'js'` (the TypeScript core). */
export const backend: Backend = runtime.backend;
