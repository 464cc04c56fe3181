// The trainer's view of a group session (#group-trainer): the join code
// and link, big enough to project; the pace (start, pause with a message,
// resume, end); broadcasts; the settings; the roster, live from `progress`
// events, with anyone who missed a risk cue flagged and listed first; the
// staffing board; and the debrief once the session has ended.
//
// The roster table is redrawn on every event but is not a live region:
// screen readers hear only a polite summary when the number of trainees
// who need attention changes.

import { el, field, alertBox, showAlert, capitalise, words, percent } from './util.js';
import { meterLabel } from './panel.js';
import { boardView } from './board.js';
import { renderDebrief } from './debrief.js';
import { stateBadge, memberName, outcomeText, errorText, counter, copyButton } from './grouputil.js';

const LARGE_KEY = 'oasis.projector';
const MAX_BROADCAST = 280;

export function largeText(on) {
  document.documentElement.classList.toggle('projector', !!on);
}

export function trainerView(ctx, session, hooks) {
  let current = session;
  let board = null;
  let debriefDrawn = null;
  let focusDebrief = false;
  let attention = -1;
  const busy = new Set(); // settings with a request in flight
  const request = (msg) => ctx.socket.request({ ...msg, session_id: current.id });

  // --- joining -------------------------------------------------------------
  const code = el('p', { id: 'group-code', class: 'group-code', 'aria-describedby': 'code-label' });
  const link = el('output', { id: 'group-link', class: 'invite-link group-link' });
  const { button: copy, done: copied } = copyButton('copy-link', 'Copy link', () => current.link || '', link);
  const joinBox = el('section', { id: 'group-join-box', class: 'card join-box', 'aria-labelledby': 'join-box-title' },
    el('h2', { id: 'join-box-title', text: 'Join this session' }),
    el('p', { id: 'code-label', class: 'code-label', text: 'Join code' }),
    code,
    el('label', { for: 'group-link', class: 'invite-label', text: 'Or open this link' }),
    el('div', { class: 'copy-row' }, link, copy),
    copied);

  // --- pace ----------------------------------------------------------------
  const stateSlot = el('div', { class: 'state-slot' });
  const button = (id, text, cls) => el('button', { type: 'button', id, class: cls || null, text });
  const start = button('pace-start', 'Start the session', 'primary');
  const pause = button('pace-pause', 'Pause everyone');
  const resume = button('pace-resume', 'Resume', 'primary');
  const end = button('pace-end', 'End the session', 'danger');
  const pauseMsg = el('input', { type: 'text', id: 'pause-message', maxlength: MAX_BROADCAST, autocomplete: 'off' });
  const pauseField = field('Message while paused (optional)', pauseMsg, 'Everyone sees it with the pause.');
  const confirmYes = button('pace-end-confirm', 'Yes, end it for everyone', 'danger');
  const confirmNo = button('pace-end-cancel', 'Keep going');
  const confirmBox = el('div', { id: 'end-confirm', class: 'confirm', role: 'group', 'aria-labelledby': 'end-confirm-text', hidden: true },
    el('p', { id: 'end-confirm-text', text: 'End the session for everyone? Input stops for good and the debrief opens.' }),
    el('div', { class: 'actions' }, confirmYes, confirmNo));
  const paceError = alertBox('pace-error');
  const controls = el('section', { id: 'pace-controls', class: 'card pace-box', 'aria-labelledby': 'pace-title' },
    el('h2', { id: 'pace-title', text: 'Session' }),
    stateSlot, pauseField,
    el('div', { class: 'actions' }, start, pause, resume, end),
    confirmBox, paceError);

  async function pace(action, btn) {
    showAlert(paceError, '');
    btn.disabled = true;
    try {
      const msg = { type: 'group_pace', action };
      if (action === 'pause') msg.message = pauseMsg.value.trim();
      await request(msg);
      const next = { start: pause, pause: resume, resume: pause }[action];
      if (next && !next.hidden) next.focus();
      if (action === 'end') focusDebrief = true;
    } catch (err) {
      showAlert(paceError, errorText(err));
    } finally {
      btn.disabled = false;
    }
  }
  start.addEventListener('click', () => pace('start', start));
  pause.addEventListener('click', () => pace('pause', pause));
  resume.addEventListener('click', () => pace('resume', resume));
  end.addEventListener('click', () => {
    confirmBox.hidden = false;
    confirmNo.focus();
  });
  confirmNo.addEventListener('click', () => {
    confirmBox.hidden = true;
    end.focus();
  });
  confirmYes.addEventListener('click', async () => {
    await pace('end', confirmYes);
    confirmBox.hidden = current.state === 'ended' ? true : confirmBox.hidden;
  });

  // --- settings ------------------------------------------------------------
  const check = (id, label, hint) => {
    const input = el('input', { type: 'checkbox', id });
    const row = el('div', { class: 'check' }, input, el('label', { for: id, text: label }),
      hint ? el('p', { class: 'hint', id: id + '-hint', text: hint }) : null);
    if (hint) input.setAttribute('aria-describedby', id + '-hint');
    return { input, row };
  };
  const anon = check('toggle-anonymous', 'Hide names (for projecting)', 'Trainees show as “Trainee 1”, “Trainee 2” … everywhere, here included.');
  const beginner = check('toggle-beginner', 'Beginner mode for everyone', 'Everyone chooses from options instead of typing. Only before the session starts.');
  const large = check('toggle-large', 'Large text on this screen', 'For projecting this page.');
  const settingsError = alertBox('settings-error');
  let largeOn = false;
  try {
    largeOn = localStorage.getItem(LARGE_KEY) === '1';
  } catch {
    // No storage: the setting just does not stick.
  }
  large.input.checked = largeOn;
  largeText(largeOn);
  large.input.addEventListener('change', () => {
    largeText(large.input.checked);
    try {
      localStorage.setItem(LARGE_KEY, large.input.checked ? '1' : '0');
    } catch {
      // As above.
    }
  });
  async function setting(name, input) {
    busy.add(name);
    input.disabled = true;
    showAlert(settingsError, '');
    try {
      await request({ type: 'group_settings', [name]: input.checked });
    } catch (err) {
      input.checked = !input.checked;
      showAlert(settingsError, errorText(err));
    } finally {
      busy.delete(name);
      input.disabled = false;
    }
  }
  anon.input.addEventListener('change', () => setting('anonymous', anon.input));
  beginner.input.addEventListener('change', () => setting('beginner_only', beginner.input));
  const settings = el('section', { id: 'group-settings', class: 'card', 'aria-labelledby': 'settings-title' },
    el('h2', { id: 'settings-title', text: 'Settings' }), anon.row, beginner.row, large.row, settingsError);

  // --- broadcast -----------------------------------------------------------
  const btext = el('textarea', { id: 'broadcast-text', rows: 2, maxlength: MAX_BROADCAST, autocomplete: 'off' });
  const { count: bcount, update: bupdate } = counter(btext, MAX_BROADCAST, 'broadcast-count');
  const bsend = el('button', { type: 'submit', id: 'broadcast-send', class: 'primary', text: 'Send to everyone' });
  const berror = alertBox('broadcast-error');
  const bstatus = el('p', { id: 'broadcast-status', class: 'hint', role: 'status' });
  const bform = el('form', { id: 'broadcast-form', class: 'card', 'aria-labelledby': 'broadcast-title' },
    el('h2', { id: 'broadcast-title', text: 'Message everyone' }),
    el('label', { for: 'broadcast-text', text: 'Message (shows as a banner on every screen)' }),
    btext, el('div', { class: 'say-foot' }, bcount, bsend), berror, bstatus);
  bform.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = btext.value.trim();
    showAlert(berror, '');
    bstatus.textContent = '';
    if (!text) return;
    bsend.disabled = true;
    try {
      await request({ type: 'group_broadcast', text });
      btext.value = '';
      bupdate();
      bstatus.textContent = 'Sent to everyone.';
    } catch (err) {
      showAlert(berror, errorText(err));
    } finally {
      bsend.disabled = false;
    }
  });

  // --- roster, board and debrief --------------------------------------------
  const rosterSummary = el('p', { id: 'roster-summary', class: 'roster-summary', 'aria-live': 'polite' });
  const rosterCount = el('p', { id: 'roster-count', class: 'hint' });
  const rosterSlot = el('div', { class: 'roster-slot' });
  const rosterBox = el('section', { id: 'roster-section', 'aria-labelledby': 'roster-title' },
    el('h2', { id: 'roster-title', text: 'Trainees' }), rosterSummary, rosterCount, rosterSlot);
  const boardSlot = el('div', { class: 'board-slot' });
  const debriefSlot = el('div', { class: 'debrief-slot' });

  const node = el('div', { id: 'group-trainer', class: 'group-view' },
    el('div', { class: 'trainer-top' }, joinBox, controls),
    el('div', { class: 'trainer-tools' }, bform, settings),
    debriefSlot, rosterBox, boardSlot);

  function drawRoster() {
    const s = current;
    const rows = (s.members || []).map((m, i) => ({ m, name: memberName(s, m, i), p: m.progress || null }));
    // Even "guest" would tell people apart in an anonymous session.
    const guestTag = (sess, m) => (m.guest && !sess.anonymous ? el('span', { class: 'tag', text: 'guest' }) : null);
    const flagged = (r) => (r.p?.missed_risk || 0) > 0;
    const need = rows.filter(flagged).length;
    if (need !== attention) {
      attention = need;
      rosterSummary.textContent = need === 0 ? '' : `${need} ${need === 1 ? 'trainee needs' : 'trainees need'} attention: missed a risk cue.`;
      rosterSummary.classList.toggle('needs-attention', need > 0);
    }
    const finished = rows.filter((r) => r.p?.ended).length;
    rosterCount.textContent = `${rows.length} joined` + (s.state !== 'lobby' && s.kind !== 'staffing' ? ` · ${finished} finished` : '');
    if (!rows.length) {
      rosterSlot.replaceChildren(el('p', { id: 'roster', class: 'hint', text: 'No one has joined yet. Share the code or the link.' }));
      return;
    }
    if (s.state === 'lobby' || s.kind === 'staffing') {
      rosterSlot.replaceChildren(el('ul', { id: 'roster', class: 'roster-list' }, rows.map((r) => el('li', { class: 'roster-row', 'data-member': r.m.member_id },
        r.name, guestTag(s, r.m)))));
      return;
    }
    // Flagged first; otherwise in the order they joined.
    const sorted = [...rows.filter(flagged), ...rows.filter((r) => !flagged(r))];
    const total = s.scenario?.strengths_total;
    const table = el('table', { id: 'roster', class: 'roster-table' },
      el('caption', { class: 'visually-hidden', text: 'Trainees’ progress; anyone who missed a risk cue comes first' }),
      el('thead', {}, el('tr', {}, ['Trainee', 'Risk', 'Where they are', 'Meters', 'Strengths found', 'Strengths ratio', 'Responses']
        .map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, sorted.map((r) => {
        const p = r.p || {};
        return el('tr', { class: 'roster-row' + (flagged(r) ? ' flagged' : ''), 'data-member': r.m.member_id },
          el('th', { scope: 'row' }, r.name, guestTag(s, r.m)),
          el('td', {}, flagged(r)
            ? el('span', { class: 'missed-risk-flag' }, el('span', { 'aria-hidden': 'true', text: '⚠ ' }), `Missed a risk cue${p.missed_risk > 1 ? ' (' + p.missed_risk + ')' : ''}`)
            : el('span', { class: 'no-flag', text: 'None missed' })),
          el('td', { class: 'where', text: where(p, s) }),
          el('td', {}, miniMeters(p.meters)),
          el('td', { class: 'num', text: `${p.revealed ?? 0}${total ? ' of ' + total : ''}` }),
          el('td', { class: 'num', text: percent(p.strengths_ratio) }),
          el('td', { class: 'num', text: String(p.turns ?? 0) }));
      })));
    rosterSlot.replaceChildren(el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'roster-title' }, table));
  }

  function update(s, ev) {
    current = s;
    const st = s.state;
    code.textContent = s.code || '';
    link.textContent = s.link || '';
    stateSlot.replaceChildren(stateBadge(st, 'group-state'));
    joinBox.hidden = st === 'ended';
    start.hidden = st !== 'lobby';
    pause.hidden = st !== 'running';
    resume.hidden = st !== 'paused';
    end.hidden = st === 'ended';
    pauseField.hidden = st !== 'running';
    if (st === 'ended') confirmBox.hidden = true;
    bform.hidden = st === 'ended';
    if (!busy.has('anonymous')) anon.input.checked = !!s.anonymous;
    if (!busy.has('beginner_only')) beginner.input.checked = !!s.beginner_only;
    beginner.row.hidden = st !== 'lobby' || s.scenario?.kind === 'case';
    rosterBox.hidden = st === 'ended' && s.kind !== 'staffing';
    if (!ev || ['joined', 'progress', 'settings', 'pace'].includes(ev.type)) drawRoster();

    if (s.kind === 'staffing' && st !== 'lobby') {
      if (!board) {
        board = boardView(ctx, s, hooks);
        boardSlot.replaceChildren(board.node);
      } else board.update(s, ev);
    }
    if (st === 'ended') {
      if (s.debrief && s.debrief !== debriefDrawn) {
        debriefDrawn = s.debrief;
        debriefSlot.replaceChildren(renderDebrief(s));
        if (focusDebrief) {
          const h = debriefSlot.querySelector('#debrief-title');
          h.tabIndex = -1;
          h.focus();
          focusDebrief = false;
        }
      } else if (!s.debrief) {
        debriefSlot.replaceChildren(el('p', { id: 'debrief-wait', class: 'play-status', text: 'Putting the debrief together…' }));
      }
    }
  }

  update(session, null);
  return {
    node,
    update,
    destroy() {
      if (board) board.destroy();
      largeText(false);
    },
  };
}

