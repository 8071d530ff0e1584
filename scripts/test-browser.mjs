#!/usr/bin/env node
// `npm run test:browser [-- chromium|firefox]`: reframe's browser build in real browsers.
//
// Serves dist/ (the build), web-streams-polyfill (which reframer/polyfill imports, and a check passes
// as `streams`; mapped with an import map), a test page and generated data files from 127.0.0.1 on a
// random port, opens the page in Debian's headless Chromium and Debian's Firefox ESR, both driven by
// puppeteer-core (Chromium over CDP, Firefox over WebDriver BiDi), one after the other, and reads the
// checks the page made:
// `fetch()` bodies piped through ChunkerStream, chunks() over a response body, and a Chunker; then the
// benchmark's chart (docs/images/throughput.svg, drawn by bench/chart.mjs): it decodes and paints as an
// <img>, and inline it has the series and bars of the runs it was drawn from, each with a size.
// Prints one line per check; exits 1 when any check fails, the page throws, or time runs out.
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { DEFAULT_OUT, chartModel, defaultInputs, loadRuns } from '../bench/chart.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// puppeteer-core adds the headless mode and its defaults (no first run, no background networking,
// no component updates, no sync); these are what a root user in a container needs besides.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic'];
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const DEADLINE_MS = 180_000; // the whole run, both browsers' start included
const PAGE_MS = 45_000; // the page's checks
const MAX_DATA = 16 << 20; // the largest data file the server makes

/** Byte i of every data file: depends on every bit of i, so a chunk from the wrong place shows. */
function byteAt(i) {
  return ((i ^ (i >>> 8) ^ (i >>> 16)) * 31 + 7) & 0xff;
}

