// Types of hostile-model.mjs: faces that keep the input contract by construction (the oracle's self-test).
/** The faces of `api` (its Chunker does the framing), taking input the way SPEC.md says. */
export declare function modelApi<A extends { Chunker: unknown }>(api: A): {
  Chunker: A['Chunker'];
  chunks: unknown;
  ChunkerStream: unknown;
  ChunkerTransform: unknown;
  chunkerStream: unknown;
};
