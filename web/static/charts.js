// Small hand-written SVG line charts. Each series gets a colour, a dash
// pattern and a marker shape, so the lines can be told apart without
// colour; the chart has a <title> and <desc>, and a table of the same
// numbers sits beside it for anyone who cannot see the picture.

import { el, svg } from './util.js';

const STYLES = [
  { colour: '#1760a5', dash: '', marker: 'circle' },
  { colour: '#b04a00', dash: '8 5', marker: 'square' },
  { colour: '#2b7a33', dash: '2 5', marker: 'triangle' },
  { colour: '#7b2e9e', dash: '12 4 3 4', marker: 'diamond' },
  { colour: '#a1182a', dash: '4 3', marker: 'circle' },
];

const W = 640;
const PAD = { left: 56, right: 20, top: 18, bottom: 56 };
const PLOT_H = 200;
const LEGEND_ROW = 26;

// lineChart returns a <figure> holding svg#id and a data table.
//   series: [{name, values: [number|null]}]   (all the same length)
//   xLabels: one label per point ("Start", "1", "2" …)
//   xTitle, yTitle: axis titles; yMin, yMax: the value range
export function lineChart({ id, title, description, series, xLabels, xTitle, yTitle, yMin = 0, yMax = 100 }) {
  const points = Math.max(1, ...series.map((s) => s.values.length));
  const perRow = 3;
  const legendRows = Math.ceil(series.length / perRow);
  const H = PAD.top + PLOT_H + PAD.bottom + legendRows * LEGEND_ROW + 8;
  const plotW = W - PAD.left - PAD.right;
  const x = (i) => PAD.left + (points === 1 ? plotW / 2 : (i * plotW) / (points - 1));
  const y = (v) => PAD.top + PLOT_H - ((v - yMin) / (yMax - yMin || 1)) * PLOT_H;
  const titleId = id + '-title';
  const descId = id + '-desc';

  const root = svg('svg', {
    id, class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-labelledby': titleId, 'aria-describedby': descId, preserveAspectRatio: 'xMidYMid meet',
  },
  svg('title', { id: titleId, text: title }),
  svg('desc', { id: descId, text: description || summarise(series, xLabels) }));

  // Grid and y axis: five steps across the range.
  const grid = svg('g', { class: 'grid' });
  for (let k = 0; k <= 4; k++) {
    const v = yMin + ((yMax - yMin) * k) / 4;
    grid.append(
      svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }),
      svg('text', { x: PAD.left - 8, y: y(v) + 5, 'text-anchor': 'end', class: 'tick', text: String(Math.round(v)) }),
    );
  }
  root.append(grid);

  // x axis: thin the labels so they never overlap.
  const axis = svg('g', { class: 'axis' },
    svg('line', { x1: PAD.left, x2: W - PAD.right, y1: PAD.top + PLOT_H, y2: PAD.top + PLOT_H }));
  const step = Math.max(1, Math.ceil(points / 12));
  for (let i = 0; i < points; i += step) {
    axis.append(svg('text', { x: x(i), y: PAD.top + PLOT_H + 20, 'text-anchor': 'middle', class: 'tick', text: xLabels[i] ?? String(i) }));
  }
  axis.append(
    svg('text', { x: PAD.left + plotW / 2, y: PAD.top + PLOT_H + 44, 'text-anchor': 'middle', class: 'axis-title', text: xTitle }),
    svg('text', { x: 16, y: PAD.top + PLOT_H / 2, 'text-anchor': 'middle', class: 'axis-title', transform: `rotate(-90 16 ${PAD.top + PLOT_H / 2})`, text: yTitle }),
  );
  root.append(axis);

  series.forEach((s, i) => {
    const st = STYLES[i % STYLES.length];
    const g = svg('g', { class: 'series', 'data-name': s.name });
    // A missing value breaks the line rather than drawing through it.
    let d = '';
    let pen = false;
    s.values.forEach((v, j) => {
      if (v === null || v === undefined) {
        pen = false;
        return;
      }
      d += (pen ? 'L' : 'M') + x(j).toFixed(1) + ' ' + y(v).toFixed(1) + ' ';
      pen = true;
    });
    g.append(svg('path', { d: d.trim(), fill: 'none', stroke: st.colour, 'stroke-width': 3, 'stroke-dasharray': st.dash || null, 'stroke-linejoin': 'round' }));
    s.values.forEach((v, j) => {
      if (v === null || v === undefined) return;
      g.append(marker(st, x(j), y(v)));
    });
    root.append(g);
  });

  // Legend under the axis title.
  const legend = svg('g', { class: 'legend' });
  const legendTop = PAD.top + PLOT_H + PAD.bottom + 6;
  series.forEach((s, i) => {
    const st = STYLES[i % STYLES.length];
    const lx = PAD.left + (i % perRow) * 190;
    const ly = legendTop + Math.floor(i / perRow) * LEGEND_ROW;
    legend.append(
      svg('line', { x1: lx, x2: lx + 36, y1: ly, y2: ly, stroke: st.colour, 'stroke-width': 3, 'stroke-dasharray': st.dash || null }),
      marker(st, lx + 18, ly),
      svg('text', { x: lx + 44, y: ly + 5, class: 'legend-text', text: s.name }),
    );
  });
  root.append(legend);

  return el('figure', { class: 'chart-figure' },
    root,
    el('details', { class: 'chart-data' },
      el('summary', { text: 'Show the numbers' }),
      table(series, xLabels, xTitle)),
  );
}

function marker(st, cx, cy) {
  const r = 5;
  const common = { fill: st.colour, stroke: '#fff', 'stroke-width': 1.5 };
  switch (st.marker) {
    case 'square':
      return svg('rect', { x: cx - r, y: cy - r, width: 2 * r, height: 2 * r, ...common });
    case 'triangle':
      return svg('path', { d: `M${cx} ${cy - r - 1} L${cx + r + 1} ${cy + r} L${cx - r - 1} ${cy + r} Z`, ...common });
    case 'diamond':
      return svg('path', { d: `M${cx} ${cy - r - 1} L${cx + r + 1} ${cy} L${cx} ${cy + r + 1} L${cx - r - 1} ${cy} Z`, ...common });
    default:
      return svg('circle', { cx, cy, r, ...common });
  }
}

function summarise(series, xLabels) {
  return series.map((s) => {
    const vals = s.values.filter((v) => v !== null && v !== undefined);
    if (!vals.length) return `${s.name}: no values.`;
    return `${s.name}: from ${vals[0]} to ${vals[vals.length - 1]} over ${xLabels.length} points.`;
  }).join(' ');
}

function table(series, xLabels, xTitle) {
  return el('table', { class: 'data-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: xTitle }), series.map((s) => el('th', { scope: 'col', text: s.name })))),
    el('tbody', {}, xLabels.map((label, i) => el('tr', {},
      el('th', { scope: 'row', text: label }),
      series.map((s) => el('td', { text: s.values[i] === null || s.values[i] === undefined ? '–' : String(s.values[i]) }))))),
  );
}
