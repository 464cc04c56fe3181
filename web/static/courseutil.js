// Helpers shared by the course, certificate and staff pages: progress bars,
// certificate and staff status words (each with a symbol, so colour is
// never the only thing that tells them apart) and a few number formats.

import { el, formatDate } from './util.js';

let serial = 0;

// uid returns a page-unique id for tying labels and descriptions to
// controls that have no id of their own.
export function uid(prefix) {
  serial += 1;
  return `${prefix}-${serial}`;
}

// num reads a number that may be missing: null, undefined or not a
// number give fallback.
export function num(x, fallback = 0) {
  const n = Number(x);
  return x === null || x === undefined || Number.isNaN(n) ? fallback : n;
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many || one + 's'}`;
}

// progressBar returns a labelled <progress> with its figures written out
// beside it ("6 of 14 requirements · 43%"), so the bar is never the only
// way to read the progress.
//   id: the <progress>'s id; cls: its class; label: its accessible name
//   value, max: the figures; text: what is written beside it
export function progressBar({ id, cls, value, max, label, text, small = false }) {
  const top = Math.max(1, num(max, 1));
  const v = Math.min(top, Math.max(0, num(value)));
  const textId = uid('progress-text');
  const bar = el('progress', {
    id, class: cls, max: top, value: v,
    'aria-label': label, 'aria-describedby': textId,
  });
  // Some screen readers read a <progress> as a bare percentage; the text
  // says what it counts.
  bar.setAttribute('aria-valuetext', text);
  return el('div', { class: 'progress' + (small ? ' progress-small' : '') },
    bar,
    el('span', { id: textId, class: 'progress-text', text }));
}

// requirementsText: "6 of 14 requirements · 43%".
export function requirementsText(progress) {
  const p = progress || {};
  const done = num(p.done);
  const total = num(p.total);
  const pct = p.percent === null || p.percent === undefined ? (total ? Math.round((done / total) * 100) : 0) : num(p.percent);
  return `${done} of ${plural(total, 'requirement')} · ${pct}%`;
}

export const CERT_STATUS = {
  valid: { word: 'Valid', symbol: '✓' },
  expiring: { word: 'Expiring soon', symbol: '◔' },
  expired: { word: 'Expired', symbol: '✗' },
  revoked: { word: 'Revoked', symbol: '⊘' },
};

export function certStatusWord(status) {
  return CERT_STATUS[status]?.word || (status ? String(status) : 'Unknown');
}

// certStatusBadge returns a badge for a certificate's status: a symbol
// and words, and data-status for the styles and the tests.
export function certStatusBadge(status, attrs = {}) {
  const s = CERT_STATUS[status] || { word: certStatusWord(status), symbol: '•' };
  return el('span', { class: 'cert-status cert-status-' + (status || 'unknown'), 'data-status': status || '', ...attrs },
    el('span', { class: 'symbol', 'aria-hidden': 'true', text: s.symbol + ' ' }), s.word);
}

// certDetail follows the badge with the date that matters: "until 1 Dec
// 2028.", "on 1 Dec 2026. Renewal is open." …
export function certDetail(cert) {
  if (!cert) return '';
  const expires = formatDate(cert.expires_at);
  switch (cert.status) {
    case 'valid':
      return expires ? ` until ${expires}.` : '.';
    case 'expiring':
      return (expires ? ` on ${expires}.` : '.') + ' Renewal is open.';
    case 'expired':
      return expires ? ` on ${expires}.` : '.';
    case 'revoked':
      return cert.revoked_at ? ` on ${formatDate(cert.revoked_at)}.` : '.';
    default:
      return '';
  }
}

// certLine: "Your certificate: ✓ Valid until 1 Dec 2028."
export function certLine(cert, label = 'Your certificate: ') {
  return [label, certStatusBadge(cert?.status), certDetail(cert)];
}

export const STAFF_STATUS = {
  enrolled: { word: 'Enrolled, not started', symbol: '○' },
  in_progress: { word: 'In progress', symbol: '◐' },
  certified: { word: 'Certified', symbol: '✓' },
  expired: { word: 'Expired', symbol: '✗' },
  revoked: { word: 'Revoked', symbol: '⊘' },
};

export function staffStatusWord(status) {
  return STAFF_STATUS[status]?.word || String(status || '').replace(/_/g, ' ');
}

// daysLeftText: "12 days left", "expires today", "expired 3 days ago".
export function daysLeftText(days) {
  if (days === null || days === undefined || Number.isNaN(Number(days))) return '';
  const n = Math.round(Number(days));
  if (n > 0) return `${plural(n, 'day')} left`;
  if (n === 0) return 'expires today';
  return `expired ${plural(-n, 'day')} ago`;
}

export const KINDS = { roleplay: 'Role play', case: 'Practice case' };
export const PRACTICE_MODES = { any: 'Any mode', free: 'Free text', beginner: 'Beginner' };
