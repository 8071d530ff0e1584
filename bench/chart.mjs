// `npm run bench:chart`: the throughput chart (docs/images/throughput.svg), drawn from spread runs'
// --json files by this script, never by hand.
//
//   npm run bench:chart                                  # every spread run in bench/results/ → docs/images/throughput.svg
//   node bench/chart.mjs spread.json --out spread.svg    # any spread runs, any file
//
// One panel per run (its Node version), one group of bars per cell (workload and chunk size), one bar
// per series: reframe's faces, the peers the run measured, and two limits. A bar is the median of the
// cell's per-process medians (as in bench/run.mjs's spread tables); its whisker runs from the slowest
// process to the fastest. MB/s on a log axis: the cells span 20 MB/s to 20 GB/s.
//
// The SVG depends on the JSON alone (no clock, no randomness, numbers formatted here rather than by
// the locale), so the same runs give the same bytes: test/chart.test.ts compares the committed file.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { WORKLOADS } from './workloads.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
/** Where `npm run bench -- --spread --json …` results are kept; every spread run there is charted. */
export const RESULTS_DIR = join(repo, 'bench', 'results');
export const DEFAULT_OUT = join(repo, 'docs', 'images', 'throughput.svg');

// ---- the series: reframe's faces, the peers present, the limits (colours: Okabe–Ito, colour-blind safe) ----

const FACES = [
  { id: 'reframe-node:native', label: 'Node face (native)', legend: 'reframe Node face, native core', fill: '#0072B2' },
  { id: 'reframe-node:js', label: 'Node face (TS core)', legend: 'reframe Node face, TypeScript core', fill: '#56B4E9' },
  { id: 'reframe-web:native', label: 'WHATWG face (native)', legend: 'reframe WHATWG face, native core', fill: '#009E73' },
  { id: 'reframe-push:native', label: 'Chunker.push (native)', legend: 'reframe Chunker.push, native core', fill: '#CC79A7' },
];
const PEERS = {
  'block-stream2': { label: 'block-stream2', fill: '#E69F00' },
  'node-read-n': { label: 'readable.read(n)', legend: "Node's readable.read(n): views of the input, not copies", fill: '#D55E00' },
};
const OTHER_PEER_FILLS = ['#F0E442', '#000000', '#999999'];
// Limits are yardsticks, not chunkers: drawn without a colour, hatched and hollow.
const LIMITS = [
  { id: 'limit-copy', label: 'limit (a)', legend: 'limit (a): copy each byte once, nothing else', fill: 'url(#hatch)', stroke: '#444444' },
  { id: 'limit-c-node', label: 'limit (c), Node', legend: 'limit (c): a Node Transform that copies once into reused memory, a view per chunk', fill: '#ffffff', stroke: '#444444' },
  { id: 'limit-c-web', label: 'limit (c), WHATWG', legend: 'limit (c), WHATWG: the same through a TransformStream (the WHATWG face\'s ceiling)', fill: '#ffffff', stroke: '#009E73' },
];
// The rest of a spread run (the TS core of the WHATWG face and Chunker.push, limit (c) sync) stays in its tables.
const NOT_PEERS = /^(reframe|limit|floor|ref)-/;

const seriesId = (cell) => (cell.backend ? `${cell.contestant}:${cell.backend}` : cell.contestant);

/** The series the runs measured, in drawing order: faces, peers (as the runs list them), limits. */
function seriesOf(runs) {
  const ids = new Set(runs.flatMap((run) => run.cells.map(seriesId)));
  const peers = [];
  for (const run of runs) {
    for (const cell of run.cells) {
      const id = seriesId(cell);
      if (cell.backend || NOT_PEERS.test(id) || peers.some((p) => p.id === id)) continue;
      const known = PEERS[id];
      const fill = known?.fill ?? OTHER_PEER_FILLS[peers.filter((p) => !PEERS[p.id]).length % OTHER_PEER_FILLS.length];
      peers.push({ id, label: known?.label ?? cell.name ?? id, legend: known?.legend ?? cell.name ?? id, fill });
    }
  }
  return [...FACES.filter((s) => ids.has(s.id)), ...peers, ...LIMITS.filter((s) => ids.has(s.id))];
}

