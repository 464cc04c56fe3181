// The role-play page, #/play/<run_id>.
//
// The page never trusts what it already shows: on load, and again after
// every reconnect, it sends `resume` and redraws everything from the `run`
// reply, then resends the responses still pending for this run with their
// original turn_id. Turns are keyed by n, so a duplicate reply (the server
// answers a resent turn_id with the stored turn) is never drawn twice.
//
// A group session embeds the same page (opts.embedded) for a trainee's run:
// opts.blocked() returns why input is refused just now (the session is
// paused) or '', opts.noFreeText keeps a beginner-only session to its
// choices. Responses refused with `paused` or `not_started` stay pending
// (and opts.onHeld is told); the returned cleanup function's resumeHeld()
// sends them again, refresh() applies a change in blocked().

import { el, clear, serverHTML, randomId, alertBox, showAlert, submitOnEnter } from './util.js';
import * as pending from './pending.js';
import { transcript, turnBlock, traineeBubble, sortedTurns } from './transcript.js';
import { renderMeters, renderStrengths, foundStrengths } from './panel.js';
import { renderReport } from './report.js';
import { startRun } from './start.js';

const MAX_TEXT = 2000;

export function render(root, ctx, runId, opts = {}) {
  const socket = ctx.socket;
  const blocked = () => (opts.blocked ? opts.blocked() : '');
  const held = new Set(); // turn_ids refused while the group session was paused
  let alive = true;
  let run = null;
  let retryTimer = 0;
  let retryDelay = 2000;

  const title = el(opts.embedded ? 'h2' : 'h1', { text: 'Role play' });
  const modeLine = el('p', { class: 'mode-line' });
  const profile = el('details', { id: 'profile', class: 'profile' });
  // tabindex: the log scrolls, so keyboard users must be able to reach it.
  const chat = el('div', { id: 'chat', class: 'chat', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0' });
  const chatTitle = el('h2', { class: 'visually-hidden', id: 'chat-title', text: 'Conversation' });
  const composer = el('div', { id: 'composer', class: 'composer' });
  const status = el('p', { id: 'play-status', class: 'play-status', role: 'status' });
  const error = alertBox('play-error');
  const reportSlot = el('div', { id: 'report-slot' });
  const meters = el('section', { id: 'meters', class: 'panel-box', 'aria-label': 'Meters' });
  const strengths = el('section', { id: 'strengths', class: 'panel-box', 'aria-label': 'Strengths found' });

  root.append(el('section', { id: 'play', 'aria-labelledby': 'play-title' },
    el('header', { class: 'play-header' }, title, modeLine),
    profile,
    el('div', { class: 'play-layout' },
      el('div', { class: 'conversation' }, chatTitle, chat, status, error, composer, reportSlot),
      el('aside', { class: 'side-panel', 'aria-label': 'Progress' }, meters, strengths),
    ),
  ));
  title.id = 'play-title';
  status.textContent = 'Loading the conversation…';

  const draftKey = 'oasis.draft.' + runId;
  const clientName = () => run?.scenario?.client?.name || 'the client';

  // --- loading and redrawing -------------------------------------------

  async function load() {
    try {
      const frame = await socket.request({ type: 'resume', run_id: runId }, { queue: true });
      if (!alive) return;
      if (frame.run.kind === 'case') {
        ctx.go('#/case/' + encodeURIComponent(runId));
        return;
      }
      applyRun(frame.run);
      resendPending();
    } catch (err) {
      if (!alive || err.code === 'disconnected') return; // reopen will load again
      if (err.code === 'paused' || err.code === 'not_started') {
        status.textContent = err.message || 'The session is not running just now.';
        return; // the group page reloads when it resumes
      }
      status.textContent = '';
      chat.replaceChildren();
      composer.replaceChildren();
      showAlert(error, err.code === 'not_found' || err.code === 'forbidden'
        ? 'This role play could not be found. It may belong to someone else, or the link may be wrong.'
        : err.message);
      composer.append(el('p', {}, el('a', { href: '#/library', text: 'Back to the library' })));
    }
  }

  function applyRun(r) {
    run = r;
    run.turns = sortedTurns(run.turns);
    const sc = run.scenario || {};
    const client = sc.client || {};
    title.textContent = sc.title || 'Role play';
    if (!opts.embedded) document.title = (sc.title || 'Role play') + ' · Oasis';
    modeLine.textContent = run.mode === 'beginner' ? 'Beginner: choose what you say' : 'Free text: say it in your own words';
    drawProfile(client);
    chat.setAttribute('aria-label', `Conversation with ${client.name || 'the client'}`);
    chatTitle.textContent = `Conversation with ${client.name || 'the client'}`;
    chat.replaceChildren(transcript(run));
    status.textContent = '';
    for (const entry of pending.forRun(runId)) {
      if (!knownTurnId(entry.id) && !ended()) chat.append(pendingBubble(entry));
    }
    drawPanel();
    if (ended()) showEnd(false);
    else drawComposer();
    scrollChat(false);
  }

  function drawProfile(client) {
    // Open at the start, to read before the first response; closed once
    // the conversation is under way (and on phones) so the chat and the
    // input fit on screen. After that the trainee's own choice sticks.
    const wasOpen = profile.dataset.drawn
      ? profile.open
      : run.turns.length === 0 && !window.matchMedia('(max-width: 700px)').matches;
    const who = [client.name, client.age, client.pronouns].filter(Boolean).join(', ');
    profile.replaceChildren(
      el('summary', {}, el('span', { text: `About ${who || 'the client'}` })),
      serverHTML(el('div', { class: 'situation prose' }), client.situation_html),
    );
    profile.open = wasOpen;
    profile.dataset.drawn = '1';
  }

  function drawPanel() {
    const last = run.turns.length ? run.turns[run.turns.length - 1].client : run.opening;
    renderMeters(meters, last?.meters || run.opening?.meters || []);
    renderStrengths(strengths, foundStrengths(run), run.scenario?.strengths_total);
  }

  const lastN = () => (run.turns.length ? run.turns[run.turns.length - 1].n : 0);
  const knownTurnId = (id) => run.turns.some((t) => t.turn_id === id);
  const ended = () => run.status === 'ended' || !!run.report || (run.turns.length > 0 && run.turns[run.turns.length - 1].client?.ended) || !!run.opening?.ended;
  const currentOptions = () => (run.turns.length ? run.turns[run.turns.length - 1].client?.options : run.opening?.options) || [];
  const waiting = () => pending.forRun(runId).length > 0;

  // scrollChat shows the newest message; during play it also keeps the
  // input in view (not on load, when the profile above should be read).
  function scrollChat(live = true) {
    chat.scrollTop = chat.scrollHeight;
    if (live && run && !ended() && composer.getBoundingClientRect().bottom > window.innerHeight) composer.scrollIntoView({ block: 'nearest' });
  }

  function savedDraft() {
    try {
      return sessionStorage.getItem(draftKey) || '';
    } catch {
      return '';
    }
  }

  // --- the composer ----------------------------------------------------

  // drawComposer rebuilds the input for the current state. A redraw (after
  // a reconnect, say) keeps what the trainee was typing, and the draft is
  // also kept in sessionStorage so a reload does not lose it.
  function drawComposer() {
    const old = composer.querySelector('#say-input');
    const draft = old ? old.value : savedDraft();
    const hadFocus = composer.contains(document.activeElement);
    clear(composer);
    const options = currentOptions();
    if (run.mode === 'beginner' && options.length) {
      const list = el('div', { id: 'options', class: 'options', role: 'group', 'aria-labelledby': 'options-title' },
        el('h2', { id: 'options-title', class: 'composer-title', text: `What do you say to ${clientName()}?` }),
        options.map((o, i) => el('button', {
          type: 'button', class: 'option', 'data-n': i + 1, text: o.text,
          onclick: () => choose(i + 1, o.text),
        })));
      composer.append(list);
    } else if (opts.noFreeText) {
      // A beginner-only group session: free text would be refused.
      composer.append(el('p', { class: 'hint', text: 'This session uses choices only; they appear here when it is your turn.' }));
    } else {
      const input = el('textarea', {
        id: 'say-input', rows: 3, maxlength: MAX_TEXT, autocomplete: 'off',
        'aria-describedby': 'say-help say-count',
      });
      const count = el('span', { id: 'say-count', class: 'count', text: `0 / ${MAX_TEXT}` });
      const send = el('button', { type: 'submit', id: 'say-send', class: 'primary', text: 'Send' });
      const form = el('form', { class: 'say-form' },
        el('label', { for: 'say-input', class: 'composer-title', text: `Your response to ${clientName()}` }),
        input,
        el('div', { class: 'say-foot' },
          el('span', { id: 'say-help', class: 'hint', text: 'Enter sends; Shift+Enter starts a new line.' }),
          count, send),
      );
      input.value = draft;
      const updateCount = () => {
        const n = input.value.length;
        try {
          if (input.value) sessionStorage.setItem(draftKey, input.value);
          else sessionStorage.removeItem(draftKey);
        } catch {
          // Storage blocked: the draft just does not survive a reload.
        }
        count.textContent = `${n} / ${MAX_TEXT}`;
        count.classList.toggle('near-limit', n > MAX_TEXT - 100);
      };
      input.addEventListener('input', updateCount);
      submitOnEnter(input, form);
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const text = input.value.trim();
        if (!text || waiting() || blocked()) return;
        input.value = '';
        updateCount();
        say(text);
        input.focus();
      });
      composer.append(form);
      updateCount();
      if (hadFocus) input.focus();
    }
    setBusy(waiting());
  }

  // setBusy stops a second response going out while one is unanswered:
  // the next client line, and in beginner mode the next options, depend on
  // the reply.
  function setBusy(busy) {
    const stopped = !!blocked();
    const send = composer.querySelector('#say-send');
    if (send) {
      send.disabled = busy || stopped;
      send.textContent = busy ? (stopped ? 'Waiting…' : 'Sending…') : 'Send';
    }
    const input = composer.querySelector('#say-input');
    if (input) input.disabled = stopped;
    for (const b of composer.querySelectorAll('.option')) b.disabled = busy || stopped;
  }

  function say(text) {
    submit('say', { text }, text);
  }

  function choose(n, text) {
    submit('choose', { option: n }, text);
  }

  function submit(kind, fields, shown) {
    if (!run || ended() || waiting()) return;
    if (blocked()) {
      showAlert(error, blocked());
      return;
    }
    showAlert(error, '');
    const id = randomId('t_');
    const entry = { id, run_id: runId, kind, shown, payload: { type: kind, run_id: runId, turn_id: id, ...fields } };
    pending.add(entry);
    chat.append(pendingBubble(entry));
    scrollChat();
    setBusy(true);
    transmit(entry);
  }

  function pendingBubble(entry) {
    const bubble = traineeBubble(entry.shown, 'sending');
    bubble.dataset.pending = entry.id;
    return bubble;
  }

  function resendPending() {
    for (const entry of pending.forRun(runId)) {
      if (knownTurnId(entry.id) || ended()) pending.drop(entry.id);
      else transmit(entry);
    }
    if (!ended()) setBusy(waiting());
  }

  function transmit(entry) {
    socket.request(entry.payload).catch((err) => {
      if (!alive || !pending.has(entry.id)) return;
      sendFailed(entry, err);
    });
  }

  function sendFailed(entry, err) {
    switch (err.code) {
      case 'disconnected':
        status.textContent = 'Waiting for the connection. Your response is kept and will be sent when it is back.';
        return;
      case 'busy':
      case 'internal':
        // Nothing was stored: keep it pending and send it again, backing off.
        showAlert(error, (err.message || 'The server could not take your response just now.') + ' Trying again…');
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => {
          if (alive && pending.has(entry.id) && socket.open) transmit(entry);
        }, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 8000);
        return;
      case 'paused':
      case 'not_started':
        // Kept pending: sent again when the group session resumes.
        held.add(entry.id);
        status.textContent = (err.message || 'The session is paused.') + ' Your response is kept and will be sent when the session resumes.';
        if (opts.onHeld) opts.onHeld(err);
        return;
      case 'run_ended':
        pending.drop(entry.id);
        showAlert(error, err.message);
        load();
        return;
      default: {
        pending.drop(entry.id);
        const bubble = chat.querySelector(`[data-pending="${CSS.escape(entry.id)}"]`);
        if (bubble) bubble.remove();
        showAlert(error, err.message || 'Your response could not be sent.');
        setBusy(false);
        const input = composer.querySelector('#say-input');
        if (input && entry.kind === 'say' && !input.value) {
          input.value = entry.shown;
          input.dispatchEvent(new Event('input'));
          input.focus();
        }
      }
    }
  }

  // --- replies ---------------------------------------------------------

  function onTurn(frame) {
    const turn = frame.turn;
    if (!run || !turn) return;
    const bubble = chat.querySelector(`[data-pending="${CSS.escape(turn.turn_id || '')}"]`);
    if (run.turns.some((t) => t.n === turn.n)) {
      if (bubble) bubble.remove();
      return;
    }
    if (turn.n !== lastN() + 1) {
      // A gap: something was played that this page has not seen. Redraw
      // from the server rather than guess.
      load();
      return;
    }
    const options = currentOptions();
    run.turns.push(turn);
    const block = turnBlock(turn, clientName(), options);
    if (bubble) bubble.replaceWith(block);
    else chat.append(block);
    status.textContent = '';
    showAlert(error, '');
    retryDelay = 2000;
    if (frame.report) run.report = frame.report;
    if (turn.client?.ended) run.status = 'ended';
    drawPanel();
    scrollChat();
    if (ended()) {
      showEnd(true);
      return;
    }
    const hadFocus = composer.contains(document.activeElement) || document.activeElement === document.body;
    if (run.mode === 'beginner') drawComposer();
    else setBusy(waiting());
    if (hadFocus) composer.querySelector('#say-input, .option')?.focus();
  }

  function showEnd(live) {
    clear(composer);
    try {
      sessionStorage.removeItem(draftKey);
    } catch {
      // Nothing to clean up when storage is blocked.
    }
    for (const entry of pending.forRun(runId)) pending.drop(entry.id);
    for (const b of chat.querySelectorAll('[data-pending]')) b.remove();
    composer.append(el('p', { class: 'ended-note', text: `The conversation with ${clientName()} has ended.` }));
    clear(reportSlot);
    if (!run.report) {
      reportSlot.append(el('p', { class: 'hint', text: 'The report is being prepared…' }));
      if (live) load();
      return;
    }
    const errorBox = alertBox('again-error');
    reportSlot.append(renderReport(run.report, {
      clientName: clientName(),
      onTryAgain: opts.embedded ? null : (button) => startRun(ctx, run.scenario.id, run.mode, { buttons: [button], errorBox }),
    }), errorBox);
    if (live) {
      const h = reportSlot.querySelector('#report-title');
      h.tabIndex = -1;
      h.focus();
    }
  }

  const onMessage = (e) => {
    const frame = e.detail;
    if (alive && frame.type === 'turn' && frame.run_id === runId) onTurn(frame);
  };
  const onReopen = () => {
    if (alive) load();
  };
  socket.addEventListener('message', onMessage);
  socket.addEventListener('reopen', onReopen);
  load();

  const stop = () => {
    alive = false;
    clearTimeout(retryTimer);
    socket.removeEventListener('message', onMessage);
    socket.removeEventListener('reopen', onReopen);
  };
  stop.refresh = () => {
    if (alive && run && !ended()) setBusy(waiting());
  };
  stop.resumeHeld = () => {
    if (!alive || !held.size) return;
    const ids = new Set(held);
    held.clear();
    status.textContent = '';
    for (const entry of pending.forRun(runId)) if (ids.has(entry.id)) transmit(entry);
  };
  return stop;
}