// where says where a trainee is: the current beat, or how it ended.
function where(p, s) {
  if (p.ended) {
    const outcome = outcomeText(p.outcome);
    return '✓ Finished' + (outcome ? ': ' + outcome : '') + (p.overall !== null && p.overall !== undefined ? ` (${p.overall} / 100)` : '');
  }
  if (p.tasks) return `${p.passed ?? 0} of ${p.tasks} tasks passed`;
  if (!p.turns && !p.beat) return s.state === 'lobby' ? 'Waiting' : 'Not started yet';
  return p.beat ? capitalise(words(p.beat)) : '–';
}

// miniMeters draws each meter as a small bar with its name and value in
// words beside it.
function miniMeters(list) {
  if (!(list || []).length) return '–';
  return el('ul', { class: 'mini-meters' }, list.map((m) => {
    const min = m.min ?? 0;
    const span = ((m.max ?? 100) - min) || 1;
    const fill = el('span');
    fill.style.width = Math.max(0, Math.min(100, ((m.value - min) / span) * 100)) + '%';
    return el('li', { class: 'mini-meter', 'data-name': m.name },
      el('span', { class: 'mini-label', text: `${meterLabel(m)} ${m.value}` }),
      el('span', { class: 'bar mini', 'aria-hidden': 'true' }, fill));
  }));
}
