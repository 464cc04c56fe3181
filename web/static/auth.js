// Signing in, first-run setup (/setup?token=…) and joining by invite
// (/join?invite=…).

import { api } from './api.js';
import { el, field, alertBox, showAlert, formatDate, withArticle } from './util.js';

function input(id, type, autocomplete, extra = {}) {
  return el('input', { id, name: id, type, autocomplete, required: true, ...extra });
}

// submitting wires a form: the button is disabled while the request runs,
// and a failure shows the server's message in the form's alert.
function submitting(form, errorBox, action) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector('button[type=submit]');
    showAlert(errorBox, '');
    button.disabled = true;
    try {
      await action();
    } catch (err) {
      showAlert(errorBox, err.message || 'Something went wrong. Please try again.');
      button.disabled = false;
    }
  });
}

export function signIn(root, ctx) {
  const email = input('login-email', 'email', 'username');
  const password = input('login-password', 'password', 'current-password');
  const error = alertBox('login-error');
  const form = el('form', { id: 'sign-in-form', class: 'card form-card', novalidate: false },
    field('Email', email),
    field('Password', password),
    error,
    el('button', { type: 'submit', class: 'primary', text: 'Sign in' }),
  );
  root.append(
    el('h1', { text: 'Sign in to Oasis' }),
    el('p', { class: 'lede', text: 'Practise strengths-based conversations with people who react to what you say, and get feedback on every response.' }),
    form,
    el('p', { class: 'hint', text: 'New here? Ask your organisation’s admin for an invite link.' }),
  );
  submitting(form, error, async () => {
    const data = await api.login(email.value.trim(), password.value);
    ctx.signedIn(data.user, { hash: location.hash || '#/library' });
  });
}

export function setup(root, ctx, token) {
  root.append(el('h1', { text: 'Set up Oasis' }));
  if (!token) {
    root.append(el('p', { role: 'alert', class: 'alert', text: 'This setup link has no token. Use the full link the server printed when it first started.' }));
    return;
  }
  const org = input('setup-organisation', 'text', 'organization');
  const name = input('setup-name', 'text', 'name');
  const email = input('setup-email', 'email', 'email');
  const password = input('setup-password', 'password', 'new-password', { minlength: 10 });
  const error = alertBox('setup-error');
  const form = el('form', { id: 'setup-form', class: 'card form-card' },
    field('Organisation', org, 'The service or team whose staff will practise here.'),
    field('Your name', name),
    field('Email', email),
    field('Password', password, 'At least 10 characters. A few words you will remember works well.'),
    error,
    el('button', { type: 'submit', class: 'primary', text: 'Create organisation' }),
  );
  root.append(
    el('p', { class: 'lede', text: 'This link creates your organisation and your own admin account. It works once; after that you invite your colleagues from the Admin page.' }),
    form,
  );
  submitting(form, error, async () => {
    const data = await api.setup({
      token,
      organisation: org.value.trim(),
      name: name.value.trim(),
      email: email.value.trim(),
      password: password.value,
    });
    ctx.signedIn(data.user, { hash: '#/library' });
  });
}

export function join(root, ctx, token) {
  root.append(el('h1', { text: 'Join Oasis' }));
  const about = el('p', { class: 'lede', text: 'Checking your invite…' });
  root.append(about);
  const invalid = () => {
    about.replaceWith(
      el('p', { class: 'alert', role: 'alert', text: 'This invite link is not valid any more: it may have been used already or have expired. Ask your organisation’s admin for a new one.' }),
      el('p', {}, el('a', { href: '/', text: 'Sign in with an existing account' })),
    );
  };
  if (!token) {
    invalid();
    return;
  }
  api.invite(token).then((data) => {
    const inv = data.invite;
    about.textContent = `You have been invited to join ${inv.organisation} as ${withArticle(inv.role)}.` +
      (inv.expires_at ? ` The invite is valid until ${formatDate(inv.expires_at)}.` : '');
    root.append(signupForm(ctx, token));
  }, (err) => {
    if (err.status === 404) invalid();
    else about.replaceWith(el('p', { class: 'alert', role: 'alert', text: err.message }));
  });
}

function signupForm(ctx, token) {
  const name = input('signup-name', 'text', 'name');
  const email = input('signup-email', 'email', 'email');
  const password = input('signup-password', 'password', 'new-password', { minlength: 10 });
  const error = alertBox('signup-error');
  const form = el('form', { id: 'signup-form', class: 'card form-card' },
    field('Your name', name),
    field('Email', email),
    field('Password', password, 'At least 10 characters. A few words you will remember works well.'),
    error,
    el('button', { type: 'submit', class: 'primary', text: 'Create my account' }),
  );
  submitting(form, error, async () => {
    const data = await api.signup({ invite: token, name: name.value.trim(), email: email.value.trim(), password: password.value });
    ctx.signedIn(data.user, { hash: '#/library' });
  });
  return form;
}
