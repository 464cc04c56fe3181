// Hand-written SVG bar charts for the group debrief, in the manner of
// charts.js: every fill has a pattern as well as a colour (so bars can be
// told apart without colour), every chart has a <title> and <desc>, and a
// "Show the numbers" table of the same figures sits under it. Bars are
// horizontal with the label above each bar, so long labels fit on a phone
// and read on a projector.

import { el, svg } from './util.js';

// Fills by key. pattern: none (solid), stripes, dots or cross.
const FILLS = {
  bar: { colour: '#0a6148' },
  good: { colour: '#17602f' },
  strengths: { colour: '#17602f' },
  mixed: { colour: '#8a5200', pattern: 'cross' },
  safety: { colour: '#8a5200', pattern: 'cross' },
  poor: { colour: '#9b1b1b', pattern: 'stripes' },
  deficit: { colour: '#9b1b1b', pattern: 'stripes' },
  risk: { colour: '#9b1b1b', pattern: 'stripes' },
  neutral: { colour: '#5b636e', pattern: 'dots' },
  none: { colour: '#5b636e', pattern: 'dots' },
};

const W = 640;
const LEFT = 8;
const RIGHT = 72;
const LABEL_H = 24;
const BAR_H = 24;
const GAP = 12;

// paint returns the fill for key, adding its <pattern> to defs once.
function paint(defs, chartId, key) {
  const f = FILLS[key] || FILLS.bar;
  if (!f.pattern) return f.colour;
  const pid = `${chartId}-fill-${key}`;
  if (!defs.querySelector('#' + CSS.escape(pid))) {
    const p = svg('pattern', { id: pid, width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: f.pattern === 'stripes' ? 'rotate(45)' : null },
      svg('rect', { width: 8, height: 8, fill: f.colour }));
    if (f.pattern === 'stripes') p.append(svg('rect', { x: 0, y: 0, width: 3, height: 8, fill: '#fff', 'fill-opacity': 0.55 }));
    if (f.pattern === 'dots') p.append(svg('circle', { cx: 4, cy: 4, r: 1.7, fill: '#fff', 'fill-opacity': 0.7 }));
    if (f.pattern === 'cross') p.append(svg('path', { d: 'M0 4H8M4 0V8', stroke: '#fff', 'stroke-width': 1.4, 'stroke-opacity': 0.6 }));
    defs.append(p);
  }
  return `url(#${pid})`;
}

function frame(id, title, description, height) {
  const defs = svg('defs');
  const root = svg('svg', {
    id, class: 'chart bar-chart', viewBox: `0 0 ${W} ${height}`, role: 'img',
    'aria-labelledby': id + '-title', 'aria-describedby': id + '-desc', preserveAspectRatio: 'xMidYMid meet',
  }, svg('title', { id: id + '-title', text: title }), svg('desc', { id: id + '-desc', text: description }), defs);
  return { root, defs };
}

function figure(root, head, rows) {
  return el('figure', { class: 'chart-figure' },
    root,
    el('details', { class: 'chart-data' },
      el('summary', { text: 'Show the numbers' }),
      el('table', { class: 'data-table' },
        el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, rows.map((r) => el('tr', {}, el('th', { scope: 'row', text: String(r[0]) }),
          r.slice(1).map((c) => el('td', { text: c === null || c === undefined ? '–' : String(c) })))))),
    ),
  );
}

