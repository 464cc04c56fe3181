// The side panel of a role play: how the client is feeling (meters) and
// the strengths found so far, grouped by life domain.

import { el, capitalise, words, signed, DOMAINS } from './util.js';

// Resistance is the one meter where lower is better (engine/roleplay's
// Cost says the same), so its gauge's optimum is the bottom.
const LOWER_IS_BETTER = new Set(['resistance']);

export function meterLabel(m) {
  return m.label || capitalise(words(m.name));
}

export function renderMeters(container, meters) {
  const list = (meters || []).map((m) => {
    const id = 'meter-' + m.name;
    const lower = LOWER_IS_BETTER.has(m.name);
    const span = (m.max - m.min) || 1;
    const gauge = el('meter', {
      id, min: m.min, max: m.max, value: m.value,
      low: m.min + span / 3, high: m.max - span / 3,
      optimum: lower ? m.min : m.max,
      'aria-labelledby': id + '-label',
      'aria-describedby': id + '-change',
      text: `${m.value} of ${m.max}`,
    });
    const change = m.delta
      ? `${m.delta > 0 ? '▲' : '▼'} ${signed(m.delta)} last turn`
      : 'no change';
    const good = m.delta === 0 ? 'same' : (m.delta > 0) !== lower ? 'better' : 'worse';
    return el('div', { class: 'meter', 'data-name': m.name },
      el('div', { class: 'meter-head' },
        el('span', { class: 'meter-label', id: id + '-label' }, meterLabel(m),
          lower ? el('span', { class: 'meter-hint', text: ' (lower is better)' }) : null),
        el('span', { class: 'meter-value', text: `${m.value}` }),
      ),
      gauge,
      el('span', { class: 'meter-change change-' + good, id: id + '-change', text: change }),
    );
  });
  container.replaceChildren(
    el('h2', { text: 'How the conversation is going' }),
    ...list,
  );
}

// foundStrengths collects every strength revealed in a run, in order.
export function foundStrengths(run) {
  const found = [...(run.opening?.reveals || [])];
  for (const t of [...(run.turns || [])].sort((a, b) => a.n - b.n)) found.push(...(t.client?.reveals || []));
  const seen = new Set();
  return found.filter((r) => !seen.has(r.id) && seen.add(r.id));
}

export function renderStrengths(container, found, total) {
  const groups = DOMAINS
    .map(([domain, title]) => [title, found.filter((r) => r.domain === domain)])
    .filter(([, list]) => list.length);
  const known = new Set(DOMAINS.map(([d]) => d));
  const other = found.filter((r) => !known.has(r.domain));
  if (other.length) groups.push(['Other', other]);
  container.replaceChildren(...[
    el('h2', { text: 'Strengths found' }),
    el('p', { class: 'strengths-count', text: `${found.length} of ${total ?? '?'} strengths found` }),
    found.length ? null : el('p', { class: 'hint', text: 'Strengths come out when you ask about them, notice them, or reflect what the person tells you.' }),
    ...groups.map(([title, list]) => el('div', { class: 'domain-group' },
      el('h3', { text: title }),
      el('ul', {}, list.map((r) => el('li', { 'data-strength': r.id, text: r.line }))),
    )),
  ].filter(Boolean));
}
