// The figures, the issue-20 target ratios and the tables of bench:streams (bench/streams.mjs), from
// a run's cells: also what `--report FILE[,FILE…]` prints for saved runs (merged, reps renumbered).
import { FLOOR, contestant } from './contestants.mjs';
import { DATA_BYTES } from './plan.mjs';

const KiB = 1024;
const MiB = 1024 * 1024;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), values: xs });
function fmt(stat, digits = 1) {
  if (!stat || !Number.isFinite(stat.median)) return '—';
  const f = (x) => x.toFixed(digits);
  return stat.values.length > 1 && f(stat.min) !== f(stat.max) ? `${f(stat.median)} (${f(stat.min)}–${f(stat.max)})` : f(stat.median);
}

/** The figures of one cell's result. */
export function derive(cell) {
  const { result: r, n } = cell;
  const peak = r.peak.hwm ?? r.peak.sampled;
  return {
    quietKiB: (r.quiet.rss - r.baseline.rss) / n / KiB,
    peakMiB: (peak - r.baseline.rss) / MiB,
    peakSampledMiB: (r.peak.sampled - r.baseline.rss) / MiB,
    cpuPerGB: r.cpuS / ((n * DATA_BYTES) / 1e9),
    afterCloseMiB: (r.afterClose.rss - r.baseline.rss) / MiB,
    afterCloseGcMiB: (r.afterCloseGc.rss - r.baseline.rss) / MiB,
    ok: r.check.ok && r.warmCheck.ok,
  };
}

/** Summary per (n, size, id): every figure's median and spread over the reps. */
export function summarise(cells) {
  const groups = new Map();
  for (const cell of cells) {
    const key = `${cell.n}|${cell.size ?? ''}|${cell.id}`;
    if (!groups.has(key)) groups.set(key, { n: cell.n, size: cell.size, id: cell.id, cells: [] });
    groups.get(key).cells.push(cell);
  }
  const out = [];
  for (const g of groups.values()) {
    const done = g.cells.filter((c) => c.result);
    const figures = {};
    if (done.length) {
      for (const name of Object.keys(done[0].derived)) {
        const xs = done.map((c) => c.derived[name]).filter(Number.isFinite);
        if (name !== 'ok' && xs.length) figures[name] = spread(xs);
      }
    }
    out.push({ n: g.n, size: g.size, id: g.id, reps: g.cells.length, ok: g.cells.every((c) => c.result && c.derived.ok), ...figures });
  }
  return out;
}

/** The cell of (id, n, size) in rep; size-independent contestants match any size. */
function find(cells, id, n, size, rep) {
  return cells.find((c) => c.id === id && c.n === n && c.rep === rep && (c.size === size || c.size === null) && c.result);
}

/** Issue 20's targets for each reframe contestant, ratio by ratio within one rep; median and spread over reps. */
export function targets(cells, ns, sizes, reps) {
  const rows = [];
  for (const n of ns) {
    for (const size of sizes) {
      for (const id of new Set(cells.map((c) => c.id))) {
        const who = contestant(id);
        if (!who.core) continue;
        const floor = FLOOR[who.kind];
        const per = { quietOverFloorKiB: [], peakOverFloor: [], cpuOverBlock: [], afterCloseMiB: [], rawAfterCloseMiB: [] };
        for (let rep = 0; rep < reps; rep++) {
          const c = find(cells, id, n, size, rep);
          if (!c) continue;
          const f = find(cells, floor, n, size, rep);
          const b = find(cells, 'block-stream2', n, size, rep);
          if (f) per.quietOverFloorKiB.push(c.derived.quietKiB - f.derived.quietKiB);
          if (f) per.peakOverFloor.push(c.derived.peakMiB / f.derived.peakMiB);
          if (b) per.cpuOverBlock.push(c.derived.cpuPerGB / b.derived.cpuPerGB);
          per.afterCloseMiB.push(c.derived.afterCloseMiB);
          const raw = find(cells, 'raw', n, size, rep);
          if (raw) per.rawAfterCloseMiB.push(raw.derived.afterCloseMiB);
        }
        const row = { n, size, id, floor };
        for (const [k, xs] of Object.entries(per)) row[k] = xs.length ? spread(xs) : undefined;
        row.met = {
          quiet: row.quietOverFloorKiB ? row.quietOverFloorKiB.median <= 2 : undefined,
          peak: row.peakOverFloor ? row.peakOverFloor.median <= 1.25 : undefined,
          cpu: row.cpuOverBlock ? row.cpuOverBlock.median <= 0.8 : undefined,
          afterClose: row.afterCloseMiB ? row.afterCloseMiB.median <= 10 : undefined,
        };
        rows.push(row);
      }
    }
  }
  return rows;
}