// Runs in the page (serialized into it): imports the browser build and returns one entry per check.
async function inPage() {
  const reframe = await import('/dist/browser.js');
  const { Chunker, ChunkerStream, chunks } = reframe;
  const results = [];
  const check = async (name, run) => {
    try {
      const detail = await run();
      results.push({ name, ok: true, detail });
    } catch (error) {
      results.push({ name, ok: false, detail: String(error && error.stack || error) });
    }
  };
  const assert = (condition, message) => {
    if (!condition) throw new Error(message);
  };
  const readAll = async (readable) => {
    const reader = readable.getReader();
    const out = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return out;
      out.push(value);
    }
  };
  /** Checks that `chunk` holds bytes [start, start + chunk.byteLength) of a data file. */
  const bytesMatch = (chunk, start, what) => {
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let j = 0; j < bytes.length; j++) {
      assert(bytes[j] === byteAt(start + j), `${what}: byte ${j} is ${bytes[j]}, expected ${byteAt(start + j)}`);
    }
  };

  await check('backend is the TypeScript core', () => {
    assert(reframe.backend === 'js', `backend is ${reframe.backend}`);
    return 'js';
  });

  await check('the browser build loads no web-streams-polyfill (only reframer/polyfill does)', () => {
    const loaded = performance.getEntriesByType('resource').map((entry) => entry.name);
    assert(loaded.some((name) => name.endsWith('/dist/web-stream.js')), `the page's resources: ${loaded.join(', ')}`);
    const polyfill = loaded.filter((name) => name.includes('web-streams-polyfill'));
    assert(polyfill.length === 0, `loaded ${polyfill.join(', ')}`);
    return `${loaded.length} modules, none of the polyfill`;
  });

  await check('fetch() body through ChunkerStream({ size: 188 }): every chunk in place, short tail', async () => {
    const n = 2 * 1024 * 1024 + 77;
    const response = await fetch(`/data.bin?n=${n}`);
    const pair = new ChunkerStream({ size: 188 });
    assert(pair.readable instanceof ReadableStream, 'the pair is not built on the platform streams');
    const out = await readAll(response.body.pipeThrough(pair));
    assert(out.length === Math.ceil(n / 188), `${out.length} chunks`);
    out.forEach((chunk, k) => {
      assert(chunk instanceof Uint8Array, `chunk ${k} is a ${chunk?.constructor?.name}`);
      assert(chunk.length === (k === out.length - 1 ? n % 188 : 188), `chunk ${k} has ${chunk.length} bytes`);
      bytesMatch(chunk, k * 188, `chunk ${k}`);
    });
    out[0].fill(0); // chunks are independent copies
    bytesMatch(out[1], 188, 'chunk 1 after writing into chunk 0');
    return `${out.length} chunks of ${n} bytes`;
  });

  await check('fetch() body through ChunkerStream (uint16, hop < size, tail pad): overlapping windows, padded tail', async () => {
    const n = 400_002; // 200,001 samples
    const response = await fetch(`/data.bin?n=${n}`);
    const out = await readAll(response.body.pipeThrough(new ChunkerStream({ size: 100, hop: 60, type: 'uint16', tail: 'pad', fill: 0xffff })));
    const samples = n / 2;
    // Full windows start at 0, 60, … while they fit; then one padded window if it holds new samples.
    const full = Math.floor((samples - 100) / 60) + 1;
    const expected = full + (full * 60 + 40 < samples ? 1 : 0);
    assert(out.length === expected, `${out.length} chunks, expected ${expected}`);
    const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    const sample = (s) => little ? byteAt(2 * s) | (byteAt(2 * s + 1) << 8) : (byteAt(2 * s) << 8) | byteAt(2 * s + 1);
    out.forEach((chunk, k) => {
      assert(chunk instanceof Uint16Array && chunk.length === 100, `chunk ${k}: ${chunk?.constructor?.name} of ${chunk?.length}`);
      for (let j = 0; j < 100; j++) {
        const s = k * 60 + j;
        const want = s < samples ? sample(s) : 0xffff;
        assert(chunk[j] === want, `chunk ${k} value ${j} is ${chunk[j]}, expected ${want}`);
      }
    });
    return `${out.length} chunks`;
  });

  await check('a stream that ends inside a sample errors the readable side after its chunks (ERR_REFRAME_INPUT)', async () => {
    const n = 10_001; // 5,000 uint16 samples and one stray byte
    const response = await fetch(`/data.bin?n=${n}`);
    const reader = response.body.pipeThrough(new ChunkerStream({ size: 1000, type: 'uint16' })).getReader();
    let got = 0;
    let failure;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytesMatch(value, got * 2000, `chunk ${got}`);
        got++;
      }
    } catch (error) {
      failure = error;
    }
    assert(got === 5, `${got} chunks before the error`);
    assert(failure && failure.code === 'ERR_REFRAME_INPUT', `ended with ${failure ? failure.code : 'no error'}`);
    return `${got} chunks, then ${failure.code}`;
  });

  await check('ChunkerStream on web-streams-polyfill streams (the import map), given as `streams`', async () => {
    const streams = await import('web-streams-polyfill');
    const source = new streams.ReadableStream({
      start(controller) {
        controller.enqueue(Uint8Array.of(0, 1, 2));
        controller.enqueue(Uint8Array.of(3, 4, 5, 6, 7, 8, 9));
        controller.close();
      },
    });
    const pair = new ChunkerStream({ size: 4 }, { streams });
    assert(pair.readable instanceof streams.ReadableStream && !(pair.readable instanceof ReadableStream), 'not a polyfill pair');
    const out = (await readAll(source.pipeThrough(pair))).map((chunk) => [...chunk].join(' '));
    assert(out.join() === '0 1 2 3,4 5 6 7,8 9', `chunks ${out.join()}`);
    return out.join(' | ');
  });

  await check('without platform streams: ERR_REFRAME_NO_STREAMS, then the ponyfill once reframer/polyfill is imported', async () => {
    const platform = { ReadableStream, WritableStream, TransformStream };
    const stub = (on) => { for (const name of Object.keys(platform)) globalThis[name] = on ? platform[name] : undefined; };
    let code;
    stub(false);
    try {
      new ChunkerStream(2);
    } catch (error) {
      code = error.code;
    } finally {
      stub(true);
    }
    assert(code === 'ERR_REFRAME_NO_STREAMS', `without streams and polyfill: ${code ?? 'no error'}`);
    await import('/dist/polyfill.js');
    const streams = await import('web-streams-polyfill');
    let pair;
    stub(false);
    try {
      pair = new ChunkerStream(2);
    } finally {
      stub(true);
    }
    assert(pair.readable instanceof streams.ReadableStream, 'the fallback pair is not a polyfill pair');
    const writer = pair.writable.getWriter();
    writer.write(Uint8Array.of(1, 2, 3));
    const { value } = await pair.readable.getReader().read();
    assert([...value].join() === '1,2', `first chunk ${[...value].join()}`);
    assert(new ChunkerStream(2).readable instanceof ReadableStream, 'platform streams no longer come first');
    return `${code}, then a polyfill pair`;
  });

  await check('chunks() over a response body (batch): every chunk in place', async () => {
    const n = 1_000_000;
    const response = await fetch(`/data.bin?n=${n}`);
    let k = 0;
    let batches = 0;
    for await (const batch of chunks(response.body, { size: 1500, batch: true })) {
      assert(Array.isArray(batch) && batch.length > 0, 'a batch is not a non-empty array');
      batches++;
      for (const chunk of batch) {
        assert(chunk.length === (k === Math.floor(n / 1500) ? n % 1500 : 1500), `chunk ${k} has ${chunk.length} bytes`);
        bytesMatch(chunk, k * 1500, `chunk ${k}`);
        k++;
      }
    }
    assert(k === Math.ceil(n / 1500), `${k} chunks`);
    return `${k} chunks in ${batches} batches`;
  });

  await check('Chunker (complex64, size 64): bursts of 7, 50, 1, 40, 180, 3 samples', () => {
    const c = new Chunker({ size: 64, type: 'complex64' });
    const counts = [];
    const all = [];
    let offset = 0;
    for (const n of [7, 50, 1, 40, 180, 3]) {
      const burst = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) burst[2 * i] = offset + i, burst[2 * i + 1] = -(offset + i);
      offset += n;
      const out = c.push(burst);
      counts.push(out.length);
      all.push(...out);
    }
    assert(counts.join() === '0,0,0,1,3,0', `counts ${counts}`);
    assert(c.pending === 25, `pending ${c.pending}`);
    all.forEach((chunk, k) => {
      assert(chunk instanceof Float32Array && chunk.length === 128, `chunk ${k}`);
      for (let i = 0; i < 64; i++) assert(chunk[2 * i] === k * 64 + i && chunk[2 * i + 1] === -(k * 64 + i), `chunk ${k} sample ${i}`);
    });
    const tail = c.flush();
    assert(tail.length === 1 && tail[0].length === 50 && tail[0][0] === 256, 'tail');
    return `${all.length} chunks, tail of 25 samples`;
  });

  await check('bad options throw ERR_REFRAME_OPTION', () => {
    let code;
    try {
      new ChunkerStream({ size: 0 });
    } catch (error) {
      code = error.code;
    }
    assert(code === 'ERR_REFRAME_OPTION', `code ${code}`);
    return code;
  });

  return results;
}

