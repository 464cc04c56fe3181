// The admin page: invite colleagues and see who is in the organisation.

import { api } from './api.js';
import { el, field, alertBox, showAlert, formatDate, formatDateTime, capitalise, withArticle } from './util.js';

const ROLES = [
  ['trainee', 'Trainee: practises'],
  ['trainer', 'Trainer: practises and runs group sessions'],
  ['admin', 'Admin: everything, and invites people'],
];

export function render(root, ctx) {
  const role = el('select', { id: 'invite-role' }, ROLES.map(([v, label]) => el('option', { value: v, text: label })));
  const button = el('button', { type: 'submit', id: 'new-invite', class: 'primary', text: 'Create invite link' });
  const error = alertBox('invite-error');
  const result = el('div', { class: 'invite-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'card form-card', id: 'invite-form' },
    field('Role for the new person', role),
    el('div', { class: 'actions' }, button),
    error,
    result,
  );
  const members = el('div', { id: 'members' }, el('p', { class: 'hint', text: 'Loading members…' }));
  const membersError = alertBox('members-error');

  root.append(el('section', { id: 'admin', 'aria-labelledby': 'admin-title' },
    el('h1', { id: 'admin-title', text: `Admin: ${ctx.user.organisation?.name || 'your organisation'}` }),
    el('p', { class: 'admin-links' }, el('a', { id: 'admin-staff-link', href: '#/staff', text: 'Staff training and certificates' }), ': who is taking which course, and whose certificates expire soon.'),
    el('h2', { text: 'Invite someone' }),
    el('p', { text: 'An invite link works once and lasts 14 days. Send it to the person yourself, by email or chat.' }),
    form,
    el('h2', { text: 'Members' }),
    membersError,
    members,
  ));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showAlert(error, '');
    button.disabled = true;
    try {
      const data = await api.newInvite(role.value);
      showInvite(result, data.invite);
      loadMembers();
    } catch (err) {
      showAlert(error, err.message);
    } finally {
      button.disabled = false;
    }
  });

  const loadMembers = () => api.members().then((data) => {
    members.replaceChildren(memberTable(data.members || []));
  }, (err) => showAlert(membersError, err.message));
  loadMembers();
}

function showInvite(slot, invite) {
  // An <output>: its value and its text are both the link, and it reads
  // as the result of the button that made it.
  const link = el('output', { id: 'invite-link', class: 'invite-link', for: 'new-invite', text: invite.link });
  const copied = el('span', { class: 'copied', role: 'status' });
  const copy = el('button', { type: 'button', id: 'copy-invite', text: 'Copy link' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(invite.link);
      copied.textContent = 'Copied.';
    } catch {
      // No clipboard access (an insecure origin, or refused): select the
      // text so the person can copy it themselves.
      window.getSelection().selectAllChildren(link);
      copied.textContent = 'Press Ctrl+C (or ⌘C) to copy.';
    }
  });
  slot.replaceChildren(
    el('p', { text: `${capitalise(withArticle(invite.role))} invite, valid until ${formatDate(invite.expires_at)}:` }),
    el('label', { for: 'invite-link', class: 'invite-label', text: 'Invite link' }),
    el('div', { class: 'copy-row' }, link, copy),
    copied,
  );
  copy.focus();
}

function memberTable(list) {
  if (!list.length) return el('p', { class: 'hint', text: 'No members yet.' });
  // On a phone the table scrolls sideways in its own box, not the page.
  return el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Members (scrolls sideways on a narrow screen)' }, el('table', { class: 'members-table' },
    el('caption', { class: 'visually-hidden', text: 'Members of the organisation' }),
    el('thead', {}, el('tr', {}, ['Name', 'Email', 'Role', 'Joined', 'Runs'].map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, list.map((m) => el('tr', { class: 'member', 'data-id': m.id },
      el('th', { scope: 'row', text: m.name }),
      el('td', { text: m.email }),
      el('td', { text: capitalise(m.role) }),
      el('td', { text: formatDate(m.created_at), title: formatDateTime(m.created_at) }),
      el('td', { class: 'num', text: String(m.runs ?? 0) }),
    ))),
  ));
}
