// Small DOM and formatting helpers shared by every page.
//
// Everything the server or a user typed goes into the page through el()'s
// text children or textContent. The one exception is serverHTML(), kept for
// fields whose names end in `_html`: the server renders those from the
// scenario files, so they are trusted markup.

// el builds an element. attrs: class, text, dataset-style "data-x",
// "aria-x", event handlers as onclick etc., anything else as an attribute
// (true → empty attribute, false/null/undefined → left out).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) {
      // Handlers only as functions: a string here would become inline script.
      if (typeof value === 'function') node.addEventListener(key.slice(2), value);
    }
    else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'selected') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// svg builds an SVG element the same way as el().
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

// serverHTML sets markup the server rendered from scenario files (fields
// named *_html). Never call it with anything else.
export function serverHTML(node, html) {
  node.innerHTML = html || '';
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

// randomId returns prefix + 16 random hex characters, for turn and answer
// ids the server uses to make resends idempotent.
export function randomId(prefix) {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export const DOMAINS = [
  ['daily-living', 'Daily living situation'],
  ['finances', 'Finances'],
  ['work-education', 'Work and education'],
  ['social-supports', 'Social supports'],
  ['health', 'Health'],
  ['leisure', 'Leisure and recreation'],
  ['spirituality-culture', 'Spirituality and culture'],
];
const DOMAIN_TITLES = Object.fromEntries(DOMAINS);
export const domainTitle = (d) => DOMAIN_TITLES[d] || words(d);

export const PHASES = ['preparation', 'engagement', 'assessment', 'planning', 'disengagement'];
export const LEVELS = ['basic', 'advanced'];

// The four focus labels, each with a word and a symbol so colour is never
// the only thing that tells them apart.
export const FOCUS = {
  strengths: { word: 'Strengths-focused', symbol: '★' },
  deficit: { word: 'Deficit-focused', symbol: '▼' },
  neutral: { word: 'Neutral', symbol: '●' },
  safety: { word: 'Safety', symbol: '⚑' },
};

export const RATINGS = {
  good: 'Good outcome',
  mixed: 'Mixed outcome',
  poor: 'Poor outcome',
};

// words turns an identifier like "harm-to-others" into "harm to others".
export function words(id) {
  return String(id || '').replace(/[-_]+/g, ' ');
}

// withArticle puts "a" or "an" before a role name: "a trainee", "an admin".
export function withArticle(word) {
  return (/^[aeiou]/i.test(word || '') ? 'an ' : 'a ') + word;
}

export function capitalise(s) {
  s = String(s || '');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// listWords joins ["a", "b", "c"] as "a, b and c".
export function listWords(items) {
  const w = items.map(words);
  if (w.length <= 1) return w.join('');
  return w.slice(0, -1).join(', ') + ' and ' + w[w.length - 1];
}

export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}

export function formatDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

// percent formats a 0..1 ratio (or null, when there was nothing to measure).
export function percent(x) {
  return x === null || x === undefined ? 'n/a' : Math.round(x * 100) + '%';
}

export function signed(n) {
  if (!n) return '±0';
  return (n > 0 ? '+' : '−') + Math.abs(n);
}

// highlight renders text with each evidence span wrapped in <mark>.
// Offsets are Unicode code points, so the text is split with Array.from
// (a JavaScript string index counts UTF-16 units, which differ for emoji
// and other characters outside the Basic Multilingual Plane).
export function highlight(text, evidence) {
  const chars = Array.from(text || '');
  const spans = (evidence || [])
    .map((e) => ({ ...e, start: Math.max(0, e.start | 0), end: Math.min(chars.length, e.end | 0) }))
    .filter((e) => e.end > e.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue; // overlapping spans: the earlier, longer one wins
    if (span.start > at) frag.append(chars.slice(at, span.start).join(''));
    const label = span.label ? FOCUS[span.label]?.word || words(span.label) : '';
    frag.append(el('mark', {
      class: span.label ? 'ev ev-' + span.label : 'ev',
      title: [label, span.cue ? '“' + span.cue + '”' : ''].filter(Boolean).join(': '),
      text: chars.slice(span.start, span.end).join(''),
    }));
    at = span.end;
  }
  if (at < chars.length) frag.append(chars.slice(at).join(''));
  return frag;
}

// alertBox is a region for error messages near the control they concern.
export function alertBox(id) {
  return el('p', { id, class: 'alert', role: 'alert', hidden: true });
}

export function showAlert(node, message) {
  if (!node) return;
  node.textContent = message || '';
  node.hidden = !message;
}

// focusHeading moves focus to a page's heading after a route change, so
// keyboard and screen-reader users start at the top of the new page.
export function focusHeading(root) {
  const h = root.querySelector('h1');
  if (h) {
    h.tabIndex = -1;
    h.focus({ preventScroll: false });
  }
}

// field builds a labelled form control: a wrapper with the <label> tied to
// the control by id, and an optional hint tied by aria-describedby.
export function field(label, control, hint) {
  const wrap = el('div', { class: 'field' });
  const lab = el('label', { for: control.id, text: label });
  wrap.append(lab);
  if (hint) {
    const h = el('p', { class: 'hint', id: control.id + '-hint', text: hint });
    control.setAttribute('aria-describedby', h.id);
    wrap.append(h);
  }
  wrap.append(control);
  return wrap;
}

// submitOnEnter makes Enter send the form and Shift+Enter start a new
// line. Some input paths (synthetic key events, some assistive tech)
// deliver the Enter's character apart from its keydown; that is stopped
// too, so a sent text never leaves a stray new line behind.
export function submitOnEnter(input, form) {
  const plainEnter = (e) => e.key === 'Enter' && !e.shiftKey && !e.isComposing;
  input.addEventListener('keydown', (e) => {
    if (plainEnter(e)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener('keypress', (e) => {
    if (plainEnter(e)) e.preventDefault();
  });
}
