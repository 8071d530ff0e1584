// reframe for Node: installs the native core (the TypeScript core as fallback) before anything else
// is evaluated, then exports the portable faces and the Node stream face.
import './core/node-runtime.js';

export * from './browser.js';
export { chunkerStream, ChunkerTransform } from './node-stream.js';
export type { NodeChunkOf, NodeItemOf, ChunkerTransformEvents, ChunkerStreamOptions } from './node-stream.js';
