// The debrief of an ended group session (the trainer's view), and the
// outcome chart trainees see too: how the conversations ended, everyone's
// scores, the focus of the group's responses at each point of the
// conversation, the commonest deficit phrasings beside a strengths-based
// rewrite, the board's figures and the CSV exports.

import { el, capitalise, words, percent, FOCUS, RATINGS } from './util.js';
import { barChart, stackedBarChart } from './bars.js';
import { groupExport } from './api.js';
import { COLUMNS, memberName, outcomeText } from './grouputil.js';

const RATING_ORDER = { good: 0, mixed: 1, poor: 2 };

// outcomeChart returns svg#outcome-chart in its figure, or a note when no
// run has reached an outcome.
export function outcomeChart(outcomes) {
  const list = [...(outcomes || [])].filter((o) => (o.count || 0) > 0)
    .sort((a, b) => (RATING_ORDER[a.rating] ?? 3) - (RATING_ORDER[b.rating] ?? 3) || (b.count || 0) - (a.count || 0));
  if (!list.length) return el('p', { class: 'hint', id: 'outcome-none', text: 'No conversation reached an ending.' });
  const total = list.reduce((s, o) => s + (o.count || 0), 0);
  const label = (o) => `${o.title || words(o.id)}${o.rating ? ' (' + (RATINGS[o.rating] || o.rating) + ')' : ''}`;
  return barChart({
    id: 'outcome-chart',
    title: `How the ${total} conversations ended`,
    rows: list.map((o) => ({ label: label(o), value: o.count || 0, fill: RATING_ORDER[o.rating] !== undefined ? o.rating : 'none' })),
    max: Math.max(...list.map((o) => o.count || 0)),
    valueText: (r) => String(r.value),
    table: { head: ['Ending', 'Rating', 'People'], rows: list.map((o) => [o.title || words(o.id), RATINGS[o.rating] || o.rating || '', o.count || 0]) },
  });
}

// renderDebrief returns section#debrief for the session's trainer.
export function renderDebrief(session) {
  const d = session.debrief || {};
  const section = el('section', { id: 'debrief', class: 'debrief-section', 'aria-labelledby': 'debrief-title' },
    el('h2', { id: 'debrief-title', text: 'Debrief' }));
  const scores = d.scores || [];
  const isStaffing = session.kind === 'staffing';

  section.append(el('div', { class: 'actions exports' },
    el('a', { id: 'export-results', class: 'button-link', href: groupExport(session.id, 'results'), download: 'results.csv', text: 'Download results (CSV)' }),
    isStaffing ? el('a', { id: 'export-board', class: 'button-link', href: groupExport(session.id, 'board'), download: 'board.csv', text: 'Download the board (CSV)' }) : null,
  ));

  if (!isStaffing || (d.outcomes || []).length || scores.length) {
    section.append(summary(scores));
    section.append(el('h3', { text: 'How the conversations ended' }), outcomeChart(d.outcomes));
    section.append(el('h3', { text: 'Scores' }), scoreChart(session, scores, d.outcomes));
  }

  const beats = d.beats || [];
  if (beats.length) section.append(el('h3', { text: 'Focus at each point of the conversation' }), beatChart(beats));

  const phrasings = d.deficit_phrasings || [];
  if (phrasings.length) {
    section.append(el('h3', { text: 'Deficit phrasings, and a strengths-based way to say it' }),
      el('ul', { class: 'phrasings' }, phrasings.map(phrasing)));
  }

  if (d.board) section.append(boardStats(d.board));
  return section;
}

function summary(scores) {
  const done = scores.filter((s) => s.overall !== null && s.overall !== undefined);
  const avg = done.length ? Math.round(done.reduce((s, x) => s + x.overall, 0) / done.length) : null;
  const risky = scores.filter((s) => s.missed_risk > 0).length;
  return el('p', { class: 'debrief-summary' },
    `${scores.length} ${scores.length === 1 ? 'person' : 'people'} took part`,
    avg === null ? '' : `; the average score was ${avg} / 100`,
    risky ? `; ${risky} missed a risk cue.` : '.');
}