// ---- the numbers ----

/** The true median (the mean of the middle two of an even count), as bench/run.mjs's tables. */
function mid(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

const cellKey = ({ workload, size }) => `${workload}:${size}`;

/** 1, 2, 5, 10, 20, … from the last at or below `min` to the first at or above `max` (at least two). */
function steps125(min, max) {
  const all = [];
  for (let e = Math.floor(Math.log10(min)) - 1; !all.length || all.at(-1) <= max; e++) {
    for (const m of [1, 2, 5]) all.push(e < 0 ? m / 10 ** -e : m * 10 ** e);
  }
  const first = all.findLastIndex((v) => v <= min);
  const last = Math.max(all.findIndex((v) => v >= max), first + 1);
  return all.slice(first, last + 1);
}

/** Cells in WORKLOADS' order, sizes ascending; workloads bench/workloads.mjs no longer has, last. */
function cellsOf(runs) {
  const keys = [];
  for (const run of runs) for (const cell of run.cells) if (!keys.some((k) => cellKey(k) === cellKey(cell))) keys.push({ workload: cell.workload, size: cell.size });
  const rank = (workload) => {
    const at = Object.keys(WORKLOADS).indexOf(workload);
    return at < 0 ? Infinity : at;
  };
  return keys.sort((a, b) => rank(a.workload) - rank(b.workload) || (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0) || a.size - b.size);
}

/**
 * What the chart draws, without drawing it: the series, the cells, and per run (panel) one bar per
 * charted series and cell that has results: min / median / max MB/s over its processes.
 */
export function chartModel(runs) {
  if (!runs.length) throw new Error('chart: no spread runs given');
  for (const run of runs) if (!Array.isArray(run.processes) || !Array.isArray(run.cells)) throw new Error('chart: not a spread run (`npm run bench -- --spread --json FILE`)');
  const series = seriesOf(runs);
  const cells = cellsOf(runs);
  const panels = runs.map((run) => {
    const bars = [];
    for (const cell of cells) {
      for (const s of series) {
        const i = run.cells.findIndex((c) => cellKey(c) === cellKey(cell) && seriesId(c) === s.id);
        if (i < 0) continue;
        const results = run.processes.map((pass) => pass[i]).filter((r) => r?.mbps > 0);
        const bar = { cell: cellKey(cell), series: s.id, processes: results.length };
        if (results.length) {
          const mbps = results.map((r) => r.mbps);
          Object.assign(bar, {
            min: Math.min(...mbps), median: mid(mbps), max: Math.max(...mbps),
            chunksPerSec: mid(results.map((r) => r.chunksPerSec)), scaled: results.some((r) => r.scaled),
          });
        }
        bars.push(bar);
      }
    }
    return { node: run.node, passes: run.passes, runs: run.runs, clock: run.clock, bars };
  });
  const values = panels.flatMap((p) => p.bars.filter((b) => b.processes).flatMap((b) => [b.min, b.max]));
  if (!values.length) throw new Error('chart: the runs have no results');
  // From the 1, 2 or 5 below the slowest process to the one above the fastest: every gridline is one.
  const steps = steps125(Math.min(...values), Math.max(...values));
  return { series, cells, panels, domain: [steps[0], steps.at(-1)], ticks: steps };
}

// ---- text ----

/** Escapes text and attribute values (both quoted with "). */
export const escapeXml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]);

/** 4989.4 → "4,989"; 20.34 → "20.3" (the locale plays no part). */
function fmtRate(mbps) {
  return mbps >= 100 ? String(Math.round(mbps)).replace(/\B(?=(\d{3})+$)/g, ',') : mbps.toFixed(1);
}
const fmtChunks = (perSec) => (perSec >= 1e6 ? `${(perSec / 1e6).toFixed(2)} M` : `${(perSec / 1e3).toFixed(1)} k`);
const sizeName = (size) => (size >= 1 << 20 ? `${size / (1 << 20)} MiB` : size >= 65536 ? `${size / 1024} KiB` : `${size} B`);
const tickName = (value) => (value >= 1e3 ? `${value / 1e3}k` : String(value));
const nodeName = (node) => `Node ${String(node).replace(/^v/, '')}`;
const cellName = (key) => {
  const [workload, size] = key.split(':');
  return `${workload}, ${sizeName(Number(size))} chunks`;
};
/** A generous estimate of a text's width in the system sans-serif (no font metrics here). */
const textWidth = (text, fontSize) => text.length * fontSize * 0.56;
const n1 = (x) => Number(x.toFixed(1)); // coordinates to 0.1 px: small, and the same on every machine