// barChart: one bar a row.
//   rows: [{label, value (number or null), fill (a FILLS key), note}]
//   max: the value of a full bar; valueText(row) formats the figure
//   table: {head: [...], rows: [[...]]}, or the label and value by default
export function barChart({ id, title, description, rows, max, valueText = (r) => String(r.value), table }) {
  const top = max || Math.max(1, ...rows.map((r) => r.value || 0));
  const rowH = LABEL_H + BAR_H + GAP;
  const { root, defs } = frame(id, title, description || rows.map((r) => `${r.label}: ${hasValue(r) ? valueText(r) : 'none'}.`).join(' '), rows.length * rowH + 8);
  const plotW = W - LEFT - RIGHT;
  rows.forEach((r, i) => {
    const y = 4 + i * rowH;
    const known = hasValue(r);
    const w = known ? Math.max(r.value > 0 ? 3 : 0, (Math.min(r.value, top) / top) * plotW) : 0;
    root.append(svg('g', { class: 'bar-row', 'data-label': r.label },
      svg('text', { x: LEFT, y: y + 17, class: 'bar-label', text: r.label + (r.note ? ' ' + r.note : '') }),
      svg('rect', { x: LEFT, y: y + LABEL_H, width: plotW, height: BAR_H, fill: '#efeae0', stroke: '#8c8676', 'stroke-width': 1 }),
      w > 0 ? svg('rect', { x: LEFT, y: y + LABEL_H, width: w.toFixed(1), height: BAR_H, fill: paint(defs, id, r.fill), stroke: '#1b1b1b', 'stroke-width': 1 }) : null,
      svg('text', { x: LEFT + plotW + 8, y: y + LABEL_H + 18, class: 'bar-value', text: known ? valueText(r) : '–' }),
    ));
  });
  const t = table || { head: ['', 'Value'], rows: rows.map((r) => [r.label, hasValue(r) ? valueText(r) : null]) };
  return figure(root, t.head, t.rows);
}

function hasValue(r) {
  return r.value !== null && r.value !== undefined;
}

// stackedBarChart: one bar a row, split into parts.
//   keys: [{key, label, symbol}] in stacking order (key is also the fill)
//   rows: [{label, parts: {key: number}}]
export function stackedBarChart({ id, title, description, keys, rows, rowTitle = '' }) {
  const rowH = LABEL_H + BAR_H + GAP;
  const perRow = 2;
  const legendH = Math.ceil(keys.length / perRow) * 30 + 6;
  const { root, defs } = frame(id, title, description || rows.map((r) => `${r.label}: ` + keys.map((k) => `${r.parts?.[k.key] || 0} ${k.label}`).join(', ') + '.').join(' '), legendH + rows.length * rowH + 8);
  const plotW = W - LEFT - RIGHT;
  const legend = svg('g', { class: 'legend' });
  keys.forEach((k, i) => {
    const x = LEFT + (i % perRow) * (W / perRow);
    const y = 6 + Math.floor(i / perRow) * 30;
    legend.append(
      svg('rect', { x, y, width: 20, height: 20, fill: paint(defs, id, k.key), stroke: '#1b1b1b', 'stroke-width': 1 }),
      svg('text', { x: x + 26, y: y + 16, class: 'legend-text', text: `${k.symbol ? k.symbol + ' ' : ''}${k.label}` }),
    );
  });
  root.append(legend);
  rows.forEach((r, i) => {
    const y = legendH + 4 + i * rowH;
    const total = keys.reduce((sum, k) => sum + (Number(r.parts?.[k.key]) || 0), 0);
    const g = svg('g', { class: 'bar-row', 'data-label': r.label },
      svg('text', { x: LEFT, y: y + 17, class: 'bar-label', text: r.label }),
      svg('rect', { x: LEFT, y: y + LABEL_H, width: plotW, height: BAR_H, fill: '#efeae0', stroke: '#8c8676', 'stroke-width': 1 }));
    let x = LEFT;
    for (const k of keys) {
      const n = Number(r.parts?.[k.key]) || 0;
      if (!n || !total) continue;
      const w = (n / total) * plotW;
      g.append(svg('rect', { x: x.toFixed(1), y: y + LABEL_H, width: w.toFixed(1), height: BAR_H, fill: paint(defs, id, k.key), stroke: '#1b1b1b', 'stroke-width': 1 }));
      if (w >= 26) {
        g.append(svg('text', { x: (x + w / 2).toFixed(1), y: y + LABEL_H + 17, 'text-anchor': 'middle', class: 'bar-inside', text: String(n) }));
      }
      x += w;
    }
    g.append(svg('text', { x: LEFT + plotW + 8, y: y + LABEL_H + 18, class: 'bar-value', text: String(total) }));
    root.append(g);
  });
  return figure(root, [rowTitle, ...keys.map((k) => k.label), 'Total'],
    rows.map((r) => [r.label, ...keys.map((k) => Number(r.parts?.[k.key]) || 0), keys.reduce((s, k) => s + (Number(r.parts?.[k.key]) || 0), 0)]));
}

