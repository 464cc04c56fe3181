// The end-of-run report of a role play: outcome and debrief, the session
// measures, the overall score with its breakdown, the strengths found and
// missed, the costliest turns and a chart of every meter over the turns.

import { el, serverHTML, percent, domainTitle, RATINGS } from './util.js';
import { focusBadge } from './transcript.js';
import { lineChart } from './charts.js';
import { meterLabel } from './panel.js';

// renderReport returns section#report. onTryAgain, when given, adds
// button#try-again.
export function renderReport(report, { clientName = 'the client', onTryAgain, againText = 'Try again' } = {}) {
  const m = report.measures || {};
  const outcome = report.outcome || {};
  const section = el('section', { id: 'report', class: 'report', 'aria-labelledby': 'report-title' },
    el('h2', { id: 'report-title', text: 'How it went' }));

  section.append(el('div', { class: 'outcome outcome-' + (outcome.rating || 'none') },
    el('h3', { class: 'outcome-title', text: outcome.title || 'The conversation ended' }),
    outcome.rating ? el('p', { class: 'rating rating-' + outcome.rating, 'data-rating': outcome.rating, text: RATINGS[outcome.rating] || outcome.rating }) : null,
  ));
  if (outcome.debrief_html) section.append(serverHTML(el('div', { class: 'debrief prose' }), outcome.debrief_html));

  if (m.risk_missed > 0) {
    section.append(el('p', { class: 'missed-risk report-missed' },
      el('strong', { text: `You missed ${m.risk_missed === 1 ? 'a risk cue' : m.risk_missed + ' risk cues'}.` }),
      ' When someone mentions risk, ask about it directly and kindly before anything else. A missed risk cue caps the overall score at 50.'));
  }

  const credits = courseCredits(report.counts_towards);
  if (credits) section.append(credits);

  section.append(el('h3', { text: 'Your measures' }), measures(m));
  section.append(overall(m));
  section.append(strengths(report.strengths, clientName));

  const costliest = report.costliest || [];
  if (costliest.length) {
    section.append(el('div', { class: 'costliest' },
      el('h3', { text: 'The turns that cost the most' }),
      el('ol', {}, costliest.map((c) => el('li', { 'data-n': c.n },
        el('p', { class: 'costly-text' }, el('span', { class: 'turn-no', text: `Response ${c.n}: ` }), `“${c.text}”`),
        focusBadge(c.focus),
        el('p', { class: 'cost', text: `Set ${clientName} back by ${c.cost} points.` }),
      )))));
  }

  const meters = report.meters || [];
  if (meters.length) {
    const n = Math.max(...meters.map((x) => (x.values || []).length));
    section.append(el('h3', { text: 'How the meters moved' }), lineChart({
      id: 'meter-chart',
      title: `How ${clientName}’s meters moved over the conversation`,
      series: meters.map((x) => ({ name: meterLabel(x), values: x.values || [] })),
      xLabels: Array.from({ length: n }, (_, i) => (i === 0 ? 'Start' : String(i))),
      xTitle: 'Response',
      yTitle: 'Value',
      yMin: Math.min(...meters.map((x) => x.min ?? 0)),
      yMax: Math.max(...meters.map((x) => x.max ?? 100)),
    }));
  }

  if (onTryAgain) {
    const again = el('button', { type: 'button', id: 'try-again', class: 'primary', text: againText });
    again.addEventListener('click', () => onTryAgain(again));
    section.append(el('div', { class: 'actions' }, again));
  }
  return section;
}