/** `<name attrs>children</name>`; attribute values are escaped, children are markup already. */
function el(name, attrs, ...children) {
  const list = Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  // A line per child of a group: the committed file diffs line by line.
  const inner = children.join(name === 'g' || name === 'svg' ? '\n' : '');
  return children.length ? `<${name}${list}>${inner}</${name}>` : `<${name}${list}/>`;
}
const text = (attrs, content) => el('text', attrs, escapeXml(content));

// ---- layout (px) ----

const WIDTH = 900;
const PAD = 16;
const LABEL_W = 132; // the row labels left of the panels
const PANEL_GAP = 20;
const VALUE_W = 40; // right of each panel's plot: the median's label after the fastest process
const BAR_H = 9;
const ROW = 12;
const GROUP_HEAD = 18;
const GROUP_GAP = 6;
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** Runs' shared value of `key`, or undefined when they differ. */
const shared = (panels, key) => (panels.every((p) => p[key] === panels[0][key]) ? panels[0][key] : undefined);

/** The title lines: what is measured, and how. Returns the markup and the y below it. */
function drawTitles(panels, y) {
  const passes = shared(panels, 'passes');
  const timed = shared(panels, 'runs');
  const clock = shared(panels, 'clock');
  const lines = [
    `Bar: median of ${passes ? `the ${passes}` : "each cell's"} fresh processes per cell, each process's median of ${timed ?? 'its'} timed runs` +
      `${clock ? ` (${clock === 'cpu' ? 'CPU time' : 'wall-clock time'})` : ''}; whisker: slowest to fastest process.`,
    'Faces on the native core unless marked TS core. Limits are yardsticks, not chunkers: what copying the bytes once costs.',
  ];
  y += 16;
  const out = [text({ x: PAD, y, 'font-size': 16, 'font-weight': 'bold' }, 'reframe throughput: MB/s (MiB of input per second) per cell, log scale')];
  for (const line of lines) {
    y += 17;
    out.push(text({ x: PAD, y, 'font-size': 12, fill: '#333333' }, line));
  }
  return { markup: out.join('\n'), y };
}

/** A swatch and a label per series, flowing over as many lines as it needs. */
function drawLegend(series, y) {
  let x = PAD;
  const items = [];
  for (const s of series) {
    const w = 14 + 5 + textWidth(s.legend, 11) + 16;
    if (x + w > WIDTH - PAD && x > PAD) {
      x = PAD;
      y += 17;
    }
    items.push(el('g', { class: 'legend-item', 'data-series': s.id },
      el('rect', { x: n1(x), y: y + 1, width: 14, height: 10, fill: s.fill, stroke: s.stroke }),
      text({ x: n1(x + 19), y: y + 10, 'font-size': 11 }, s.legend)));
    x += w;
  }
  return { markup: el('g', { class: 'legend' }, ...items), y: y + 17 };
}

/** One group per cell and in it a row per series the cell has in any run: the panels share the rows. */
function layoutRows({ series, cells, panels }, y) {
  const groups = [];
  const rows = [];
  for (const cell of cells.map(cellKey)) {
    const group = { cell, head: y };
    y += GROUP_HEAD;
    group.top = y - 2;
    for (const s of series) {
      if (!panels.some((p) => p.bars.some((b) => b.cell === cell && b.series === s.id))) continue;
      rows.push({ cell, series: s, y });
      y += ROW;
    }
    group.bottom = y;
    groups.push(group);
    y += GROUP_GAP;
  }
  return { groups, rows, y };
}