// columnChart: vertical columns over time, one group a label (a month),
// one column a series in the group, with a y axis in whole numbers.
//   labels: one per group; series: [{key (a FILLS key), label, values}]
export function columnChart({ id, title, description, labels, series, xTitle = '', yTitle = '' }) {
  const PADL = 48;
  const PADR = 12;
  const plotH = 200;
  const legendH = 34;
  const top = legendH + 12;
  const H = top + plotH + 64;
  const n = Math.max(1, labels.length);
  const plotW = W - PADL - PADR;
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => Number(v) || 0)));
  const step = Math.max(1, Math.ceil(max / 4));
  const yMax = step * 4;
  const y = (v) => top + plotH - (v / yMax) * plotH;
  const { root, defs } = frame(id, title,
    description || labels.map((l, i) => `${l}: ` + series.map((s) => `${Number(s.values[i]) || 0} ${s.label}`).join(', ') + '.').join(' '), H);

  const legend = svg('g', { class: 'legend' });
  series.forEach((s, i) => {
    const x = PADL + i * 200;
    legend.append(
      svg('rect', { x, y: 8, width: 20, height: 20, fill: paint(defs, id, s.key), stroke: '#1b1b1b', 'stroke-width': 1 }),
      svg('text', { x: x + 26, y: 24, class: 'legend-text', text: s.label }),
    );
  });
  root.append(legend);

  const grid = svg('g', { class: 'grid' });
  for (let k = 0; k <= 4; k++) {
    const v = step * k;
    grid.append(
      svg('line', { x1: PADL, x2: W - PADR, y1: y(v), y2: y(v) }),
      svg('text', { x: PADL - 8, y: y(v) + 5, 'text-anchor': 'end', class: 'tick', text: String(v) }),
    );
  }
  root.append(grid);

  const groupW = plotW / n;
  const barW = Math.max(2, (groupW * 0.8) / Math.max(1, series.length));
  labels.forEach((label, i) => {
    const g = svg('g', { class: 'column-group', 'data-label': label });
    series.forEach((s, j) => {
      const v = Number(s.values[i]) || 0;
      if (v <= 0) return;
      const x = PADL + i * groupW + groupW * 0.1 + j * barW;
      g.append(svg('rect', { x: x.toFixed(1), y: y(v).toFixed(1), width: barW.toFixed(1), height: (top + plotH - y(v)).toFixed(1), fill: paint(defs, id, s.key), stroke: '#1b1b1b', 'stroke-width': 1 },
        svg('title', { text: `${label}: ${v} ${s.label}` })));
    });
    root.append(g);
  });

  const axis = svg('g', { class: 'axis' },
    svg('line', { x1: PADL, x2: W - PADR, y1: top + plotH, y2: top + plotH }));
  const every = Math.max(1, Math.ceil(n / 8));
  labels.forEach((label, i) => {
    if (i % every !== 0) return;
    axis.append(svg('text', { x: (PADL + i * groupW + groupW / 2).toFixed(1), y: top + plotH + 20, 'text-anchor': 'middle', class: 'tick', text: label }));
  });
  axis.append(
    svg('text', { x: PADL + plotW / 2, y: top + plotH + 48, 'text-anchor': 'middle', class: 'axis-title', text: xTitle }),
    svg('text', { x: 14, y: top + plotH / 2, 'text-anchor': 'middle', class: 'axis-title', transform: `rotate(-90 14 ${top + plotH / 2})`, text: yTitle }),
  );
  root.append(axis);

  return figure(root, [xTitle, ...series.map((s) => s.label)],
    labels.map((label, i) => [label, ...series.map((s) => Number(s.values[i]) || 0)]));
}
