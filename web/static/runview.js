// A past run, read-only (#/run/<id>): the transcript with its feedback and
// the report, drawn by the same code as the live pages, and a button to
// practise the same scenario again.

import { api } from './api.js';
import { el, serverHTML, alertBox, showAlert, formatDateTime } from './util.js';
import { transcript } from './transcript.js';
import { renderReport } from './report.js';
import { renderMeters, renderStrengths, foundStrengths } from './panel.js';
import { caseView } from './case.js';
import { startRun, runHash } from './start.js';
import { MODES } from './history.js';

export function render(root, ctx, runId) {
  const error = alertBox('run-error');
  const section = el('section', { id: 'run-view', 'aria-labelledby': 'run-title' },
    el('h1', { id: 'run-title', text: 'Past run' }), error);
  root.append(section);

  api.run(runId).then((data) => {
    const run = data.run;
    const sc = run.scenario || {};
    const isCase = run.kind === 'case';
    document.title = (sc.title || 'Past run') + ' · Oasis';
    const again = el('button', { type: 'button', id: 'practise-again', class: 'primary', text: 'Practise again' });
    const againError = alertBox('again-error');
    again.addEventListener('click', () => startRun(ctx, sc.id, run.mode, { buttons: [again], errorBox: againError }));
    const actions = el('div', { class: 'actions' },
      run.status !== 'ended' ? el('a', { href: runHash(run), class: 'button-link', text: 'Continue this run' }) : null,
      again, againError);
    const meta = el('p', { class: 'mode-line', text: [formatDateTime(run.created_at), isCase ? 'Practice case' : MODES[run.mode] || run.mode, run.status === 'ended' ? 'Finished' : 'In progress'].join(' · ') });

    if (isCase) {
      const [heading, ...rest] = caseView(run);
      section.replaceChildren(heading, meta, actions, ...rest);
      return;
    }
    const client = sc.client || {};
    const meters = el('section', { id: 'meters', class: 'panel-box', 'aria-label': 'Meters' });
    const strengths = el('section', { id: 'strengths', class: 'panel-box', 'aria-label': 'Strengths found' });
    const turns = run.turns || [];
    renderMeters(meters, (turns.length ? turns[turns.length - 1].client : run.opening)?.meters || []);
    renderStrengths(strengths, foundStrengths(run), sc.strengths_total);
    section.replaceChildren(
      el('header', { class: 'play-header' }, el('h1', { id: 'run-title', text: sc.title || 'Past run' }), meta),
      actions,
      el('details', { class: 'profile' },
        el('summary', { text: `About ${[client.name, client.age, client.pronouns].filter(Boolean).join(', ')}` }),
        serverHTML(el('div', { class: 'situation prose' }), client.situation_html)),
      el('div', { class: 'play-layout' },
        el('div', { class: 'conversation' },
          el('h2', { text: 'The conversation' }),
          el('div', { id: 'chat', class: 'chat chat-static' }, transcript(run)),
          run.report ? renderReport(run.report, { clientName: client.name || 'the client' }) : null),
        el('aside', { class: 'side-panel', 'aria-label': 'Progress' }, meters, strengths)),
    );
  }, (err) => showAlert(error, err.status === 404 ? 'This run could not be found.' : err.message));
}