const mark = (met) => (met === undefined ? '' : met ? ' ✓' : ' ✗');

export function printTables(data) {
  const { summary, ratios, options } = data;
  const lines = [];
  lines.push(`bench:streams — server on ${data.version}${data.commit ? `, reframe ${data.commit.slice(0, 7)}` : ''}, ${options.reps} rep(s) per cell; median (min–max over reps)`);
  for (const n of options.n) {
    const raw = summary.find((s) => s.id === 'raw' && s.n === n);
    for (const size of options.sizes) {
      const rows = summary.filter((s) => s.n === n && (s.size === size || s.size === null));
      if (!rows.length) continue;
      lines.push('', `### ${n.toLocaleString('en-US')} connections, ${size} B chunks`, '');
      lines.push('| contestant | KiB per quiet conn. over raw | peak MiB while all send | CPU s/GB | MiB 5 s after close | … then after a GC | checked |');
      lines.push('|---|--:|--:|--:|--:|--:|:-:|');
      for (const s of rows) {
        const over = raw?.quietKiB && s.quietKiB
          ? { ...s.quietKiB, median: s.quietKiB.median - raw.quietKiB.median, min: s.quietKiB.min - raw.quietKiB.median, max: s.quietKiB.max - raw.quietKiB.median }
          : undefined;
        const quiet = s.id === 'raw' || !over ? `(${fmt(s.quietKiB)} over the server's baseline)` : fmt(over);
        lines.push(`| ${s.id} | ${quiet} | ${fmt(s.peakMiB)} | ${fmt(s.cpuPerGB, 2)} | ${fmt(s.afterCloseMiB)} | ${fmt(s.afterCloseGcMiB)} | ${s.ok ? '✓' : 'FAILED'} |`);
      }
    }
  }
  if (ratios.length) {
    lines.push('', "### Issue 20's targets (ratio within each rep; median (min–max))", '');
    lines.push('| n | size | contestant | KiB/conn over its floor (≤ 2) | peak ÷ floor\'s (≤ 1.25) | CPU ÷ block-stream2 (≤ 0.8) | MiB 5 s after close (≤ 10) | raw sockets\' |');
    lines.push('|--:|--:|---|--:|--:|--:|--:|--:|');
    for (const r of ratios) {
      lines.push(`| ${r.n.toLocaleString('en-US')} | ${r.size} | ${r.id} (floor: ${r.floor}) | ${fmt(r.quietOverFloorKiB)}${mark(r.met.quiet)} | ${fmt(r.peakOverFloor, 2)}${mark(r.met.peak)} | ${fmt(r.cpuOverBlock, 2)}${mark(r.met.cpu)} | ${fmt(r.afterCloseMiB)}${mark(r.met.afterClose)} | ${fmt(r.rawAfterCloseMiB)} |`);
    }
  }
  const failed = (data.cells ?? []).filter((c) => !c.result || !c.derived.ok);
  for (const c of failed) {
    lines.push('', `FAILED ${c.id} n=${c.n} size=${c.size ?? '-'} rep=${c.rep}: ${c.error ?? [...(c.result?.check.failures ?? []), ...(c.result?.warmCheck.failures ?? [])].join('; ')}`);
  }
  console.log(lines.join('\n'));
}

/**
 * The data of saved runs of one Node (bench/results/streams-*.json or --json files), merged: the
 * cells of each later file get rep numbers after the earlier files', and the summary and the
 * target ratios are computed again from all cells.
 */
export function merge(runs) {
  const versions = new Set(runs.map((r) => r.version));
  if (versions.size > 1) throw new Error(`runs of different Nodes (${[...versions].join(', ')}) cannot be merged`);
  const cells = [];
  let offset = 0;
  for (const run of runs) {
    let last = -1;
    for (const cell of run.cells) {
      cells.push({ ...cell, rep: cell.rep + offset });
      last = Math.max(last, cell.rep);
    }
    offset += last + 1;
  }
  const ns = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b);
  const sizes = [...new Set([...runs.flatMap((r) => r.options?.sizes ?? []), ...cells.map((c) => c.size).filter((s) => s !== null)])].sort((a, b) => a - b);
  const first = runs[0];
  return {
    ...first,
    complete: runs.every((r) => r.complete !== false),
    durationS: runs.reduce((sum, r) => sum + (r.durationS ?? 0), 0),
    options: { ...first.options, n: ns, sizes, reps: offset },
    merged: runs.length > 1 ? runs.map((r) => ({ date: r.date, commit: r.commit, reps: r.options?.reps })) : undefined,
    summary: summarise(cells),
    ratios: targets(cells, ns, sizes, offset),
    cells,
  };
}