/** The group heads (cell and workload) and the row labels (series), left of the panels. */
function drawLabels({ groups, rows }) {
  const labels = [];
  for (const { cell, head } of groups) {
    const what = WORKLOADS[cell.split(':')[0]]?.what;
    labels.push(el('line', { x1: PAD, x2: WIDTH - PAD, y1: head + 0.5, y2: head + 0.5, stroke: '#dddddd' }));
    labels.push(el('text', { x: PAD, y: head + 13, 'font-size': 11, 'data-cell': cell },
      el('tspan', { 'font-weight': 'bold' }, escapeXml(cellName(cell))),
      what ? el('tspan', { fill: '#555555' }, escapeXml(`\u00a0(${what})`)) : ''));
  }
  for (const row of rows) {
    labels.push(text({ x: PAD + LABEL_W - 6, y: row.y + BAR_H - 1, 'font-size': 10, 'text-anchor': 'end', fill: '#333333', class: 'row-label', 'data-series': row.series.id, 'data-cell': row.cell }, row.series.label));
  }
  return el('g', { class: 'labels' }, ...labels);
}

/** One run's panel: gridlines with their values above and below, then a bar and a whisker per row it has. */
function drawPanel(panel, { ticks, groups, rows, scale, top, bottom, left }) {
  const grid = ticks.map((value) => {
    const x = scale(value);
    const decade = Number.isInteger(Math.log10(value));
    const tick = { 'font-size': 9, 'text-anchor': 'middle', fill: decade ? '#333333' : '#777777' };
    // Behind the bars only, not across the group heads.
    const d = [`M${x} ${top - 4}v4`, ...groups.map((g) => `M${x} ${g.top}V${g.bottom}`), `M${x} ${bottom - GROUP_GAP}v4`].join('');
    return el('g', { class: 'tick', 'data-value': value },
      el('path', { d, stroke: decade ? '#bbbbbb' : '#e4e4e4' }),
      text({ x, y: top - 7, ...tick }, tickName(value)),
      text({ x, y: bottom + 11, ...tick }, tickName(value)));
  });
  const marks = [];
  for (const { cell, series: s, y } of rows) {
    const bar = panel.bars.find((b) => b.cell === cell && b.series === s.id);
    if (!bar) continue;
    const data = { 'data-series': s.id, 'data-cell': cell, 'data-node': panel.node };
    if (!bar.processes) {
      marks.push(text({ x: left + 4, y: y + BAR_H - 1, 'font-size': 9, fill: '#b00000', class: 'no-result', ...data }, 'every process failed'));
      continue;
    }
    const [x0, median, min, max] = [scale(ticks[0]), scale(bar.median), scale(bar.min), scale(bar.max)];
    const cy = y + BAR_H / 2;
    const whisker = `M${min} ${cy - 3}v6M${min} ${cy}H${max}M${max} ${cy - 3}v6`;
    const chunks = Number.isFinite(bar.chunksPerSec) ? ` (${fmtChunks(bar.chunksPerSec)} chunks/s)` : '';
    const tip = `${s.label}, ${cellName(cell)}, ${nodeName(panel.node)}: median ${fmtRate(bar.median)} MB/s${chunks}; ` +
      `slowest ${fmtRate(bar.min)}, fastest ${fmtRate(bar.max)} MB/s; ${bar.processes} processes` +
      `${bar.scaled ? ', runs measured on a prefix of the stream' : ''}`;
    marks.push(el('g', { class: 'mark' },
      el('title', {}, escapeXml(tip)),
      el('rect', { class: 'bar', ...data, x: x0, y, width: n1(median - x0), height: BAR_H, fill: s.fill, stroke: s.stroke }),
      el('path', { class: 'whisker', ...data, d: whisker, stroke: '#111111', 'stroke-width': 1.2, fill: 'none' }),
      text({ x: n1(Math.max(median, max) + 4), y: y + BAR_H - 1, 'font-size': 9, fill: '#333333' }, fmtRate(bar.median))));
  }
  return el('g', { class: 'panel', 'data-node': panel.node }, el('g', { class: 'grid' }, ...grid), ...marks);
}