function scoreChart(session, scores, outcomes) {
  if (!scores.length) return el('p', { class: 'hint', text: 'No scores yet.' });
  const rows = scores.map((s, i) => ({
    label: memberName(session, { name: s.member }, i),
    note: s.missed_risk > 0 ? '⚠ missed a risk cue' : '',
    value: s.overall ?? null,
    fill: s.missed_risk > 0 ? 'risk' : 'bar',
    s,
  }));
  return barChart({
    id: 'score-chart',
    title: 'Overall score of each person (out of 100)',
    rows,
    max: 100,
    valueText: (r) => `${r.value}`,
    table: {
      head: ['Person', 'Overall', 'Strengths ratio', 'Responses', 'Missed risk cues', 'Ending'],
      rows: rows.map((r) => [r.label, r.s.overall ?? null, percent(r.s.strengths_ratio), r.s.turns ?? 0, r.s.missed_risk ?? 0, outcomeText(r.s.outcome, outcomes) || '–']),
    },
  });
}

const FOCUS_KEYS = ['strengths', 'neutral', 'safety', 'deficit'];

function beatChart(beats) {
  const rows = beats.map((b, i) => ({ label: `${i + 1}. ${capitalise(words(b.beat))}`, parts: b.focus || {}, line: b.line || '' }));
  const figure = stackedBarChart({
    id: 'beat-chart',
    title: 'How the group’s responses were focused at each point of the conversation',
    keys: FOCUS_KEYS.map((k) => ({ key: k, label: FOCUS[k].word, symbol: FOCUS[k].symbol })),
    rows,
    rowTitle: 'Point in the conversation',
  });
  // What the client had just said at each point, for the discussion.
  const lines = rows.filter((r) => r.line);
  if (lines.length) {
    figure.append(el('details', { class: 'chart-data beat-lines' },
      el('summary', { text: 'What the client said at each point' }),
      el('ol', {}, lines.map((r) => el('li', {}, el('strong', { text: r.label.replace(/^\d+\.\s*/, '') + ': ' }), el('q', { text: r.line }))))));
  }
  return figure;
}

function phrasing(p) {
  return el('li', { class: 'phrasing', 'data-cue': p.cue || '' },
    el('div', { class: 'phrasing-deficit' },
      el('p', { class: 'phrasing-head' },
        el('span', { class: 'symbol', 'aria-hidden': 'true', text: FOCUS.deficit.symbol }), ' ',
        el('strong', { text: `“${p.cue || ''}”` }), ` used ${p.count || 0} ${p.count === 1 ? 'time' : 'times'}`),
      (p.examples || []).length ? el('ul', { class: 'phrasing-examples', 'aria-label': 'Examples' },
        p.examples.map((x) => el('li', {}, el('q', { text: x })))) : null),
    el('div', { class: 'phrasing-rewrite' },
      el('p', { class: 'phrasing-head' },
        el('span', { class: 'symbol', 'aria-hidden': 'true', text: FOCUS.strengths.symbol }), ' ', el('strong', { text: 'Try instead' })),
      el('p', {}, el('q', { text: p.rewrite || '' })),
      p.tip ? el('p', { class: 'tip', text: p.tip }) : null),
  );
}

function boardStats(b) {
  const by = b.by_column || {};
  return el('div', { class: 'board-stats' },
    el('h3', { text: 'The board' }),
    el('p', { text: `${b.cards ?? 0} cards, ${b.flagged ?? 0} flagged as deficit-framed.` }),
    el('dl', { class: 'measures' }, COLUMNS.map(([key, label]) => el('div', { class: 'measure', 'data-column': key },
      el('dt', { text: label }), el('dd', {}, el('span', { class: 'measure-value', text: String(by[key] ?? 0) }))))),
  );
}
