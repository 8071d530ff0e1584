// `reframer/polyfill` on Node, Bun and Deno, imported or required (package.json routes every
// condition but "browser" here). web-streams-polyfill is an optional peer dependency: this entry
// loads it with require(), where a missing package can be caught and named (ERR_REFRAME_NO_POLYFILL,
// with the install command); a static import would fail before any line of reframe ran. Browsers
// and bundlers get polyfill.ts instead: a static import, which the bundler resolves at build time.
// Both register the fallback in the one web-stream.js the ES module graph shares (require(esm)).
import errors = require('./errors.js');
import webStream = require('./web-stream.js');

/** Whether `error` says that web-streams-polyfill itself is not installed (not that it failed inside). */
function isMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    typeof message === 'string' && message.includes('web-streams-polyfill');
}

let ponyfill: webStream.StreamsImplementation;
try {
  ponyfill = require('web-streams-polyfill') as webStream.StreamsImplementation;
} catch (error) {
  throw isMissing(error) ? errors.noPolyfillError(error) : error;
}
webStream.useFallbackStreams(ponyfill);