function measures(m) {
  const ratioDetail = `${m.strengths ?? 0} strengths-focused, ${m.deficit ?? 0} deficit-focused`;
  const rpq = m.reflections_per_question;
  const risk = m.risk_cues
    ? `${m.risk_handled} of ${m.risk_cues} handled` + (m.risk_missed ? `, ${m.risk_missed} missed` : '')
    : 'none in this conversation';
  return el('dl', { class: 'measures' },
    item('strengths-ratio', 'Strengths ratio', percent(m.strengths_ratio), ratioDetail),
    item('open-share', 'Open questions', percent(m.open_share), `${m.open_questions ?? 0} of ${m.questions ?? 0} questions`),
    item('reflections', 'Reflections per question', rpq === null || rpq === undefined ? 'n/a' : rpq.toFixed(1), '1 is fair, 2 or more is good'),
    item('risk', 'Risk cues', risk, m.risk_missed ? 'a missed cue fails the case' : ''),
  );
}

function item(key, term, value, detail) {
  return el('div', { class: 'measure', 'data-measure': key },
    el('dt', { text: term }),
    el('dd', {}, el('span', { class: 'measure-value', text: value }), detail ? el('span', { class: 'measure-detail', text: ' (' + detail + ')' }) : null));
}

function overall(m) {
  const rows = (m.breakdown || []).map((b) => el('li', { class: 'bar-row', 'data-name': b.name },
    el('div', { class: 'bar-head' },
      el('span', { class: 'bar-name', text: b.name }),
      el('span', { class: 'bar-score', text: `${b.score} / 100` }),
      el('span', { class: 'bar-weight', text: `counts ${Math.round((b.weight || 0) * 100)}%` }),
    ),
    bar(b.score),
    b.note ? el('p', { class: 'bar-note', text: b.note }) : null,
  ));
  return el('div', { class: 'overall' },
    el('h3', {}, 'Overall score: ', el('span', { class: 'overall-score', text: String(m.overall ?? 0) }), ' / 100'),
    el('ul', { class: 'breakdown', 'aria-label': 'How the overall score is made up' }, rows),
  );
}

function strengths(s, clientName) {
  const box = el('div', { class: 'report-strengths' }, el('h3', { text: 'Strengths' }));
  if (!s) return box;
  const found = s.found || [];
  const missed = s.missed || [];
  box.append(el('p', { text: `You found ${found.length} of ${s.total ?? found.length + missed.length} of ${clientName}’s strengths.` }));
  if (found.length) {
    box.append(el('ul', { class: 'found' }, found.map((r) => el('li', {},
      el('strong', { text: domainTitle(r.domain) + ': ' }), r.line))));
  }
  if (missed.length) {
    box.append(el('p', { text: 'Still to find, and a way in:' }), el('ul', { class: 'missed' }, missed.map((r) => el('li', {},
      el('strong', { text: domainTitle(r.domain) + ': ' }), r.hint || ''))));
  }
  return box;
}

// bar sets its width through the CSSOM rather than a style attribute, which
// a strict Content-Security-Policy would block.
function bar(score) {
  const fill = el('span');
  fill.style.width = clamp(score) + '%';
  return el('div', { class: 'bar', 'aria-hidden': 'true' }, fill);
}

function clamp(n) {
  return Math.max(0, Math.min(100, Number(n) || 0));
}

// courseCredits says which of the trainee's course requirements the run
// met, and what it still lacked for the others (null when none apply).
// The certificate itself, when this run completed a course, is issued a
// moment later and shows under Certificates.
export function courseCredits(list) {
  if (!list || !list.length) return null;
  return el('div', { id: 'course-credits', class: 'course-credits' },
    el('h3', { text: 'For your courses' }),
    el('ul', {}, list.map((c) => el('li', { class: 'course-credit ' + (c.met ? 'ok' : 'not-ok'), 'data-practice': c.practice, 'data-met': String(!!c.met) },
      el('strong', { text: c.met ? '✓ Met: ' : '✗ Not met yet: ' }),
      el('a', { href: `#/courses/${encodeURIComponent(c.course)}/${encodeURIComponent(c.module)}`, text: `${c.course_title}, ${c.module_title}` }),
      c.renewal ? ' (renewal)' : '',
      !c.met && (c.unmet || []).length ? el('ul', { class: 'unmet' }, c.unmet.map((u) => el('li', { text: u }))) : null,
    ))),
  );
}
