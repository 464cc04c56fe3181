// Oasis in the browser: signs the person in, keeps the websocket, and
// routes hash addresses (#/library, #/play/<id> …) to the page modules.
// The server serves this same page for "/", "/setup", "/join", "/join/CODE"
// and any other non-API path; /setup, /join?invite=… (an account invite)
// and /join/CODE (a group session's join link) are the paths that matter.

import { api } from './api.js';
import { Socket, socketURL } from './ws.js';
import * as pending from './pending.js';
import { el, clear, focusHeading } from './util.js';
import * as auth from './auth.js';
import * as library from './library.js';
import * as play from './play.js';
import * as casePage from './case.js';
import * as historyPage from './history.js';
import * as runView from './runview.js';
import * as admin from './admin.js';
import * as groups from './groups.js';
import * as groupPage from './group.js';
import * as coursesPage from './courses.js';
import * as coursePage from './course.js';
import * as certificatesPage from './certificates.js';
import * as staffPage from './staff.js';
import { isLeader, isGuest } from './grouputil.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const conn = document.getElementById('conn');

const ctx = {
  user: null,
  socket: new Socket(socketURL()),
  go: (hash) => {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  signedIn,
  // signInFor shows the sign-in form, going to hash once signed in.
  signInFor: (hash) => {
    history.replaceState(null, '', '/' + hash);
    show((root) => auth.signIn(root, ctx), 'Sign in');
  },
};

let cleanup = null;

const CONN_TEXT = { connecting: 'connecting…', connected: 'connected', reconnecting: 'reconnecting…' };
ctx.socket.addEventListener('status', (e) => {
  conn.textContent = CONN_TEXT[e.detail] || '';
  conn.dataset.state = e.detail;
  conn.hidden = e.detail === 'closed';
});
ctx.socket.addEventListener('message', (e) => pending.ack(e.detail));

// A websocket upgrade refused with 401 looks like any other failed
// connection from here, so after a few failures ask the API whether the
// session is still good, and show the sign-in form when it is not.
ctx.socket.addEventListener('failing', async (e) => {
  if (e.detail % 3 !== 0) return;
  try {
    await api.me();
  } catch (err) {
    if (err.status === 401) signedOut();
  }
});

document.getElementById('sign-out').addEventListener('click', async () => {
  try {
    await api.logout();
  } catch {
    // Signing out locally still protects a shared computer.
  }
  pending.clearAll();
  signedOut();
});

window.addEventListener('hashchange', () => route());

function signedIn(user, { hash } = {}) {
  ctx.user = user;
  document.getElementById('user-name').textContent = user.name;
  nav.querySelector('[data-admin]').hidden = user.role !== 'admin';
  nav.querySelector('[data-staff]').hidden = user.role !== 'admin';
  nav.querySelector('[data-trainer]').hidden = !isLeader(user);
  nav.querySelector('[data-join]').hidden = isLeader(user);
  // A guest is in one group session only: the library and history are not theirs.
  for (const li of nav.querySelectorAll('[data-member]')) li.hidden = isGuest(user);
  nav.hidden = false;
  ctx.socket.start();
  // Leave /setup or /join behind so a reload does not show their forms.
  const target = hash || location.hash || (isGuest(user) ? '#/join' : '#/library');
  if (location.pathname !== '/' || location.search) history.replaceState(null, '', '/' + target);
  else if (location.hash !== target) history.replaceState(null, '', target);
  route();
}

// signedOut shows the sign-in form, or for a join link (/join/CODE or
// #/join) the form to join a group session as a guest.
function signedOut(joinCode) {
  ctx.user = null;
  ctx.socket.stop();
  nav.hidden = true;
  const joining = joinCode !== undefined || /^#\/join(\/|$)/.test(location.hash);
  if (joining) {
    const code = joinCode ?? hashParts()[1] ?? '';
    history.replaceState(null, '', '/' + (code ? '#/join/' + encodeURIComponent(code) : '#/join'));
    show((root) => groups.guestJoin(root, ctx, code), 'Join a group session');
    return;
  }
  if (location.pathname !== '/' || location.search) history.replaceState(null, '', '/' + location.hash);
  show((root) => auth.signIn(root, ctx));
}

function hashParts() {
  return location.hash.replace(/^#\/?/, '').split('/').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
}

// show swaps the page: the old page's cleanup runs first so it stops
// listening to the socket.
function show(render, title) {
  if (cleanup) {
    try {
      cleanup();
    } catch {
      // A page that failed to clean up must not block the next one.
    }
  }
  cleanup = null;
  clear(main);
  const root = el('div', { class: 'page' });
  main.append(root);
  const result = render(root);
  if (typeof result === 'function') cleanup = result;
  if (title) document.title = title + ' · Oasis';
  markNav();
  focusHeading(root);
  window.scrollTo(0, 0);
}

function markNav() {
  const section = (location.hash.match(/^#\/([a-z]+)/) || [])[1] || 'library';
  const current = { play: 'library', case: 'library', run: 'history', group: isLeader(ctx.user) ? 'groups' : 'join' }[section] || section;
  for (const a of nav.querySelectorAll('a[data-route]')) {
    if (a.dataset.route === current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function route() {
  if (!ctx.user) return;
  const [page, id, sub] = hashParts();
  switch (page || (isGuest(ctx.user) ? 'join' : 'library')) {
    case 'library':
      return show((root) => library.render(root, ctx), 'Library');
    case 'play':
      return show((root) => play.render(root, ctx, id), 'Role play');
    case 'case':
      return show((root) => casePage.render(root, ctx, id), 'Practice case');
    case 'history':
      return show((root) => historyPage.render(root, ctx), 'History');
    case 'run':
      return show((root) => runView.render(root, ctx, id), 'Past run');
    case 'groups':
      return show((root) => groups.renderList(root, ctx), 'Group sessions');
    case 'join':
      return show((root) => groups.renderJoin(root, ctx, id || ''), 'Join a group session');
    case 'group':
      return show((root) => groupPage.render(root, ctx, id), 'Group session');
    case 'admin':
      if (ctx.user.role === 'admin') return show((root) => admin.render(root, ctx), 'Admin');
      return show((root) => notFound(root, 'Only an organisation’s admins can open this page.'), 'Admin');
    case 'staff':
      if (ctx.user.role === 'admin') return show((root) => staffPage.render(root, ctx), 'Staff training');
      return show((root) => notFound(root, 'Only an organisation’s admins can open this page.'), 'Staff training');
    case 'courses':
      if (isGuest(ctx.user)) return show((root) => notFound(root, 'Courses are for members of an organisation, not guests.'), 'Courses');
      if (id) return show((root) => coursePage.render(root, ctx, id, sub || ''), 'Course');
      return show((root) => coursesPage.render(root, ctx), 'Courses');
    case 'certificates':
      if (isGuest(ctx.user)) return show((root) => notFound(root, 'Certificates are for members of an organisation, not guests.'), 'Certificates');
      if (id) return show((root) => certificatesPage.renderOne(root, ctx, id), 'Certificate');
      return show((root) => certificatesPage.renderList(root, ctx), 'Certificates');
    default:
      return show((root) => notFound(root, 'There is no page at this address.'), 'Not found');
  }
}

function notFound(root, message) {
  root.append(
    el('h1', { text: 'Page not found' }),
    el('p', { text: message }),
    el('p', {}, el('a', { href: '#/library', text: 'Go to the library' })),
  );
}

async function boot() {
  const path = location.pathname.replace(/\/+$/, '');
  const query = new URLSearchParams(location.search);
  if (path === '/setup') return show((root) => auth.setup(root, ctx, query.get('token') || ''), 'Set up Oasis');
  if (path === '/join') return show((root) => auth.join(root, ctx, query.get('invite') || ''), 'Join Oasis');
  // A group session's join link, /join/CODE.
  let joinCode;
  const joinPath = path.match(/^\/join\/([^/]+)$/);
  if (joinPath) {
    try {
      joinCode = decodeURIComponent(joinPath[1]);
    } catch {
      joinCode = joinPath[1];
    }
  }
  try {
    const data = await api.me();
    signedIn(data.user, joinCode !== undefined ? { hash: '#/join/' + encodeURIComponent(joinCode) } : {});
  } catch (err) {
    if (err.status === 401) signedOut(joinCode);
    else show((root) => {
      root.append(
        el('h1', { text: 'Oasis is not reachable' }),
        el('p', { role: 'alert', text: err.message }),
        el('p', {}, el('button', { type: 'button', onclick: () => location.reload(), text: 'Try again' })),
      );
    }, 'Not reachable');
  }
}

boot();
