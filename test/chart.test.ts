// The throughput chart (bench/chart.mjs → docs/images/throughput.svg): the committed file is what the
// script draws from the committed runs, the script draws what a run measured (bars, whiskers, a log
// axis), and its output is well-formed XML. scripts/test-browser.mjs renders it in Chromium and Firefox.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OUT, chartModel, defaultInputs, loadRuns, renderChart, type SpreadRun } from '../bench/chart.mjs';
import { findAll, parseXml, textOf, type XmlElement } from './support/xml.js';

const byClass = (root: XmlElement, name: string) => findAll(root, (e) => (e.attrs.class ?? '').split(' ').includes(name));

describe('docs/images/throughput.svg', () => {
  const committed = readFileSync(DEFAULT_OUT, 'utf8');

  it('is what bench/chart.mjs draws from the spread runs in bench/results/', () => {
    const drawn = renderChart(loadRuns(defaultInputs()));
    expect(committed === drawn, 'docs/images/throughput.svg differs from what the runs give: run `npm run bench:chart` and commit it').toBe(true);
  });

  it('has a panel per committed run, Node 20 then Node 26, each with a bar per charted cell and series', () => {
    const model = chartModel(loadRuns(defaultInputs()));
    expect(model.panels.map((p) => p.node)).toEqual(['v20.20.2', 'v26.12.1']);
    const svg = parseXml(committed);
    for (const panel of model.panels) {
      const bars = byClass(svg, 'bar').filter((b) => b.attrs['data-node'] === panel.node);
      expect(bars.length).toBe(panel.bars.length);
      expect(new Set(bars.map((b) => b.attrs['data-cell']))).toEqual(
        new Set(['file:188', 'file:4096', 'file:1048576', 'socket:64', 'socket:1500', 'socket:65536', 'tiny:64', 'tiny:512']));
    }
  });

  it('is well-formed XML: an svg root with its viewBox, on a white background', () => {
    const svg = parseXml(committed);
    expect(svg.name).toBe('svg');
    expect(svg.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(svg.attrs.viewBox).toBe(`0 0 ${svg.attrs.width} ${svg.attrs.height}`);
    const [background] = byClass(svg, 'background');
    expect(background?.attrs).toMatchObject({ width: svg.attrs.width, height: svg.attrs.height, fill: '#ffffff' });
    // Painted first: every mark lies on it.
    expect(svg.children.findIndex((e) => e.name === 'rect')).toBe(svg.children.findIndex((e) => e === background));
  });
});

describe('the XML reader the checks above rely on', () => {
  it.each([
    ['crossed tags', '<a><b></a></b>'],
    ['an unclosed tag', '<a><b></b>'],
    ['a raw & in text', '<a>x & y</a>'],
    ['a raw < in an attribute', '<a b="<"/>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a duplicate attribute', '<a b="1" b="2"/>'],
    ['two roots', '<a/><b/>'],
  ])('rejects %s', (_, source) => {
    expect(() => parseXml(source)).toThrow();
  });

  it('decodes entities in text and attributes', () => {
    const root = parseXml('<a t="&quot;&amp;&#x3c;">&lt;b&gt; &apos;&#38;</a>');
    expect(root.attrs.t).toBe('"&<');
    expect(root.text).toBe("<b> '&");
  });
});

// ---- a fixture run, made here: the numbers are chosen so that every bar and whisker end differs ----

type Cell = [workload: string, size: number, contestant: string, backend: string | undefined, mbps: (number | undefined)[], name?: string];

/** A spread run of `cells`, pass p of each cell measuring mbps[p] (undefined: that process failed). */
function spreadRun(node: string, cells: Cell[]): SpreadRun {
  const passes = Math.max(...cells.map((c) => c[4].length));
  return {
    node, passes, runs: 5, clock: 'cpu',
    cells: cells.map(([workload, size, contestant, backend, , name]) => ({ workload, size, contestant, backend, name: name ?? contestant })),
    processes: Array.from({ length: passes }, (_, p) => cells.map(([workload, size, contestant, backend, mbps]) =>
      (mbps[p] === undefined ? { workload, size, contestant, backend, failed: 'exit 1' } : { workload, size, contestant, backend, mbps: mbps[p], chunksPerSec: (mbps[p]! * 2 ** 20) / size }))),
  };
}

const PEER_NAME = 'a <peer> & "friends"';
const runs = [
  spreadRun('v20.0.0', [
    ['file', 4096, 'reframe-node', 'native', [1000, 2000, 4000]],
    ['file', 4096, 'reframe-node', 'js', [300, 500, 400]],
    ['file', 4096, 'reframe-web', 'js', [50, 60, 70]], // not charted
    ['file', 4096, 'block-stream2', undefined, [100, 120, 90]],
    ['file', 4096, 'limit-copy', undefined, [10000, 12000, 11000]],
    ['file', 4096, 'limit-c-push', undefined, [700, 800, 900]], // not charted (limit (c) sync)
    ['socket', 64, 'reframe-node', 'native', [600, 700, 800]],
    ['socket', 64, 'a-peer', undefined, [30, 40, 50], PEER_NAME],
  ]),
  spreadRun('v22.1.0', [['file', 4096, 'reframe-node', 'native', [1500, undefined, 1700]]]),
];

describe('bench/chart.mjs on a fixture', () => {
  const source = renderChart(runs);
  const svg = parseXml(source);
  const bars = byClass(svg, 'bar');
  const whiskers = byClass(svg, 'whisker');
  const key = (e: XmlElement) => `${e.attrs['data-node']} ${e.attrs['data-cell']} ${e.attrs['data-series']}`;
  const mark = (node: string, cell: string, series: string) => {
    const bar = bars.find((b) => key(b) === `${node} ${cell} ${series}`);
    const whisker = whiskers.find((w) => key(w) === `${node} ${cell} ${series}`);
    if (!bar || !whisker) throw new Error(`no bar or whisker for ${node} ${cell} ${series}`);
    return { bar, whisker };
  };

  /** MB/s → x in `node`'s panel, from its gridlines (`data-value`, and the x where each is drawn). */
  function axis(node: string) {
    const [panel] = findAll(svg, (e) => e.attrs.class === 'panel' && e.attrs['data-node'] === node);
    const ticks = byClass(panel!, 'tick').map((t) => ({ value: Number(t.attrs['data-value']), x: Number(/^M([\d.]+) /.exec(t.children[0]!.attrs.d!)![1]) }));
    const [a, b] = [ticks[0]!, ticks.at(-1)!];
    const perDecade = (b.x - a.x) / Math.log10(b.value / a.value);
    return { ticks, x: (mbps: number) => a.x + perDecade * Math.log10(mbps / a.value) };
  }

  it('draws the faces, the peers and the limits the runs measured, in that order, and nothing else', () => {
    const legend = byClass(svg, 'legend-item').map((e) => e.attrs['data-series']);
    expect(legend).toEqual(['reframe-node:native', 'reframe-node:js', 'block-stream2', 'a-peer', 'limit-copy']);
    const everySeries = new Set(findAll(svg, (e) => e.attrs['data-series'] !== undefined).map((e) => e.attrs['data-series']));
    expect([...everySeries].sort()).toEqual([...legend].sort());
  });

  it('has a bar and a whisker per run, cell and charted series with results', () => {
    const expected = [
      'v20.0.0 file:4096 reframe-node:native', 'v20.0.0 file:4096 reframe-node:js', 'v20.0.0 file:4096 block-stream2',
      'v20.0.0 file:4096 limit-copy', 'v20.0.0 socket:64 reframe-node:native', 'v20.0.0 socket:64 a-peer',
      'v22.1.0 file:4096 reframe-node:native',
    ];
    expect(bars.map(key).sort()).toEqual([...expected].sort());
    expect(whiskers.map(key).sort()).toEqual([...expected].sort());
    expect(findAll(svg, (e) => e.attrs.class === 'panel').map((e) => e.attrs['data-node'])).toEqual(['v20.0.0', 'v22.1.0']);
  });

  it('puts the gridlines on a log scale shared by the panels', () => {
    for (const node of ['v20.0.0', 'v22.1.0']) {
      const { ticks, x } = axis(node);
      expect(ticks.map((t) => t.value)).toEqual([20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]);
      for (const t of ticks) expect(t.x).toBeCloseTo(x(t.value), 0);
    }
    expect(axis('v22.1.0').x(1000) - axis('v22.1.0').x(100)).toBeCloseTo(axis('v20.0.0').x(1000) - axis('v20.0.0').x(100), 1);
  });

  it('ends each bar at the median process and its whisker at the slowest and fastest', () => {
    const spans: [string, string, string, number, number, number][] = [
      ['v20.0.0', 'file:4096', 'reframe-node:native', 1000, 2000, 4000],
      ['v20.0.0', 'file:4096', 'reframe-node:js', 300, 400, 500],
      ['v20.0.0', 'file:4096', 'block-stream2', 90, 100, 120],
      ['v20.0.0', 'file:4096', 'limit-copy', 10000, 11000, 12000],
      ['v20.0.0', 'socket:64', 'reframe-node:native', 600, 700, 800],
      ['v20.0.0', 'socket:64', 'a-peer', 30, 40, 50],
      // One process failed: the median of the other two is their mean.
      ['v22.1.0', 'file:4096', 'reframe-node:native', 1500, 1600, 1700],
    ];
    for (const [node, cell, series, min, median, max] of spans) {
      const { x } = axis(node);
      const { bar, whisker } = mark(node, cell, series);
      const left = Number(bar.attrs.x);
      expect(left, `${series} starts at the axis`).toBeCloseTo(x(20), 0);
      expect(left + Number(bar.attrs.width), `${node} ${cell} ${series} bar`).toBeCloseTo(x(median), 0);
      const [, from, to] = /^M([\d.]+) [\d.]+v6M[\d.]+ [\d.]+H([\d.]+)M/.exec(whisker.attrs.d!)!;
      expect(Number(from), `${node} ${cell} ${series} whisker`).toBeCloseTo(x(min), 0);
      expect(Number(to), `${node} ${cell} ${series} whisker`).toBeCloseTo(x(max), 0);
    }
  });

  it('orders bar lengths like the medians', () => {
    const panel = bars.filter((b) => b.attrs['data-node'] === 'v20.0.0');
    const model = chartModel(runs).panels[0]!.bars;
    const median = (b: XmlElement) => model.find((m) => m.cell === b.attrs['data-cell'] && m.series === b.attrs['data-series'])!.median!;
    const byMedian = [...panel].sort((a, b) => median(a) - median(b)).map(key);
    const byLength = [...panel].sort((a, b) => Number(a.attrs.width) - Number(b.attrs.width)).map(key);
    expect(byLength).toEqual(byMedian);
  });

  it('says the numbers in each mark\'s tooltip, and how many processes gave them', () => {
    const tip = (b: XmlElement) => textOf(findAll(svg, (g) => g.name === 'g' && g.children.includes(b))[0]!.children[0]!);
    expect(tip(mark('v20.0.0', 'file:4096', 'reframe-node:native').bar)).toMatch(/median 2,000 MB\/s .*slowest 1,000, fastest 4,000 MB\/s; 3 processes/);
    expect(tip(mark('v22.1.0', 'file:4096', 'reframe-node:native').bar)).toMatch(/median 1,600 MB\/s .*; 2 processes/);
  });

  it('escapes names: the peer\'s legend reads as its name', () => {
    const [item] = byClass(svg, 'legend-item').filter((e) => e.attrs['data-series'] === 'a-peer');
    expect(textOf(item!.children.find((e) => e.name === 'text')!)).toBe(PEER_NAME);
    expect(source).toContain('a &lt;peer&gt; &amp; &quot;friends&quot;');
  });

  it('gives the same bytes for the same runs', () => {
    expect(renderChart(structuredClone(runs))).toBe(source);
  });
});