// Runs in the page after inPage: the chart as an image, then inline. `chart` is what its runs say it has.
async function chartInPage(chart) {
  const results = [];
  const check = async (name, run) => {
    try {
      results.push({ name, ok: true, detail: await run() });
    } catch (error) {
      results.push({ name, ok: false, detail: String(error && error.stack || error) });
    }
  };
  const assert = (condition, message) => {
    if (!condition) throw new Error(message);
  };

  const img = new Image();
  await check(`${chart.url} decodes as an <img>`, async () => {
    img.src = chart.url;
    await img.decode();
    assert(img.naturalWidth === chart.width && img.naturalHeight === chart.height,
      `${img.naturalWidth}×${img.naturalHeight}, expected ${chart.width}×${chart.height}`);
    return `${img.naturalWidth}×${img.naturalHeight}`;
  });

  await check('the <img> paints a white background and bars in every solid series colour', () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: chart.width, height: chart.height });
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const { data } = context.getImageData(0, 0, chart.width, chart.height);
    assert(data[0] === 255 && data[1] === 255 && data[2] === 255 && data[3] === 255, `corner pixel ${[...data.subarray(0, 4)]}`);
    const counts = chart.fills.map(({ id, fill }) => {
      const [r, g, b] = [1, 3, 5].map((at) => parseInt(fill.slice(at, at + 2), 16));
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - r) <= 3 && Math.abs(data[i + 1] - g) <= 3 && Math.abs(data[i + 2] - b) <= 3) n++;
      }
      assert(n >= 200, `${id} (${fill}): ${n} pixels`);
      return `${id} ${n}`;
    });
    return `pixels per colour: ${counts.join(', ')}`;
  });

  await check('inline: the file parses as XML (DOMParser) and its legend has the series of the runs', async () => {
    const source = await (await fetch(chart.url)).text();
    const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
    const error = doc.querySelector('parsererror');
    assert(!error && doc.documentElement.localName === 'svg', error ? error.textContent : doc.documentElement.localName);
    document.body.append(document.importNode(doc.documentElement, true));
    const legend = [...document.querySelectorAll('svg .legend-item')].map((e) => e.dataset.series);
    assert(legend.join() === chart.series.join(), `legend ${legend.join()}, expected ${chart.series.join()}`);
    return legend.join(', ');
  });

  await check('inline: a bar and a whisker per cell and series in each panel', () => {
    const counts = Object.entries(chart.bars).map(([node, expected]) => {
      const bars = document.querySelectorAll(`svg rect.bar[data-node="${node}"]`).length;
      const whiskers = document.querySelectorAll(`svg path.whisker[data-node="${node}"]`).length;
      assert(bars === expected && whiskers === expected, `${node}: ${bars} bars, ${whiskers} whiskers, expected ${expected}`);
      return `${node} ${bars}`;
    });
    return counts.join(', ');
  });

  await check('inline: every bar and whisker has a rendered size', () => {
    const marks = [...document.querySelectorAll('svg rect.bar, svg path.whisker')];
    assert(marks.length > 0, 'no marks');
    for (const mark of marks) {
      const box = mark.getBBox();
      const rect = mark.getBoundingClientRect();
      const what = `${mark.getAttribute('class')} ${mark.dataset.node} ${mark.dataset.cell} ${mark.dataset.series}`;
      assert(box.width > 0 && box.height > 0, `${what}: getBBox ${box.width}×${box.height}`);
      assert(rect.width > 0 && rect.height > 0, `${what}: on screen ${rect.width}×${rect.height}`);
    }
    return `${marks.length} marks`;
  });
  return results;
}