/** The chart of spread runs (parsed --json files), as SVG text. */
export function renderChart(runs) {
  const model = chartModel(runs);
  const { panels, domain, ticks } = model;
  const titles = drawTitles(panels, PAD);
  const legend = drawLegend(model.series, titles.y + 12);

  // Panels side by side, each with its Node version above; values on a log axis, the same in every panel.
  const plotLeft = PAD + LABEL_W;
  const panelW = (WIDTH - PAD - plotLeft - PANEL_GAP * (panels.length - 1)) / panels.length;
  const plotW = panelW - VALUE_W;
  const [lo, hi] = domain.map(Math.log10);
  const passes = shared(panels, 'passes');
  const headY = legend.y + 24;
  const heads = panels.map((panel, k) => text({
    x: n1(plotLeft + k * (panelW + PANEL_GAP) + plotW / 2), y: headY, 'font-size': 13, 'font-weight': 'bold', 'text-anchor': 'middle',
  }, passes ? nodeName(panel.node) : `${nodeName(panel.node)}, ${panel.passes} processes per cell`));
  const top = headY + 22;
  const layout = layoutRows(model, top);
  const bottom = layout.y;
  const drawn = panels.map((panel, k) => {
    const left = plotLeft + k * (panelW + PANEL_GAP);
    const scale = (value) => n1(left + (plotW * (Math.log10(value) - lo)) / (hi - lo));
    return drawPanel(panel, { ticks, ...layout, scale, top, bottom, left });
  });

  const footY = bottom + 29;
  const foot = text({ x: PAD, y: footY, 'font-size': 10, fill: '#555555' },
    'Drawn by bench/chart.mjs (npm run bench:chart) from the spread runs in bench/results/ (npm run bench -- --spread --json FILE).');
  const height = footY + PAD - 4;
  const hatch = el('pattern', { id: 'hatch', width: 4, height: 4, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    el('rect', { width: 4, height: 4, fill: '#ffffff' }),
    el('line', { x1: 0, y1: 0, x2: 0, y2: 4, stroke: '#444444', 'stroke-width': 1.6 }));
  const label = `reframe throughput in MB/s, ${panels.map((p) => nodeName(p.node)).join(' and ')}`;
  return el('svg', {
    xmlns: 'http://www.w3.org/2000/svg', width: WIDTH, height, viewBox: `0 0 ${WIDTH} ${height}`,
    role: 'img', 'aria-label': label, 'font-family': FONT,
  },
  el('title', {}, escapeXml(label)),
  el('defs', {}, hatch),
  // White under everything: the chart stays legible on GitHub's dark theme.
  el('rect', { class: 'background', width: WIDTH, height, fill: '#ffffff' }),
  titles.markup, legend.markup, ...heads, drawLabels(layout), ...drawn, foot) + '\n';
}

// ---- files ----

/** The semver-ish parts of "v20.20.2", for ordering panels. */
const versionParts = (node) => String(node).replace(/^v/, '').split('.').map(Number);

/** Every spread run in bench/results/ (a --json file with `processes`), oldest Node first. */
export function defaultInputs() {
  const runs = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')).sort()
    .map((f) => ({ file: join(RESULTS_DIR, f), run: JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) }))
    .filter(({ run }) => Array.isArray(run.processes));
  const order = (a, b) => {
    const [x, y] = [versionParts(a.run.node), versionParts(b.run.node)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] || 0) - (y[i] || 0);
    return 0;
  };
  return runs.sort(order).map(({ file }) => file);
}

export const loadRuns = (files) => files.map((file) => JSON.parse(readFileSync(file, 'utf8')));

/** Draws the runs of `files` into `out`; returns `out`. */
export function writeChart(files = defaultInputs(), out = DEFAULT_OUT) {
  const svg = renderChart(loadRuns(files));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, svg);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values, positionals } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true });
  const files = positionals.length ? positionals : defaultInputs();
  const out = writeChart(files, values.out ? resolve(values.out) : DEFAULT_OUT);
  console.log(`chart of ${files.length} run(s) written to ${out}`);
}
