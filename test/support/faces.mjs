// Drives any face of reframe over a list of bursts, the same way for all of them: every face takes
// the same bursts and reports each chunk as it is handed out, so a test checks the contract once
// for all faces. `faceRunner(api)` binds it to one build: the sources (src/, in a vitest file) or
// the built package (dist/, in a child process: test/children/face.mjs).

/** The faces: `chunker`, `node`, `web-platform`, `web-polyfill`, `chunks`. */
export const FACES = ['chunker', 'node', 'web-platform', 'web-polyfill', 'chunks'];

/**
 * `run(face, options, bursts, onChunk, between)` over `api` ({ Chunker, ChunkerStream,
 * chunkerStream, chunks }) and `polyfill` (web-streams-polyfill, for `web-polyfill`): feeds `bursts`
 * (an iterable, read one at a time) to `face` with `options`, calls `onChunk` for every chunk handed
 * out and awaits `between()` after each burst is taken. Resolves with the error the face ended
 * with, or undefined.
 */
export function faceRunner({ Chunker, ChunkerStream, chunkerStream, chunks }, polyfill) {
  return async function run(face, options, bursts, onChunk, between = () => undefined) {
    const each = (item) => (Array.isArray(item) ? item.forEach(onChunk) : onChunk(item));
    try {
      switch (face) {
        case 'chunker': {
          const c = new Chunker(options);
          for (const burst of bursts) {
            c.push(burst).forEach(onChunk);
            await between();
          }
          c.flush().forEach(onChunk);
          return undefined;
        }
        case 'node': {
          const s = chunkerStream(options, { highWaterMark: 4 });
          const ended = new Promise((resolve) => {
            s.on('error', resolve);
            s.on('end', () => resolve(undefined));
          });
          s.on('data', each);
          for (const burst of bursts) {
            const error = await new Promise((resolve) => s.write(burst, resolve));
            if (error) return await ended;
            await between();
          }
          s.end();
          return await ended;
        }
        case 'web-platform':
        case 'web-polyfill': {
          const pair = new ChunkerStream(options, { streams: face === 'web-polyfill' ? polyfill : undefined, highWaterMark: 4 });
          const reader = pair.readable.getReader();
          const read = (async () => {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) return undefined;
              each(value);
            }
          })().catch((error) => error);
          const writer = pair.writable.getWriter();
          for (const burst of bursts) {
            const error = await writer.write(burst).then(() => undefined, (e) => e ?? new Error('rejected'));
            if (error) return await read;
            await between();
          }
          await writer.close().catch(() => undefined);
          return await read;
        }
        case 'chunks': {
          async function* source() {
            for (const burst of bursts) {
              yield burst;
              await between();
            }
          }
          for await (const item of chunks(source(), options)) each(item);
          return undefined;
        }
        default:
          throw new Error(`unknown face ${face}`);
      }
    } catch (error) {
      return error;
    }
  };
}
