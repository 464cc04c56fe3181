// A group session, #/group/<session_id> (docs/protocol.md, "Group
// sessions"). The page keeps the session's snapshot: it sends
// `group_resume` on load and after every reconnect, applies `group_event`s
// on top in seq order, and fetches a fresh snapshot when it sees a gap or
// when an event means more has changed than the event says (the session
// started, ended, or names were hidden). The trainer's view (trainer.js)
// or the trainee's (trainee.js) draws it; this page draws what both see:
// the pause banner and the trainer's broadcasts.

import { el, alertBox, showAlert, formatDateTime } from './util.js';
import { STATES, errorText } from './grouputil.js';
import { trainerView, largeText } from './trainer.js';
import { traineeView } from './trainee.js';

const GAP_DELAY = 1500; // wait this long before fetching a snapshot after a gap
const GAP_MIN_INTERVAL = 10000; // and fetch at most this often for gaps
const MAX_BROADCASTS = 5;

export function render(root, ctx, sessionId) {
  const socket = ctx.socket;
  let alive = true;
  let session = null;
  let view = null;
  let viewRole = '';
  let loading = false;
  let again = false;
  let gapTimer = 0;
  let lastGapLoad = 0;
  let debriefTimer = 0;
  let debriefTries = 0;

  const title = el('h1', { id: 'group-title', text: 'Group session' });
  const modeLine = el('p', { class: 'mode-line' });
  const status = el('p', { id: 'group-status', class: 'play-status', role: 'status', text: 'Loading the session…' });
  const error = alertBox('group-error');
  const announce = el('p', { id: 'group-announce', class: 'visually-hidden', 'aria-live': 'polite' });
  const pausedSlot = el('div', { id: 'paused-slot' });
  const broadcasts = el('div', { id: 'broadcasts', class: 'broadcasts', 'aria-live': 'polite' });
  const body = el('div', { class: 'group-body' });
  root.append(el('section', { id: 'group', class: 'group-page', 'aria-labelledby': 'group-title' },
    el('header', { class: 'play-header' }, title, modeLine),
    status, error, announce, pausedSlot, broadcasts, body));

  const hooks = {
    reload: () => load(),
    applyEvent: (ev) => applyEvent(ev),
  };

  // --- snapshots -----------------------------------------------------------

  async function load() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const frame = await socket.request({ type: 'group_resume', session_id: sessionId }, { queue: true });
      if (!alive) return;
      showAlert(error, '');
      apply(frame.session || {});
    } catch (err) {
      if (!alive || err.code === 'disconnected') return; // reopen loads again
      status.textContent = '';
      if (session) {
        showAlert(error, errorText(err));
        return;
      }
      showAlert(error, err.code === 'not_found' || err.code === 'forbidden'
        ? 'This group session could not be found. The link may be wrong, or you may not be in this session.'
        : errorText(err));
      body.replaceChildren(el('p', {}, el('a', { href: '#/join', text: 'Join a session with its code' })));
    } finally {
      loading = false;
      if (again && alive) {
        again = false;
        load();
      }
    }
  }

  function apply(s) {
    const before = session?.state;
    s.members = Array.isArray(s.members) ? s.members : [];
    if (s.board) s.board.cards = Array.isArray(s.board.cards) ? s.board.cards : [];
    session = s;
    status.textContent = '';
    const sc = s.scenario || {};
    title.textContent = sc.title ? `Group session: ${sc.title}` : 'Group session';
    document.title = (sc.title || 'Group session') + ' · Oasis';
    modeLine.textContent = [
      s.kind === 'staffing' ? 'Staffing board' : sc.kind === 'case' ? 'Practice case, each on their own' : 'Role play, each on their own',
      s.beginner_only ? 'beginner mode for everyone' : '',
      s.anonymous ? 'names hidden' : '',
      s.trainer?.name ? `led by ${s.trainer.name}` : '',
    ].filter(Boolean).join(' · ');
    const role = s.you?.role === 'trainer' ? 'trainer' : 'trainee';
    if (!view || role !== viewRole) {
      if (view) view.destroy();
      viewRole = role;
      view = role === 'trainer' ? trainerView(ctx, s, hooks) : traineeView(ctx, s, hooks);
      body.replaceChildren(view.node);
    } else {
      view.update(s, null);
    }
    drawPaused();
    if (before && before !== s.state) sayState();
    // The debrief may still be being put together when the session ends.
    clearTimeout(debriefTimer);
    if (s.state === 'ended' && !s.debrief && debriefTries < 6) {
      debriefTries++;
      debriefTimer = setTimeout(() => alive && load(), 1000 * debriefTries);
    }
  }

  // --- events --------------------------------------------------------------

  function onGroupEvent(frame) {
    if (!session) return;
    const seq = frame.seq;
    if (typeof seq === 'number' && typeof session.seq === 'number') {
      if (seq <= session.seq) return; // seen already
      if (seq > session.seq + 1) gap();
      session.seq = seq;
    }
    applyEvent(frame.event || {});
  }

  // gap fetches a snapshot soon: some events went missing. (A trainee does
  // not receive every kind of event, so gaps are normal for them; every
  // event carries whole values, so applying it is still right meanwhile.)
  function gap() {
    if (gapTimer) return;
    const wait = Math.max(GAP_DELAY, lastGapLoad + GAP_MIN_INTERVAL - Date.now());
    gapTimer = setTimeout(() => {
      gapTimer = 0;
      lastGapLoad = Date.now();
      if (alive) load();
    }, wait);
  }

  function member(id) {
    return session.members.find((m) => m.member_id === id);
  }

  function applyEvent(ev) {
    let reload = false;
    switch (ev.type) {
      case 'pace': {
        const was = session.state;
        if (ev.state) session.state = ev.state;
        session.message = ev.message || '';
        if (ev.run_id && session.you) session.you.run_id = ev.run_id;
        // Starting creates everyone's runs; ending makes the debrief.
        if (session.state === 'ended' || (was === 'lobby' && session.state !== 'lobby')) reload = true;
        if (was !== session.state) sayState();
        break;
      }
      case 'broadcast':
        showBroadcast(ev);
        return;
      case 'joined': {
        const m = ev.member;
        if (!m) break;
        const old = member(m.member_id);
        if (old) Object.assign(old, m);
        else session.members.push(m);
        break;
      }
      case 'progress': {
        // Progress comes in batches: { members: [{ member_id, progress }] }.
        for (const p of ev.members || []) {
          const m = member(p.member_id);
          if (m) m.progress = p.progress;
          else reload = true;
        }
        break;
      }
      case 'settings': {
        const hid = ev.anonymous !== undefined && !!ev.anonymous !== !!session.anonymous;
        if (ev.anonymous !== undefined) session.anonymous = !!ev.anonymous;
        if (ev.beginner_only !== undefined) session.beginner_only = !!ev.beginner_only;
        reload = hid; // the names (or aliases) come with a fresh snapshot
        break;
      }
      case 'card': {
        const card = ev.card;
        if (!card) break;
        session.board = session.board || { columns: [], cards: [] };
        const cards = session.board.cards;
        const i = cards.findIndex((c) => c.card_id === card.card_id);
        // A card event for someone else's card carries no "mine" or
        // "voted" for you: keep what the snapshot said.
        if (i >= 0) cards[i] = { ...cards[i], ...card, voted: card.voted ?? cards[i].voted, mine: card.mine ?? cards[i].mine };
        else cards.push(card);
        break;
      }
      case 'vote': {
        const card = (session.board?.cards || []).find((c) => c.card_id === ev.card_id);
        if (card && typeof ev.votes === 'number') card.votes = ev.votes;
        break;
      }
      case 'ended':
        if (session.state !== 'ended') {
          session.state = 'ended';
          sayState();
        }
        reload = true;
        break;
      default:
        return;
    }
    drawPaused();
    view.update(session, ev);
    if (reload) load();
  }

  // --- what both views show ----------------------------------------------------

  function sayState() {
    const s = session;
    const text = {
      running: 'The session is running.',
      paused: 'The session is paused.' + (s.message ? ' ' + s.message : ''),
      ended: 'The session has ended.',
      lobby: 'Waiting for the session to start.',
    }[s.state];
    announce.textContent = text || STATES[s.state]?.word || '';
  }

  function drawPaused() {
    if (session.state !== 'paused') {
      pausedSlot.replaceChildren();
      return;
    }
    const trainer = viewRole === 'trainer';
    pausedSlot.replaceChildren(el('div', { class: 'paused-banner', id: 'paused-banner' },
      el('p', { class: 'paused-title' }, el('span', { 'aria-hidden': 'true', text: '❚❚ ' }),
        trainer ? 'Paused: everyone’s input is switched off' : `Paused by ${session.trainer?.name || 'your trainer'}`),
      session.message ? el('p', { class: 'paused-message', text: session.message }) : null,
      trainer ? null : el('p', { class: 'paused-note', text: 'You cannot respond until the session resumes. Anything you already sent is kept.' })));
  }

  function showBroadcast(ev) {
    if (!ev.text) return;
    const when = formatDateTime(ev.at);
    const banner = el('div', { class: 'broadcast' },
      el('p', { class: 'broadcast-from' }, el('span', { 'aria-hidden': 'true', text: '✉ ' }),
        `Message from ${session.trainer?.name || 'the trainer'}`, when ? el('span', { class: 'hint', text: ' · ' + when }) : null),
      el('p', { class: 'broadcast-text', text: ev.text }));
    const dismiss = el('button', { type: 'button', class: 'link-button broadcast-dismiss', text: 'Dismiss', 'aria-label': 'Dismiss this message' });
    dismiss.addEventListener('click', () => {
      const next = banner.nextElementSibling || banner.previousElementSibling;
      banner.remove();
      (next?.querySelector('.broadcast-dismiss') || title).focus();
    });
    banner.append(dismiss);
    broadcasts.prepend(banner);
    while (broadcasts.children.length > MAX_BROADCASTS) broadcasts.lastElementChild.remove();
  }

  // --- wiring -------------------------------------------------------------------

  const onMessage = (e) => {
    const frame = e.detail;
    if (alive && frame.type === 'group_event' && frame.session_id === sessionId) onGroupEvent(frame);
  };
  const onReopen = () => {
    if (alive) load();
  };
  socket.addEventListener('message', onMessage);
  socket.addEventListener('reopen', onReopen);
  load();

  return () => {
    alive = false;
    clearTimeout(gapTimer);
    clearTimeout(debriefTimer);
    socket.removeEventListener('message', onMessage);
    socket.removeEventListener('reopen', onReopen);
    if (view) view.destroy();
    largeText(false);
  };
}
