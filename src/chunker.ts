import { resolveOptions, type ChunkerOptions } from './options.js';
import { toBytes } from './input.js';
import { Reframer } from './reframer.js';
import type { ChunkOf, SampleType } from './types.js';

/**
 * The synchronous face: push bursts, get the chunks each one completes.
 *
 * ```ts
 * const c = new Chunker({ size: 64, type: 'complex64' });
 * for (const frame of c.push(samples)) fft(frame); // Float32Array of 128 values each
 * c.flush();                                        // the tail, per `tail`
 * ```
 */
export class Chunker<T extends SampleType = 'uint8'> {
  readonly #reframer: Reframer;

  /** @throws TypeError | RangeError with `code: 'ERR_REFRAME_OPTION'` for bad options. */
  constructor(options: number | ChunkerOptions<T>) {
    this.#reframer = new Reframer(resolveOptions(options));
  }

  /**
   * Takes one burst (raw bytes, or a typed array of the option's element type) and returns the
   * chunks it completes, each an independent copy. A refused burst (`ERR_REFRAME_INPUT`) changes nothing.
   */
  push(burst: ArrayBufferView | ArrayBufferLike): ChunkOf<T>[] {
    const chunks: ChunkOf<T>[] = [];
    this.#reframer.pushAll(toBytes(burst, this.#reframer.options, false), chunks);
    return chunks;
  }

  /**
   * Ends the stream: returns the final, partial chunk per the `tail` policy (an empty array when
   * there is none), then starts a fresh stream — also when it throws (`ERR_REFRAME_TAIL`, or
   * `ERR_REFRAME_INPUT` for a stream that ended inside a sample).
   */
  flush(): ChunkOf<T>[] {
    const tail = this.#reframer.flush();
    return tail ? [tail as ChunkOf<T>] : [];
  }

  /** Discards everything buffered and starts a fresh stream. */
  reset(): void {
    this.#reframer.reset();
  }

  /** Whole samples received that no chunk has held yet. */
  get pending(): number {
    return this.#reframer.pending;
  }
}
