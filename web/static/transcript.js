// The chat log of a role play: the client's lines, the trainee's responses
// and the feedback under each. Used by the live play page and by the
// read-only view of a past run, so both look the same.

import { el, highlight, words, listWords, domainTitle, FOCUS } from './util.js';

// clientLines renders what the client says in one turn, one bubble a line.
// A line that is the line of a strength revealed this turn is marked, so
// the trainee sees which of their responses opened it up.
export function clientLines(name, turn) {
  const reveals = turn.reveals || [];
  return (turn.lines || []).map((line) => {
    const reveal = reveals.find((r) => r.line === line);
    const bubble = el('div', { class: 'msg client' + (reveal ? ' revealed' : '') },
      el('span', { class: 'speaker', text: name }),
      reveal ? el('span', { class: 'revealed-label', text: '★ strength revealed: ' + domainTitle(reveal.domain) }) : null,
      el('p', { class: 'line', text: line }),
    );
    if (reveal) bubble.dataset.strength = reveal.id;
    return bubble;
  });
}

// traineeBubble is the trainee's own response; status "sending" or
// "failed" marks one still waiting for the server.
export function traineeBubble(text, status) {
  const bubble = el('div', { class: 'msg trainee' + (status ? ' ' + status : '') },
    el('span', { class: 'speaker', text: 'You' }),
    el('p', { class: 'line', text }),
  );
  if (status === 'sending') bubble.append(el('span', { class: 'status', text: 'sending…' }));
  if (status === 'failed') bubble.append(el('span', { class: 'status', text: 'not sent' }));
  return bubble;
}

// focusBadge shows the focus as a word and a symbol as well as a colour.
export function focusBadge(focus) {
  const f = FOCUS[focus] || { word: words(focus), symbol: '•' };
  return el('p', { class: 'focus focus-' + focus, 'data-focus': focus },
    el('span', { class: 'symbol', 'aria-hidden': 'true', text: f.symbol }), ' ', f.word);
}

// feedback renders a score: focus, skills, the trainee's words with the
// evidence highlighted, the tip, and for a chosen option the author's note.
export function feedback(text, score, { heading = 'Feedback' } = {}) {
  const block = el('div', { class: 'feedback' }, el('h3', { class: 'visually-hidden', text: heading }));
  if (!score) return block;
  block.append(focusBadge(score.focus));
  const skills = score.skills || [];
  if (skills.length) {
    block.append(el('ul', { class: 'skills', 'aria-label': 'Skills shown' },
      skills.map((s) => el('li', { class: 'skill', 'data-skill': s, text: words(s) }))));
  }
  const domains = score.domains || [];
  if (domains.length) {
    block.append(el('p', { class: 'domains', text: 'Touches on: ' + domains.map(domainTitle).join(', ') }));
  }
  const evidence = score.evidence || [];
  if (text && evidence.length) {
    block.append(el('p', { class: 'evidence-text' },
      el('span', { class: 'evidence-intro', text: 'What drove this: ' }),
      highlight(text, evidence)));
  }
  if (score.tip) block.append(el('p', { class: 'tip' }, el('strong', { text: 'Try: ' }), score.tip));
  if (score.note) block.append(el('p', { class: 'note' }, el('strong', { text: 'About this response: ' }), score.note));
  return block;
}

// missedRisk is the banner for a risk cue the response did not follow up.
export function missedRisk(missed, name) {
  return el('div', { class: 'missed-risk', 'data-risks': missed.join(' ') },
    el('span', { class: 'symbol', 'aria-hidden': 'true', text: '⚠' }),
    el('p', {},
      el('strong', { text: `You missed a risk cue: ${listWords(missed)}.` }),
      ` ${name ? name + '’s' : 'The client’s'} last words needed a safety response first.`),
  );
}

// inputText is what the trainee said, or the text of the option chosen.
export function inputText(turn, options) {
  const input = turn.input || {};
  if (input.text) return input.text;
  if (input.option) return (options && options[input.option - 1]?.text) || `Option ${input.option}`;
  return '';
}

// turnBlock renders one played turn: response, feedback, missed-risk
// banner, then the client's reply. options are the choices shown before
// this turn, for a beginner-mode turn whose input has no text.
export function turnBlock(turn, name, options) {
  const client = turn.client || {};
  const text = inputText(turn, options);
  const score = turn.score || null;
  return el('div', { class: 'turn', 'data-n': turn.n, 'data-turn-id': turn.turn_id || null },
    traineeBubble(text),
    feedback(turn.input?.option ? '' : text, score, { heading: `Feedback on your response ${turn.n}` }),
    (client.missed || []).length ? missedRisk(client.missed, name) : null,
    clientLines(name, client),
  );
}

export function openingBlock(opening, name) {
  return el('div', { class: 'turn', 'data-n': 0 }, clientLines(name, opening || {}));
}

// transcript renders a whole run's log.
export function transcript(run) {
  const name = run.scenario?.client?.name || 'Client';
  const frag = document.createDocumentFragment();
  frag.append(openingBlock(run.opening, name));
  let options = run.opening?.options || [];
  for (const turn of sortedTurns(run.turns)) {
    frag.append(turnBlock(turn, name, options));
    options = turn.client?.options || [];
  }
  return frag;
}

export function sortedTurns(turns) {
  return [...(turns || [])].sort((a, b) => a.n - b.n);
}
