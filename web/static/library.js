// The library: every role play and practice case, filterable by phase and
// level.

import { api } from './api.js';
import { el, field, alertBox, showAlert, capitalise, words, PHASES, LEVELS } from './util.js';
import { startRun } from './start.js';
import { openCreateForm } from './groups.js';
import { isLeader } from './grouputil.js';

export function render(root, ctx) {
  const phase = el('select', { id: 'filter-phase' });
  const level = el('select', { id: 'filter-level' });
  const list = el('ul', { class: 'cards', 'aria-live': 'polite' });
  const error = alertBox('library-error');
  const count = el('p', { class: 'hint', id: 'library-count' });

  root.append(el('section', { id: 'library', 'aria-labelledby': 'library-title' },
    el('h1', { id: 'library-title', text: 'Library' }),
    el('p', { class: 'lede', text: 'Role plays put you in a conversation with a person who reacts to what you say. Practice cases are written exercises on a case manager’s notes.' }),
    el('div', { class: 'filters' }, field('Phase', phase), field('Level', level)),
    count,
    error,
    list,
  ));

  let scenarios = [];
  const draw = () => {
    const shown = scenarios.filter((s) => (!phase.value || s.phase === phase.value) && (!level.value || s.level === level.value));
    list.replaceChildren(...shown.map((s) => card(ctx, s)));
    count.textContent = shown.length === scenarios.length
      ? `${scenarios.length} to practise`
      : `${shown.length} of ${scenarios.length} shown`;
    if (!shown.length && scenarios.length) list.append(el('li', { class: 'empty', text: 'Nothing matches these filters.' }));
  };
  phase.addEventListener('change', draw);
  level.addEventListener('change', draw);

  api.scenarios().then((data) => {
    scenarios = data.scenarios || [];
    fillSelect(phase, 'All phases', ordered(scenarios.map((s) => s.phase), PHASES));
    fillSelect(level, 'All levels', ordered(scenarios.map((s) => s.level), LEVELS));
    draw();
  }, (err) => showAlert(error, err.message));
}

// ordered lists the values present, in the vocabulary's order first.
function ordered(values, vocabulary) {
  const present = new Set(values.filter(Boolean));
  return [...vocabulary.filter((v) => present.has(v)), ...[...present].filter((v) => !vocabulary.includes(v))];
}

function fillSelect(select, allLabel, values) {
  select.replaceChildren(el('option', { value: '', text: allLabel }), ...values.map((v) => el('option', { value: v, text: capitalise(words(v)) })));
}

function card(ctx, s) {
  const titleId = 'sc-' + s.id;
  const error = alertBox('err-' + s.id);
  const client = s.client || {};
  const who = [client.name, client.age ? String(client.age) : '', client.pronouns || ''].filter(Boolean).join(', ');
  const buttons = [];
  if (s.kind === 'case') {
    buttons.push(el('button', { type: 'button', class: 'start-case primary', text: 'Work this case', 'aria-describedby': titleId }));
  } else {
    buttons.push(
      el('button', { type: 'button', class: 'start-free primary', text: 'Practise: free text', 'aria-describedby': titleId }),
      el('button', { type: 'button', class: 'start-beginner', text: 'Practise: beginner', 'aria-describedby': titleId }),
    );
  }
  for (const b of buttons) {
    const mode = b.classList.contains('start-beginner') ? 'beginner' : 'free';
    b.addEventListener('click', () => startRun(ctx, s.id, mode, { buttons, errorBox: error }));
  }
  let group = null;
  if (isLeader(ctx.user)) {
    group = el('button', { type: 'button', class: 'start-group', text: 'Run with a group', 'aria-describedby': titleId });
    group.addEventListener('click', () => openCreateForm(ctx, s, item, group));
  }
  const item = el('li', { class: 'card scenario-card', 'data-id': s.id, 'data-kind': s.kind },
    el('p', { class: 'kind', text: s.kind === 'case' ? 'Practice case' : 'Role play' }),
    el('h2', { id: titleId, text: s.title }),
    el('p', { class: 'summary', text: s.summary }),
    el('dl', { class: 'facts' },
      fact('Phase', capitalise(words(s.phase))),
      fact('Level', capitalise(words(s.level))),
      who ? fact(s.kind === 'case' ? 'Person' : 'Client', who) : null,
      s.minutes ? fact('Time', `about ${s.minutes} minutes`) : null,
    ),
    (s.courses || []).length ? el('p', { class: 'in-courses' }, 'Practice for ',
      ...s.courses.flatMap((c, i) => [i ? '; ' : '', el('a', { href: `#/courses/${encodeURIComponent(c.course)}/${encodeURIComponent(c.module)}`, text: `${c.course_title} (${c.module_title})` })]),
      '.') : null,
    el('div', { class: 'actions' }, buttons, group),
    error,
  );
  return item;
}

function fact(term, value) {
  return el('div', {}, el('dt', { text: term }), el('dd', { text: value }));
}
