// The history page: every run, newest first, and a chart of how the
// trainee's role plays have gone over time.

import { api } from './api.js';
import { el, alertBox, showAlert, formatDateTime, percent, RATINGS } from './util.js';
import { lineChart } from './charts.js';

export const MODES = { free: 'Free text', beginner: 'Beginner' };

export function render(root, ctx) {
  const error = alertBox('history-error');
  const chartSlot = el('div', { class: 'history-chart' });
  const list = el('ul', { id: 'history-list', class: 'history-list' });
  root.append(el('section', { id: 'history', 'aria-labelledby': 'history-title' },
    el('h1', { id: 'history-title', text: 'Your history' }),
    error,
    el('h2', { text: 'Progress in role plays' }),
    chartSlot,
    el('h2', { text: 'All your runs' }),
    list,
  ));

  api.runs().then((data) => {
    const runs = data.runs || [];
    drawChart(chartSlot, runs);
    if (!runs.length) {
      list.append(el('li', { class: 'empty' }, 'Nothing here yet. ', el('a', { href: '#/library', text: 'Pick something from the library' }), ' to start practising.'));
      return;
    }
    list.append(...runs.map(runItem));
  }, (err) => showAlert(error, err.message));
}

function drawChart(slot, runs) {
  // The API lists newest first; the chart reads left to right in time.
  const done = runs
    .filter((r) => r.scenario?.kind !== 'case' && r.status === 'ended' && r.overall !== null && r.overall !== undefined)
    .reverse();
  if (!done.length) {
    slot.append(el('p', { class: 'hint', text: 'Finish a role play to see your progress here.' }));
    return;
  }
  slot.append(lineChart({
    id: 'history-chart',
    title: 'Overall score and strengths ratio over your role plays, oldest to newest',
    series: [
      { name: 'Overall score', values: done.map((r) => r.overall) },
      { name: 'Strengths ratio (%)', values: done.map((r) => (r.strengths_ratio === null || r.strengths_ratio === undefined ? null : Math.round(r.strengths_ratio * 100))) },
    ],
    xLabels: done.map((_, i) => String(i + 1)),
    xTitle: 'Role play attempt, oldest to newest',
    yTitle: 'Score (0–100)',
    yMin: 0,
    yMax: 100,
  }));
}

function runItem(r) {
  const isCase = r.scenario?.kind === 'case';
  const facts = [
    formatDateTime(r.created_at),
    isCase ? 'Practice case' : MODES[r.mode] || r.mode,
  ];
  const result = [];
  if (r.status !== 'ended') result.push('In progress');
  else if (r.outcome) result.push(`${r.outcome.title} (${RATINGS[r.outcome.rating] || r.outcome.rating})`);
  else if (isCase) result.push('Completed');
  if (!isCase && r.overall !== null && r.overall !== undefined && r.status === 'ended') result.push(`Overall ${r.overall} / 100`);
  if (!isCase && r.strengths_ratio !== null && r.strengths_ratio !== undefined) result.push(`Strengths ratio ${percent(r.strengths_ratio)}`);
  return el('li', { class: 'history-run card', 'data-id': r.id, 'data-status': r.status },
    el('a', { href: '#/run/' + encodeURIComponent(r.id), class: 'history-link' },
      el('span', { class: 'history-title', text: r.scenario?.title || r.scenario?.id || 'Run' })),
    el('p', { class: 'history-meta', text: facts.filter(Boolean).join(' · ') }),
    result.length ? el('p', { class: 'history-result' + (r.outcome?.rating ? ' rating-text-' + r.outcome.rating : ''), text: result.join(' · ') }) : null,
  );
}
