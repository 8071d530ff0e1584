export type Face = 'chunker' | 'node' | 'web-platform' | 'web-polyfill' | 'chunks';
export declare const FACES: Face[];
export type FaceRun = (
  face: Face,
  options: object,
  bursts: Iterable<Uint8Array | ArrayBufferView | ArrayBuffer>,
  onChunk: (chunk: ArrayBufferView) => void,
  between?: () => unknown,
) => Promise<unknown>;
export declare function faceRunner(api: object, polyfill: object): FaceRun;