// What the chart must show: the series and the bars per panel that its runs give (bench/chart.mjs).
const CHART = (() => {
  const model = chartModel(loadRuns(defaultInputs()));
  const [, width, height] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(readFileSync(DEFAULT_OUT, 'utf8'));
  return {
    url: `/${relative(repo, DEFAULT_OUT).split(sep).join('/')}`,
    width: Number(width),
    height: Number(height),
    series: model.series.map((s) => s.id),
    fills: model.series.filter((s) => s.fill.startsWith('#') && !s.stroke).map(({ id, fill }) => ({ id, fill })),
    bars: Object.fromEntries(model.panels.map((p) => [p.node, p.bars.length])),
  };
})();

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>reframe browser test</title>
<link rel="icon" href="data:,">
<script type="importmap">
{ "imports": { "web-streams-polyfill": "/node_modules/web-streams-polyfill/dist/ponyfill.mjs" } }
</script>
<script type="module">
const byteAt = ${byteAt};
window.__reframe = (async () => [...await (${inPage})(), ...await (${chartInPage})(${JSON.stringify(CHART)})])()
  .catch((error) => [{ name: 'the page', ok: false, detail: String(error && error.stack || error) }]);
</script>
`;

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.svg': 'image/svg+xml' };
// What the server hands out from disk: the build, the polyfill and the chart, nothing else.
const SERVED = [join(repo, 'dist') + sep, join(repo, 'node_modules', 'web-streams-polyfill', 'dist') + sep, dirname(DEFAULT_OUT) + sep];

function serve(request, response) {
  const url = new URL(request.url, 'http://127.0.0.1');
  if (url.pathname === '/') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    return;
  }
  if (url.pathname === '/data.bin') {
    const n = Number(url.searchParams.get('n'));
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_DATA) {
      response.writeHead(400).end();
      return;
    }
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = byteAt(i);
    // Written in uneven pieces, so the page's bursts end anywhere.
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
    const pieces = [1, 187, 65_537, 3, 100_000, 4_093];
    let at = 0;
    for (let p = 0; at < n; p++) {
      const end = Math.min(n, at + pieces[p % pieces.length]);
      response.write(data.subarray(at, end));
      at = end;
    }
    response.end();
    return;
  }
  const file = normalize(join(repo, decodeURIComponent(url.pathname)));
  if (!SERVED.some((root) => file.startsWith(root)) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
}

/**
 * The browsers, both driven by puppeteer-core: Chromium over CDP, Firefox over WebDriver BiDi. Both
 * are Debian's packages: nothing is downloaded. puppeteer-core makes (and removes) a temporary profile
 * for each launch. `open()` gives the first page, `version`, and `close()`.
 */
const BROWSERS = {
  chromium: {
    path: CHROMIUM,
    install: 'apt-get install -y chromium (or set CHROMIUM_PATH)',
    async open() {
      const browser = await puppeteer.launch({
        browser: 'chrome',
        protocol: 'cdp',
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        headless: true,
        timeout: 30_000,
      });
      return {
        page: (await browser.pages())[0] ?? await browser.newPage(),
        version: (await browser.version()).replace(/^(Headless)?Chrome\//, 'Chromium '),
        close: () => browser.close().catch(() => undefined),
      };
    },
  },
  firefox: {
    path: FIREFOX,
    install: 'apt-get install -y firefox-esr (or set FIREFOX_PATH)',
    async open() {
      // puppeteer-core makes (and removes) a profile of its own, with prefs that keep Firefox off
      // the network (updates, telemetry, remote settings).
      const browser = await puppeteer.launch({
        browser: 'firefox',
        protocol: 'webDriverBiDi',
        executablePath: FIREFOX,
        headless: true,
        timeout: 30_000,
      });
      return {
        page: (await browser.pages())[0] ?? await browser.newPage(),
        version: (await browser.version()).replace('firefox/', 'Firefox '),
        close: () => browser.close().catch(() => undefined),
      };
    },
  },
};

/** Runs the page's checks in one browser; prints one line per check; true when all passed. */
async function runIn(name, origin) {
  const started = performance.now();
  const { path, install, open } = BROWSERS[name];
  if (!statSync(path, { throwIfNoEntry: false })) throw new Error(`${path} is missing: ${install}`);
  const problems = [];
  const browser = await open();
  try {
    const { page, version } = browser;
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    // (Not 'requestfailed': a body the page cancels on purpose, and one still in flight when the
    // browser closes, end as aborted requests. The checks verify every byte they read.)
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    await page.goto(`${origin}/`, { timeout: 15_000 });
    await page.waitForFunction(() => window.__reframe !== undefined, { timeout: PAGE_MS });
    const results = await Promise.race([
      page.evaluate(() => window.__reframe),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`the page's checks took over ${PAGE_MS / 1000} s`)), PAGE_MS).unref()),
    ]);
    for (const { name: check, ok, detail } of results) console.log(`${ok ? 'ok  ' : 'FAIL'} ${check}: ${detail}`);
    for (const problem of problems) console.log(`FAIL ${problem}`);
    const failed = results.filter((r) => !r.ok).length + problems.length;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`browser test (${version}): ${results.length - failed} of ${results.length} checks passed, ` +
      `${problems.length} page problems, in ${seconds} s`);
    return failed === 0 && results.length > 0;
  } finally {
    await browser.close();
  }
}

async function main() {
  if (!statSync(join(repo, 'dist', 'browser.js'), { throwIfNoEntry: false })) {
    throw new Error('dist/browser.js is missing: run `npm run build` first');
  }
  const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(BROWSERS);
  for (const name of names) {
    if (!Object.hasOwn(BROWSERS, name)) throw new Error(`unknown browser ${name}: give ${Object.keys(BROWSERS).join(' or ')}`);
  }
  const server = createServer(serve);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  try {
    let passed = true;
    for (const name of names) {
      try {
        if (!await runIn(name, origin)) passed = false;
      } catch (error) {
        console.log(`FAIL ${name}: ${error.stack ?? error}`);
        passed = false;
      }
    }
    return passed;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

const deadline = setTimeout(() => {
  console.error(`browser test: no result within ${DEADLINE_MS / 1000} s`);
  process.exit(1);
}, DEADLINE_MS);
main().then(
  (passed) => {
    clearTimeout(deadline);
    process.exitCode = passed ? 0 : 1;
  },
  (error) => {
    clearTimeout(deadline);
    console.error(`browser test: ${error.stack ?? error}`);
    process.exitCode = 1;
  },
);
