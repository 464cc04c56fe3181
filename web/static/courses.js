// The course list, #/courses: every course with the caller's progress,
// what it requires, and its certificate if there is one.

import { api } from './api.js';
import { el, alertBox, showAlert, capitalise, words } from './util.js';
import { progressBar, requirementsText, certLine, num, plural } from './courseutil.js';

export function render(root, ctx) {
  const error = alertBox('courses-error');
  const list = el('ul', { id: 'course-list', class: 'cards course-cards', 'aria-busy': 'true' });
  root.append(el('section', { id: 'courses', 'aria-labelledby': 'courses-title' },
    el('h1', { id: 'courses-title', text: 'Courses' }),
    el('p', { class: 'lede', text: 'Each course has short lessons, a quiz for every module and role plays or practice cases to pass. Finish every module and you get a certificate your organisation can check.' }),
    error,
    list,
  ));

  api.courses().then((data) => {
    const courses = data?.courses || [];
    list.removeAttribute('aria-busy');
    if (!courses.length) {
      list.append(el('li', { class: 'empty', text: 'There are no courses yet.' }));
      return;
    }
    const titles = new Map(courses.map((c) => [c.id, c.title]));
    list.append(...courses.map((c) => card(ctx, c, titles)));
  }, (err) => {
    list.removeAttribute('aria-busy');
    showAlert(error, err.message);
  });
}

function card(ctx, c, titles) {
  const titleId = 'course-title-' + c.id;
  const error = alertBox('course-error-' + c.id);
  const progress = c.progress || {};
  const cert = c.certificate || null;
  const requires = c.requires || [];
  const actions = el('div', { class: 'actions' });

  const node = el('li', {
    class: 'card course-card' + (c.locked ? ' is-locked' : '') + (progress.complete ? ' is-complete' : ''),
    'data-id': c.id, 'data-locked': c.locked ? 'true' : 'false',
  },
  el('p', { class: 'kind', text: ['Course', c.level ? capitalise(words(c.level)) : ''].filter(Boolean).join(' · ') }),
  el('h2', { id: titleId, text: c.title || c.id }),
  c.summary ? el('p', { class: 'summary', text: c.summary }) : null,
  el('dl', { class: 'facts' },
    fact('Level', c.level ? capitalise(words(c.level)) : '–'),
    fact('Modules', c.modules === null || c.modules === undefined ? '–' : String(c.modules)),
  ),
  requires.length ? requiresList(requires, titles) : null,
  progressBar({
    cls: 'course-progress', value: progress.done, max: progress.total,
    label: `Progress in ${c.title || c.id}`, text: requirementsText(progress),
  }),
  cert ? el('p', { class: 'course-certificate', 'data-status': cert.status || '' }, certLine(cert)) : null,
  );

  if (c.locked) {
    const missing = requires.filter((r) => !r.met);
    node.append(el('p', { class: 'locked-note' },
      el('strong', { text: 'Locked. ' }),
      missing.length
        ? [`You need a valid certificate in ${missing.length === 1 ? '' : 'each of '}`, joinLinks(missing.map((r) => courseLink(r, titles))), ' first.']
        : 'A course it requires needs a valid certificate first.'));
  } else {
    actions.append(startButton(ctx, c, cert, titleId, error));
    if (cert && (cert.status === 'valid' || cert.status === 'expiring')) {
      actions.append(el('a', { class: 'open-course', href: '#/courses/' + encodeURIComponent(c.id), 'aria-describedby': titleId,
        text: cert.status === 'expiring' ? 'Renew: open the course' : 'Open the course' }));
    }
    node.append(actions);
  }
  node.append(error);
  return node;
}

// startButton is a link: "View certificate" when there is a good one,
// "Continue" once started, "Start" before (which enrols first).
function startButton(ctx, c, cert, titleId, error) {
  const progress = c.progress || {};
  const certified = cert && cert.id && (cert.status === 'valid' || cert.status === 'expiring');
  if (certified) {
    return el('a', { class: 'start-course button-link', href: '#/certificates/' + encodeURIComponent(cert.id), 'aria-describedby': titleId, text: 'View certificate' });
  }
  const started = c.enrolled || num(progress.done) > 0;
  const href = '#/courses/' + encodeURIComponent(c.id);
  const link = el('a', { class: 'start-course button-link primary', href, 'aria-describedby': titleId, text: started ? 'Continue' : 'Start' });
  if (!started) {
    link.addEventListener('click', async (e) => {
      e.preventDefault();
      if (link.getAttribute('aria-disabled') === 'true') return;
      link.setAttribute('aria-disabled', 'true');
      showAlert(error, '');
      try {
        await api.enroll(c.id);
        ctx.go(href);
      } catch (err) {
        showAlert(error, err.message);
        link.removeAttribute('aria-disabled');
      }
    });
  }
  return link;
}

function requiresList(requires, titles) {
  return el('div', { class: 'requires' },
    el('p', { class: 'requires-title', text: `Requires ${plural(requires.length, 'certificate')}:` }),
    el('ul', {}, requires.map((r) => el('li', { class: 'requirement ' + (r.met ? 'ok' : 'not-ok'), 'data-met': r.met ? 'true' : 'false' },
      el('span', { class: 'mark', 'aria-hidden': 'true', text: r.met ? '✓' : '✗' }),
      ' ', courseLink(r, titles), ' ',
      el('span', { class: 'requirement-state', text: r.met ? '(met)' : '(not met yet)' })))));
}

function courseLink(r, titles) {
  return el('a', { href: '#/courses/' + encodeURIComponent(r.id), text: r.title || titles.get(r.id) || r.id });
}

function joinLinks(links) {
  const out = [];
  links.forEach((l, i) => {
    if (i > 0) out.push(i === links.length - 1 ? ' and ' : ', ');
    out.push(l);
  });
  return out;
}

function fact(term, value) {
  return el('div', {}, el('dt', { text: term }), el('dd', { text: value }));
}
