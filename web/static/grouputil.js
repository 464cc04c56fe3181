// Helpers shared by the group-session pages (docs/protocol.md, "Group
// sessions"): state words, board columns, member names that never leak
// in an anonymous session, character counters and a copy button.

import { el } from './util.js';

// Each state has a word and a symbol, so the badge never relies on colour.
export const STATES = {
  lobby: { word: 'Waiting to start', symbol: '○' },
  running: { word: 'Running', symbol: '▶' },
  paused: { word: 'Paused', symbol: '❚❚' },
  ended: { word: 'Ended', symbol: '■' },
};

export const KINDS = {
  play: 'Everyone plays on their own',
  staffing: 'Staffing board',
};

export const COLUMNS = [
  ['facts', 'Facts'],
  ['strengths', 'Strengths'],
  ['plans', 'Goals / objectives / strategies'],
  ['barriers', 'Barriers'],
  ['limitations', 'Inherent limitations'],
];

export const MAX_CARD = 280;

export function stateBadge(state, id) {
  const s = STATES[state] || { word: state || 'Unknown', symbol: '•' };
  return el('p', { id, class: 'state-badge state-' + (state || 'unknown'), 'data-state': state || '' },
    el('span', { class: 'symbol', 'aria-hidden': 'true', text: s.symbol }), ' ', s.word);
}

// memberName is what a roster shows for a member. The server already
// replaces names with "Trainee N" in an anonymous session; this keeps to
// that even if a name slips through (or before a fresh snapshot arrives
// after the trainer switches names off).
const ALIAS = /^Trainee \d+$/;
export function memberName(session, member, index) {
  const name = member?.name || '';
  if (session.anonymous && !ALIAS.test(name)) return `Trainee ${index + 1}`;
  return name || `Trainee ${index + 1}`;
}

// authorName is the same guard for a card's author.
export function authorName(session, card) {
  if (card.mine) return 'You';
  const name = card.author || '';
  if (session.anonymous && !ALIAS.test(name)) return 'A participant';
  return name || 'A participant';
}

export function isLeader(user) {
  return !!user && (user.role === 'trainer' || user.role === 'admin');
}

export function isGuest(user) {
  return !!user && (user.guest === true || user.role === 'guest');
}

// errorText turns a rejected request into a sentence for the page.
export function errorText(err, fallback) {
  if (!err) return fallback || 'Something went wrong. Please try again.';
  if (err.code === 'disconnected') return 'Oasis is not connected just now. Try again when the connection is back.';
  return err.message || fallback || 'Something went wrong. Please try again.';
}

// counter ties a character count ("12 / 280") to a text field.
export function counter(input, max, id) {
  const count = el('span', { id, class: 'count', text: `0 / ${max}` });
  const update = () => {
    const n = input.value.length;
    count.textContent = `${n} / ${max}`;
    count.classList.toggle('near-limit', n > max - 30);
  };
  input.addEventListener('input', update);
  const described = [input.getAttribute('aria-describedby'), id].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', described);
  return { count, update };
}

// copyButton copies text to the clipboard, or selects the node showing it
// when the clipboard is not available.
export function copyButton(id, label, getText, node) {
  const done = el('span', { class: 'copied', role: 'status' });
  const button = el('button', { type: 'button', id, text: label });
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(getText());
      done.textContent = 'Copied.';
    } catch {
      window.getSelection().selectAllChildren(node);
      done.textContent = 'Press Ctrl+C (or ⌘C) to copy.';
    }
  });
  return { button, done };
}

// outcomeText reads a progress or score outcome, which may be an outcome
// id or an {id, title, rating} object.
export function outcomeText(outcome, outcomes) {
  if (!outcome) return '';
  if (typeof outcome === 'object') return outcome.title || outcome.id || '';
  const known = (outcomes || []).find((o) => o.id === outcome);
  return known?.title || String(outcome).replace(/[-_]+/g, ' ');
}
