// `import 'reframer/polyfill'`: where the platform has no WHATWG streams, ChunkerStream builds its
// pairs on web-streams-polyfill's ponyfill (SPEC "Faces"). Its own entry, so that apps on platforms
// with streams (every current browser, Node, Bun, Deno) never bundle the polyfill: no other entry
// imports it. The ponyfill installs no globals; platform streams, where present, still come first.
import * as ponyfill from 'web-streams-polyfill';
import { useFallbackStreams } from './web-stream.js';

useFallbackStreams(ponyfill);
