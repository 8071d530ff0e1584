// Types of doc-standins.mjs (plain JavaScript because each docs block's Node process preloads it).
import type { Readable } from 'node:stream';

export declare const TS_PACKET: 188;
export declare function tsPackets(count: number): Uint8Array;
export declare function cf32Samples(): Uint8Array;
export declare function inputBytes(): Uint8Array;
export declare function responseBytes(): Uint8Array;
export declare const FILES: Readonly<Record<'recording.ts' | 'samples.cf32' | 'input.bin', () => Uint8Array>>;
export declare function writeStandinFiles(dir: string): void;
export declare const SOCKET_SEGMENTS: readonly number[];
export declare const RESPONSE_PIECES: readonly number[];
export declare function pieces(bytes: Uint8Array, sizes: readonly number[]): Generator<Uint8Array>;
export declare function makeSocket(): Readable;
export declare function makeResponse(): Response;
export declare function makeHandle(): ((chunk: Uint8Array) => void) & { readonly count: number };
export declare const STANDIN_DECLARATIONS: string;
export declare function installStandins(target?: object): void;
