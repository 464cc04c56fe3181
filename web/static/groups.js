// Getting into group sessions: the trainer's list (#/groups), joining by
// code (#/join, #/join/<code> and the link /join/<code>, for people signed
// in and for guests), and the "Run with a group" form on a library card.

import { api } from './api.js';
import { el, field, alertBox, showAlert, formatDateTime } from './util.js';
import { STATES, KINDS, isLeader, errorText } from './grouputil.js';

// normaliseCode accepts a code typed with spaces or dashes, or a whole
// pasted join link.
export function normaliseCode(text) {
  let s = String(text || '').trim();
  const m = s.match(/\/join\/([^/?#\s]+)/);
  if (m) s = m[1];
  try {
    s = decodeURIComponent(s);
  } catch {
    // Keep it as typed.
  }
  return s.replace(/[\s-]+/g, '').toUpperCase();
}

// joinByCode sends group_join and opens the session.
export async function joinByCode(ctx, code) {
  const frame = await ctx.socket.request({ type: 'group_join', code }, { queue: true });
  const id = frame.session?.id;
  if (!id) throw { code: 'bad_reply', message: 'The session could not be opened. Try again.' };
  ctx.go('#/group/' + encodeURIComponent(id));
}

function joinMessage(err) {
  if (err.code === 'not_found' || err.status === 404) return 'There is no open session with that code. Check it with your trainer: it may have ended.';
  return errorText(err, 'You could not join just now. Try again in a moment.');
}

// joinForm is form#join-group-form. With guest, it also asks for a display
// name and first gets a guest account (POST /api/groups/join).
function joinForm(ctx, { code = '', guest = false, headingTag = 'h2' } = {}) {
  const codeInput = el('input', {
    id: 'join-code', name: 'join-code', type: 'text', required: true, autocomplete: 'off',
    autocapitalize: 'characters', spellcheck: 'false', maxlength: 200, value: code, class: 'code-input',
  });
  const name = guest ? el('input', { id: 'guest-name', name: 'guest-name', type: 'text', required: true, autocomplete: 'nickname', maxlength: 40 }) : null;
  const error = alertBox('join-error');
  const submit = el('button', { type: 'submit', id: 'join-submit', class: 'primary', text: 'Join' });
  const form = el('form', { id: 'join-group-form', class: 'card form-card', 'aria-labelledby': 'join-title' },
    el(headingTag, { id: 'join-title', text: 'Join a group session' }),
    field('Join code', codeInput, 'The code your trainer shows, like K7QM4TXP. You can paste the whole link too.'),
    name ? field('Your name for this session', name, 'Your trainer sees it (and the group, unless names are hidden). You do not need an account.') : null,
    error,
    el('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = normaliseCode(codeInput.value);
    showAlert(error, '');
    if (!c) {
      showAlert(error, 'Enter the join code.');
      codeInput.focus();
      return;
    }
    if (guest && !name.value.trim()) {
      showAlert(error, 'Enter the name to show in this session.');
      name.focus();
      return;
    }
    submit.disabled = true;
    try {
      if (guest) {
        await api.groupJoin(c, name.value.trim());
        let user = null;
        try {
          user = (await api.me()).user;
        } catch {
          user = { name: name.value.trim(), role: 'guest', guest: true };
        }
        // Signed in now: the join page sends group_join and opens the session.
        ctx.signedIn(user, { hash: '#/join/' + encodeURIComponent(c) });
        return;
      }
      await joinByCode(ctx, c);
    } catch (err) {
      showAlert(error, joinMessage(err));
      submit.disabled = false;
    }
  });
  return form;
}

// renderJoin is #/join and #/join/<code> for someone signed in: with a
// code it joins at once, and shows the form again if that fails.
export function renderJoin(root, ctx, code) {
  const c = normaliseCode(code);
  const section = el('section', { id: 'join', class: 'join-page', 'aria-labelledby': 'join-page-title' },
    el('h1', { id: 'join-page-title', text: 'Join a group session' }));
  root.append(section);
  if (!c) {
    section.append(el('p', { class: 'lede', text: 'Your trainer runs the session; you play on your own screen.' }), joinForm(ctx));
    return;
  }
  const status = el('p', { class: 'play-status', role: 'status', text: `Joining session ${c}…` });
  section.append(status);
  joinByCode(ctx, c).catch((err) => {
    status.remove();
    const form = joinForm(ctx, { code: c });
    section.append(form);
    showAlert(form.querySelector('#join-error'), joinMessage(err));
  });
}

// guestJoin is the join page for someone not signed in (the link
// /join/<code>, or #/join): a display name is enough.
export function guestJoin(root, ctx, code) {
  const c = normaliseCode(code);
  const signIn = el('button', { type: 'button', class: 'link-button', id: 'join-sign-in', text: 'Sign in first' });
  signIn.addEventListener('click', () => ctx.signInFor('#/join' + (c ? '/' + encodeURIComponent(c) : '')));
  root.append(el('section', { id: 'join', class: 'join-page', 'aria-labelledby': 'join-page-title' },
    el('h1', { id: 'join-page-title', text: 'Join a group session' }),
    el('p', { class: 'lede', text: 'Your trainer runs the session; you practise on your own screen.' }),
    joinForm(ctx, { code: c, guest: true, headingTag: 'h2' }),
    el('p', { class: 'hint' }, 'Have an Oasis account? ', signIn, ' so the session counts in your history.')));
}

// renderList is #/groups: the sessions a trainer has led, and the join box.
export function renderList(root, ctx) {
  const leads = isLeader(ctx.user);
  const error = alertBox('groups-error');
  const list = el('ul', { id: 'group-list', class: 'history-list' });
  const section = el('section', { id: 'groups', 'aria-labelledby': 'groups-title' },
    el('h1', { id: 'groups-title', text: leads ? 'Group sessions' : 'Join a group session' }));
  root.append(section);
  if (leads) {
    section.append(
      el('p', { class: 'lede', text: 'To run a new session, pick a role play or case in the library and choose “Run with a group”.' }),
      el('h2', { text: 'Sessions you have led' }), error, list);
    api.groups().then((data) => {
      const groups = data.groups || [];
      if (!groups.length) {
        list.append(el('li', { class: 'empty' }, 'None yet. ', el('a', { href: '#/library', text: 'Choose something in the library' }), ' to run with a group.'));
        return;
      }
      list.append(...groups.map(groupRow));
    }, (err) => showAlert(error, err.message));
  }
  section.append(joinForm(ctx));
}

function groupRow(g) {
  const st = STATES[g.state] || { word: g.state, symbol: '•' };
  return el('li', { class: 'group-row card', 'data-id': g.id, 'data-state': g.state },
    el('a', { href: '#/group/' + encodeURIComponent(g.id), class: 'history-link' },
      el('span', { class: 'history-title', text: g.title || g.code || 'Group session' })),
    el('p', { class: 'history-meta' },
      el('span', { class: 'state-badge state-' + g.state }, el('span', { 'aria-hidden': 'true', text: st.symbol + ' ' }), st.word),
      ' · ', [
        KINDS[g.kind] || g.kind,
        `code ${g.code}`,
        `${g.members ?? 0} ${g.members === 1 ? 'person' : 'people'}`,
        formatDateTime(g.created_at),
      ].filter(Boolean).join(' · ')));
}

// openCreateForm puts form#group-create under a library card's buttons.
// Only one is open at a time.
export function openCreateForm(ctx, scenario, card, opener) {
  document.getElementById('group-create')?.remove();
  const isCase = scenario.kind === 'case';
  const kindPlay = el('input', { type: 'radio', id: 'group-kind-play', name: 'group-kind', value: 'play', checked: true });
  const kindStaff = isCase ? el('input', { type: 'radio', id: 'group-kind-staffing', name: 'group-kind', value: 'staffing' }) : null;
  const anonymous = el('input', { type: 'checkbox', id: 'group-anonymous' });
  const beginner = isCase ? null : el('input', { type: 'checkbox', id: 'group-beginner' });
  const error = alertBox('group-create-error');
  const submit = el('button', { type: 'submit', id: 'group-create-submit', class: 'primary', text: 'Create the session' });
  const cancel = el('button', { type: 'button', id: 'group-create-cancel', text: 'Cancel' });
  const form = el('form', { id: 'group-create', class: 'group-create', 'aria-labelledby': 'group-create-title' },
    el('h3', { id: 'group-create-title', text: `Run “${scenario.title}” with a group` }),
    isCase
      ? el('fieldset', { class: 'choices' }, el('legend', { text: 'How the group works' }),
        el('div', { class: 'choice' }, kindPlay, el('label', { for: 'group-kind-play', text: 'Each person works the case on their own' })),
        el('div', { class: 'choice' }, kindStaff, el('label', { for: 'group-kind-staffing', text: 'Staff the case together on a shared board' })))
      : el('p', { class: 'hint', text: 'Each person plays their own conversation; you follow everyone’s progress.' }),
    el('div', { class: 'check' }, anonymous, el('label', { for: 'group-anonymous', text: 'Hide names (for projecting)' })),
    beginner ? el('div', { class: 'check' }, beginner, el('label', { for: 'group-beginner', text: 'Beginner mode for everyone' })) : null,
    error,
    el('div', { class: 'actions' }, submit, cancel));
  cancel.addEventListener('click', () => {
    form.remove();
    opener.focus();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showAlert(error, '');
    submit.disabled = true;
    try {
      const frame = await ctx.socket.request({
        type: 'group_create',
        scenario: scenario.id,
        kind: kindStaff?.checked ? 'staffing' : 'play',
        anonymous: anonymous.checked,
        beginner_only: !!beginner?.checked,
      }, { queue: true });
      ctx.go('#/group/' + encodeURIComponent(frame.session.id));
    } catch (err) {
      showAlert(error, errorText(err, 'The session could not be created.'));
      submit.disabled = false;
    }
  });
  card.append(form);
  (kindPlay.isConnected && isCase ? kindPlay : anonymous).focus();
}
