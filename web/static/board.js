// The staffing board of a group session (#board): the case, five columns
// of cards, a vote on each card and a form per column to add one. Cards
// are posted with a card_id the page chooses and kept pending (pending.js)
// until the server acknowledges them, like turns in a role play, so a
// dropped connection or a pause never loses one and a resend never posts
// twice. Cards from everyone arrive as `card` events, votes as `vote`.
//
// Nothing private leaks: a card's flag (its deficit-framing tip) is shown
// only on your own cards, and authors' names follow the session's
// anonymous setting (grouputil.authorName).

import { api } from './api.js';
import { el, serverHTML, randomId, alertBox, showAlert, submitOnEnter } from './util.js';
import * as pending from './pending.js';
import { COLUMNS, MAX_CARD, authorName, counter, errorText } from './grouputil.js';

const vignettes = new Map(); // scenario id → vignette html, fetched once

// boardView returns {node, update(session, event), destroy}. hooks.reload
// asks the group page for a fresh snapshot, hooks.applyEvent applies a card
// the server acknowledged. The session's trainer is not a member of the
// board: they see every card but post and vote on none.
export function boardView(ctx, session, hooks) {
  let current = session;
  let alive = true;
  let retryTimer = 0;
  const sid = session.id;
  const member = session.you?.role !== 'trainer';
  const readOnly = () => current.state === 'ended' || !member;
  const blocked = () => (current.state === 'paused'
    ? 'The session is paused.'
    : current.state === 'lobby' ? 'The session has not started yet.' : '');

  const status = el('p', { id: 'board-status', class: 'hint board-status', role: 'status' });
  const caseBox = el('details', { id: 'board-case', class: 'profile board-case', open: !window.matchMedia('(max-width: 700px)').matches },
    el('summary', { text: 'The case' }),
    // It scrolls within its box, so keyboard users must be able to reach it.
    el('div', { class: 'vignette prose', tabindex: '0', role: 'region', 'aria-label': 'The case' }, el('p', { class: 'hint', text: 'Loading the case…' })));
  const columns = new Map(); // column → {list, form, input, count, error, title}
  const grid = el('div', { class: 'board-columns' });
  for (const [key, label] of COLUMNS) {
    const titleId = `column-${key}-title`;
    const list = el('ul', { class: 'card-list', 'aria-labelledby': titleId });
    const n = el('span', { class: 'column-count' });
    const input = el('textarea', { id: `card-text-${key}`, rows: 3, maxlength: MAX_CARD, autocomplete: 'off' });
    const { count, update: updateCount } = counter(input, MAX_CARD, `card-count-${key}`);
    const button = el('button', { type: 'submit', class: 'primary card-submit', text: 'Add card' });
    const error = alertBox(`card-error-${key}`);
    const form = el('form', { class: 'card-form', 'data-column': key, hidden: !member },
      el('label', { for: input.id, text: `Add to ${label}` }),
      input,
      el('div', { class: 'say-foot' }, count, button),
      error);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      post(key, input, updateCount);
    });
    submitOnEnter(input, form);
    columns.set(key, { list, form, input, button, error, n, updateCount });
    grid.append(el('section', { class: 'board-column', 'data-column': key, 'aria-labelledby': titleId },
      el('h3', { id: titleId }, label, ' ', n), list, form));
  }
  const node = el('section', { id: 'board', class: 'board', 'aria-labelledby': 'board-title' },
    el('h2', { id: 'board-title', text: 'Staffing board' }),
    caseBox,
    el('p', { class: 'hint', text: member
      ? 'Add what you notice to each column. Vote for the cards the group should talk about. Enter adds a card; Shift+Enter starts a new line.'
      : 'The group’s cards appear here as they are posted, with their votes.' }),
    status,
    grid);

  loadVignette(session, caseBox.querySelector('.vignette'));

  // --- drawing -----------------------------------------------------------

  const cards = () => current.board?.cards || [];
  const findCard = (id) => cards().find((c) => c.card_id === id);

  function drawAll() {
    for (const [key, col] of columns) {
      const list = cards().filter((c) => c.column === key);
      col.list.replaceChildren(...list.map(cardNode));
      for (const entry of pending.forRun(sid)) {
        if (entry.payload?.column === key && !findCard(entry.id)) col.list.append(pendingNode(entry));
      }
      col.n.textContent = `(${list.length})`;
      col.list.classList.toggle('empty-list', list.length === 0);
    }
    drawForms();
  }

  function drawForms() {
    const off = blocked();
    for (const col of columns.values()) {
      col.form.hidden = readOnly();
      col.input.disabled = !!off;
      col.button.disabled = !!off;
    }
    for (const b of node.querySelectorAll('.vote')) b.disabled = readOnly() || !!off;
  }

  function cardNode(card) {
    const textId = `card-${card.card_id}-text`;
    const vote = member ? el('button', {
      type: 'button', class: 'vote', 'aria-pressed': card.voted ? 'true' : 'false',
      'aria-describedby': textId, text: 'Vote', disabled: readOnly() || !!blocked(),
    }) : null;
    if (vote) vote.addEventListener('click', () => castVote(card.card_id, vote));
    const flag = card.mine && card.flag ? el('p', { class: 'card-flag' },
      el('span', { class: 'symbol', 'aria-hidden': 'true', text: '▼ ' }),
      el('strong', { text: 'Deficit-framed. ' }), card.flag.tip || 'Try saying what the person can do or wants.') : null;
    return el('li', { class: 'card board-card' + (card.mine ? ' mine' : '') + (flag ? ' flagged' : ''), 'data-card': card.card_id },
      el('p', { class: 'card-text', id: textId, text: card.text || '' }),
      el('p', { class: 'card-author', text: authorName(current, card) }),
      flag,
      el('div', { class: 'card-foot' },
        el('span', { class: 'vote-count', text: `${card.votes || 0} ${card.votes === 1 ? 'vote' : 'votes'}` }),
        vote));
  }

  function pendingNode(entry) {
    return el('li', { class: 'card board-card mine pending', 'data-card': entry.id, 'data-pending': entry.id },
      el('p', { class: 'card-text', text: entry.shown }),
      el('p', { class: 'card-author' }, 'You · ', el('span', { class: 'status', text: blocked() ? 'waiting for the session to resume' : 'sending…' })));
  }

  function replaceCard(card) {
    const col = columns.get(card.column);
    if (!col) return;
    const old = node.querySelector(`[data-card="${CSS.escape(card.card_id)}"]`);
    const fresh = cardNode(card);
    const hadFocus = old && old.contains(document.activeElement);
    if (old && old.parentNode === col.list) old.replaceWith(fresh);
    else {
      if (old) old.remove();
      col.list.append(fresh);
    }
    if (hadFocus) fresh.querySelector('.vote')?.focus();
    col.n.textContent = `(${cards().filter((c) => c.column === card.column).length})`;
    col.list.classList.remove('empty-list');
  }

  // --- posting and voting ------------------------------------------------

  function post(column, input, updateCount) {
    const col = columns.get(column);
    const text = input.value.trim();
    showAlert(col.error, '');
    if (!text) return;
    if (blocked()) {
      showAlert(col.error, blocked());
      return;
    }
    const id = randomId('c_');
    const entry = { id, run_id: sid, kind: 'card', shown: text, payload: { type: 'card_post', session_id: sid, card_id: id, column, text } };
    pending.add(entry);
    input.value = '';
    updateCount();
    col.list.append(pendingNode(entry));
    transmit(entry);
  }

  function transmit(entry) {
    const col = columns.get(entry.payload.column);
    ctx.socket.request(entry.payload).then((frame) => {
      pending.drop(entry.id);
      if (!alive) return;
      const card = frame?.event?.card || frame?.card;
      if (card && !findCard(card.card_id)) hooks.applyEvent({ type: 'card', card });
      if (findCard(entry.id)) status.textContent = `Your card was added to ${labelOf(entry.payload.column)}.`;
      else hooks.reload(); // acknowledged in a form the page does not know: fetch the board
    }, (err) => {
      if (!alive || !pending.has(entry.id)) return;
      switch (err.code) {
        case 'disconnected':
          status.textContent = 'Waiting for the connection. Your card is kept and will be posted when it is back.';
          return;
        case 'paused':
        case 'not_started':
          showAlert(col.error, `${err.message || blocked() || 'The session is paused.'} Your card is kept and will be posted when the session resumes.`);
          hooks.reload(); // this page may have missed the pause: fetch the session's state
          return;
        case 'busy':
        case 'internal':
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => {
            if (alive && pending.has(entry.id) && ctx.socket.open) transmit(entry);
          }, 3000);
          return;
        default:
          pending.drop(entry.id);
          node.querySelector(`[data-pending="${CSS.escape(entry.id)}"]`)?.remove();
          if (!col.input.value) {
            col.input.value = entry.shown;
            col.updateCount();
          }
          showAlert(col.error, errorText(err, 'Your card could not be posted.'));
      }
    });
  }

  // resendPending posts again every card the server has not acknowledged,
  // with its original card_id; cards already on the board are dropped.
  function resendPending() {
    for (const entry of pending.forRun(sid)) {
      if (findCard(entry.id) || readOnly()) pending.drop(entry.id);
      else if (!blocked()) transmit(entry);
    }
  }

  async function castVote(cardId, button) {
    const card = findCard(cardId);
    if (!card) return;
    const want = !card.voted;
    const col = columns.get(card.column);
    button.disabled = true;
    showAlert(col?.error, '');
    try {
      const frame = await ctx.socket.request({ type: 'card_vote', session_id: sid, card_id: cardId, vote: want });
      const now = findCard(cardId);
      if (now) {
        now.voted = typeof frame?.voted === 'boolean' ? frame.voted : want;
        if (typeof frame?.votes === 'number') now.votes = frame.votes;
        replaceCard(now);
      }
    } catch (err) {
      showAlert(col?.error, errorText(err, 'Your vote could not be counted.'));
      if (button.isConnected) button.disabled = readOnly() || !!blocked();
    }
  }

  // --- updates from the group page ------------------------------------------

  function update(session, ev) {
    const was = current.state;
    current = session;
    if (!alive) return;
    if (!ev) {
      drawAll();
      resendPending();
      return;
    }
    switch (ev.type) {
      case 'card': {
        const card = findCard(ev.card?.card_id);
        if (card) replaceCard(card);
        break;
      }
      case 'vote': {
        const card = findCard(ev.card_id);
        if (card) replaceCard(card);
        break;
      }
      case 'settings':
        drawAll();
        break;
      case 'pace':
        drawAll();
        if (was !== 'running' && session.state === 'running') {
          for (const col of columns.values()) showAlert(col.error, '');
          resendPending();
        }
        break;
      default:
    }
  }

  drawAll();
  resendPending();
  return {
    node,
    update,
    destroy() {
      alive = false;
      clearTimeout(retryTimer);
    },
  };
}

function labelOf(key) {
  return (COLUMNS.find(([k]) => k === key) || [key, key])[1];
}

// loadVignette shows the case: from the snapshot when it carries the
// vignette, otherwise from GET /api/scenarios/{id}.
async function loadVignette(session, slot) {
  const sc = session.scenario || {};
  const show = (html) => {
    if (html) serverHTML(slot, html);
    else slot.replaceChildren(el('p', { text: sc.summary || 'The case notes are not available here.' }));
  };
  const inline = session.case?.vignette_html || sc.case?.vignette_html || sc.vignette_html;
  if (inline) return show(inline);
  if (vignettes.has(sc.id)) return show(vignettes.get(sc.id));
  try {
    const data = await api.scenario(sc.id);
    const html = data.scenario?.case?.vignette_html || data.scenario?.client?.situation_html || '';
    vignettes.set(sc.id, html);
    show(html);
  } catch {
    show(sc.client?.situation_html || '');
  }
}
