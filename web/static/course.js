// One course, #/courses/ID and #/courses/ID/MODULE: the course's progress,
// its modules, and the selected module's lesson, quiz and practice
// requirements (by default the first module not yet complete). A quiz
// attempt redraws the page from the course the server sends back, so the
// progress bars, done marks and the completion banner follow at once.

import { api } from './api.js';
import { el, alertBox, showAlert, serverHTML, capitalise, words, formatDate, RATINGS } from './util.js';
import { startRun } from './start.js';
import { progressBar, requirementsText, certLine, num, plural, KINDS, PRACTICE_MODES } from './courseutil.js';

export function render(root, ctx, courseId, moduleId) {
  const title = el('h1', { id: 'course-title', text: 'Course' });
  const error = alertBox('course-error');
  const body = el('div', { class: 'course-body' }, el('p', { class: 'loading', text: 'Loading the course…' }));
  root.append(el('section', { id: 'course', 'aria-labelledby': 'course-title' },
    el('p', { class: 'crumbs' }, el('a', { href: '#/courses', text: 'All courses' })),
    title,
    error,
    body,
  ));

  const page = {
    ctx, course: null, moduleId: moduleId || '', title, body, error,
    // The latest quiz attempt per module on this visit, so its result
    // stays on the page when the page is redrawn.
    attempts: new Map(),
  };

  api.course(courseId).then((data) => {
    page.course = data?.course || data;
    if (!page.course || !page.course.id) throw new Error('The server sent no course.');
    draw(page);
    // A module chosen from the list: start reading at its heading.
    if (moduleId) document.getElementById('module-title')?.focus();
  }).catch((err) => {
    body.replaceChildren(el('p', {}, el('a', { href: '#/courses', text: 'Back to all courses' })));
    if (err.status === 404) title.textContent = 'Course not found';
    showAlert(error, err.message || 'The course could not be loaded.');
  });
}

// selectedModule is the module in the address, else the first one not yet
// complete, else the first.
function selectedModule(page) {
  const modules = page.course.modules || [];
  return modules.find((m) => m.id === page.moduleId)
    || modules.find((m) => !m.complete)
    || modules[0]
    || null;
}

function draw(page) {
  const c = page.course;
  page.title.textContent = c.title || c.id;
  document.title = (c.title || 'Course') + ' · Oasis';
  const mod = selectedModule(page);
  const modules = c.modules || [];
  // replaceChildren would write a null as the text "null": leave them out.
  page.body.replaceChildren(...[
    el('p', { class: 'kind', text: ['Course', c.level ? capitalise(words(c.level)) : '', plural(modules.length, 'module')].filter(Boolean).join(' · ') }),
    c.summary ? el('p', { class: 'lede', text: c.summary }) : null,
    c.locked ? lockedNotice(c) : null,
    !c.locked && !c.enrolled && !c.progress?.complete ? enrollNotice(page) : null,
    el('div', { class: 'course-progress-block' },
      el('p', { class: 'progress-title', text: 'Your progress in this course' }),
      progressBar({ id: 'course-progress', cls: 'course-progress', value: c.progress?.done, max: c.progress?.total, label: 'Your progress in this course', text: requirementsText(c.progress) }),
    ),
    c.progress?.complete ? completeBanner(c, page) : certificateNote(c),
    c.renewal ? renewalPointer(c) : null,
    modules.length
      ? el('div', { class: 'course-layout' }, moduleNav(c, mod), moduleView(page, mod))
      : el('p', { class: 'empty', text: 'This course has no modules yet.' }),
    c.renewal ? renewalSection(page) : null,
  ].filter(Boolean));
  fixLessonIds(page.body);
}

// --- notices ---------------------------------------------------------------

function lockedNotice(c) {
  const missing = (c.requires || []).filter((r) => !r.met);
  const list = missing.length ? missing : c.requires || [];
  return el('div', { id: 'course-locked', class: 'notice-box locked-note', role: 'note' },
    el('h2', { text: 'This course is locked' }),
    el('p', { text: list.length
      ? `It builds on ${list.length === 1 ? 'another course' : 'other courses'}. You need a valid certificate in ${list.length === 1 ? 'this course' : 'each of these'} before you can take its quizzes and practice:`
      : 'It needs a valid certificate in another course first.' }),
    list.length ? el('ul', {}, list.map((r) => el('li', { 'data-met': r.met ? 'true' : 'false' },
      el('a', { href: '#/courses/' + encodeURIComponent(r.id), text: r.title || r.id }),
      r.met ? ' (met)' : ' (not met yet)'))) : null,
    el('p', { class: 'hint', text: 'You can still read the lessons.' }),
  );
}

function enrollNotice(page) {
  const c = page.course;
  const error = alertBox('course-enroll-error');
  const button = el('button', { type: 'button', id: 'course-enroll', text: 'Add to my courses' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    showAlert(error, '');
    try {
      const data = await api.enroll(c.id);
      page.course = data?.course || { ...c, enrolled: true };
      draw(page);
      document.getElementById('course-progress')?.focus();
    } catch (err) {
      showAlert(error, err.message);
      button.disabled = false;
    }
  });
  return el('div', { class: 'notice-box enroll-note' },
    el('p', { text: 'You are not enrolled in this course yet. Enrolling lets your organisation see that you are taking it; answering a quiz enrols you too.' }),
    el('div', { class: 'actions' }, button),
    error,
  );
}

function completeBanner(c, page) {
  const certId = c.certificate?.id || [...page.attempts.values()].map((a) => a.certificate?.id).find(Boolean);
  return el('div', { id: 'course-complete', class: 'complete', role: 'status' },
    el('h2', { text: '✓ Course complete' }),
    el('p', { text: 'You have completed every module of this course.' }),
    c.certificate ? el('p', {}, certLine(c.certificate)) : null,
    certId
      ? el('p', {}, el('a', { id: 'course-certificate-link', class: 'button-link primary', href: '#/certificates/' + encodeURIComponent(certId), text: 'View your certificate' }))
      : el('p', { class: 'hint', text: 'Your certificate will appear under Certificates.' }),
  );
}

function certificateNote(c) {
  const cert = c.certificate;
  if (!cert) return null;
  return el('p', { class: 'course-certificate', 'data-status': cert.status || '' },
    certLine(cert), ' ',
    cert.id ? el('a', { href: '#/certificates/' + encodeURIComponent(cert.id), text: 'View the certificate' }) : null);
}

function renewalPointer(c) {
  // The link's address is the course itself (a new tab opens the course);
  // a click scrolls to the renewal section below.
  const link = el('a', { href: '#/courses/' + encodeURIComponent(c.id), text: 'See what renewal asks for' });
  link.addEventListener('click', (e) => {
    e.preventDefault();
    scrollToNode(document.getElementById('renewal-title'));
  });
  return el('p', { class: 'renewal-pointer' }, el('strong', { text: 'Renewal is open. ' }), link, '.');
}

// --- module list -----------------------------------------------------------

function moduleNav(c, current) {
  const modules = c.modules || [];
  return el('nav', { class: 'module-nav', 'aria-labelledby': 'modules-title' },
    el('h2', { id: 'modules-title', text: 'Modules' }),
    el('ol', { id: 'module-list', class: 'module-list' }, modules.map((m, i) => {
      const isCurrent = current && m.id === current.id;
      const done = num(m.done);
      const total = num(m.total);
      return el('li', { class: 'module-item' + (m.complete ? ' is-complete' : '') + (isCurrent ? ' is-current' : ''), 'data-module': m.id },
        el('a', {
          class: 'module-link', 'data-module': m.id, 'aria-current': isCurrent ? 'page' : null,
          href: '#/courses/' + encodeURIComponent(c.id) + '/' + encodeURIComponent(m.id),
        },
        el('span', { class: 'module-number', text: `Module ${i + 1}` }),
        el('span', { class: 'module-name', text: m.title || m.id }),
        m.complete
          ? el('span', { class: 'module-done', text: '✓ Done' })
          : el('span', { class: 'module-todo', text: `${done} of ${total} done` })),
        progressBar({ cls: 'module-progress', value: done, max: total, small: true,
          label: `Progress in module ${i + 1}`, text: `${done} of ${plural(total, 'requirement')}` }),
      );
    })),
  );
}

// --- the selected module -----------------------------------------------------

function moduleView(page, m) {
  const c = page.course;
  const modules = c.modules || [];
  const index = modules.indexOf(m);
  const lesson = el('div', { id: 'lesson', class: 'lesson prose' });
  // lesson_html is Markdown the server rendered from the course's own files
  // with raw HTML switched off, so it is trusted markup: the one place this
  // page sets innerHTML (through serverHTML, the helper for *_html fields).
  serverHTML(lesson, m.lesson_html);
  tidyLesson(lesson);

  const article = el('article', { id: 'module', class: 'module', 'data-module': m.id, 'aria-labelledby': 'module-title' },
    el('p', { class: 'kind', text: `Module ${index + 1} of ${modules.length}` }),
    el('h2', { id: 'module-title', tabindex: '-1', text: m.title || m.id }),
    el('p', { class: 'module-status' + (m.complete ? ' is-complete' : '') }, m.complete
      ? el('strong', { text: '✓ Module complete.' })
      : `${num(m.done)} of ${plural(num(m.total), 'requirement')} done in this module.`,
      num(m.words) > 0 ? el('span', { class: 'reading-time', text: ` About ${plural(Math.max(1, Math.round(num(m.words) / 200)), 'minute')} of reading.` }) : null),
    toc(c, m, lesson),
    lesson,
    quizSection(page, m),
    practiceSection(page, m),
    pager(c, index),
  );
  lesson.addEventListener('click', (e) => {
    // An in-page link in a lesson ("#some-heading") would otherwise replace
    // the page's route; scroll to its target instead.
    const a = e.target.closest('a[href^="#"]');
    if (!a || a.getAttribute('href').startsWith('#/')) return;
    e.preventDefault();
    let anchor = a.getAttribute('href').slice(1);
    try {
      anchor = decodeURIComponent(anchor);
    } catch {
      // keep it as it is
    }
    scrollToNode(anchorTarget(lesson, anchor));
  });
  return article;
}

// tidyLesson fits the lesson's markup into the page: its title (an h1)
// becomes an h2, since the page's h1 is the course's, and its sections stay
// h2 and below, level with the module's own heading, the quiz and the
// practice; every id is remembered in data-anchor (fixLessonIds may rename
// one); wide tables scroll sideways on their own.
function tidyLesson(lesson) {
  for (const node of lesson.querySelectorAll('[id]')) node.dataset.anchor = node.id;
  for (const h of lesson.querySelectorAll('h1')) {
    const n = document.createElement('h2');
    for (const attr of h.attributes) n.setAttribute(attr.name, attr.value);
    n.classList.add('lesson-title');
    n.append(...h.childNodes);
    h.replaceWith(n);
  }
  for (const table of lesson.querySelectorAll('table')) {
    const wrap = el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Table (scrolls sideways on a narrow screen)' });
    table.replaceWith(wrap);
    wrap.append(table);
  }
}

// fixLessonIds renames a lesson id that the page already uses (a lesson
// heading called "Quiz" would otherwise take #quiz), once the page is in
// the document.
function fixLessonIds(container) {
  for (const node of container.querySelectorAll('#lesson [id]')) {
    if (document.querySelectorAll('[id="' + CSS.escape(node.id) + '"]').length > 1) node.id = 'lesson-' + node.id;
  }
}

function anchorTarget(lesson, anchor) {
  return lesson.querySelector('[data-anchor="' + CSS.escape(anchor) + '"]');
}

function scrollToNode(node) {
  if (!node) return;
  node.scrollIntoView({ block: 'start' });
  if (!node.hasAttribute('tabindex')) node.setAttribute('tabindex', '-1');
  node.focus({ preventScroll: true });
}

// toc lists the lesson's section headings. The links keep the module's
// own route as their address (so opening one in a new tab works) and
// scroll within the page when clicked.
function toc(c, m, lesson) {
  const headings = (m.headings || []).filter((h) => h && h.id && num(h.level, 2) >= 2 && num(h.level, 2) <= 3);
  if (!headings.length) return null;
  const href = '#/courses/' + encodeURIComponent(c.id) + '/' + encodeURIComponent(m.id);
  return el('nav', { class: 'toc', 'aria-labelledby': 'toc-title' },
    el('h3', { id: 'toc-title', class: 'toc-title', text: 'In this lesson' }),
    el('ul', {}, headings.map((h) => {
      const a = el('a', { href, class: 'toc-link', 'data-target': h.id, text: h.text || h.id });
      a.addEventListener('click', (e) => {
        e.preventDefault();
        scrollToNode(anchorTarget(lesson, h.id));
      });
      return el('li', { class: 'toc-level-' + num(h.level, 2) }, a);
    })),
  );
}

function pager(c, index) {
  const modules = c.modules || [];
  const link = (m, label, cls) => el('a', {
    class: 'pager-link ' + cls,
    href: '#/courses/' + encodeURIComponent(c.id) + '/' + encodeURIComponent(m.id),
  }, el('span', { class: 'pager-label', text: label }), ' ', m.title || m.id);
  const prev = index > 0 ? modules[index - 1] : null;
  const next = index >= 0 && index < modules.length - 1 ? modules[index + 1] : null;
  if (!prev && !next) return null;
  return el('nav', { class: 'module-pager', 'aria-label': 'Previous and next module' },
    prev ? link(prev, '← Previous:', 'pager-prev') : el('span'),
    next ? link(next, 'Next:', 'pager-next') : null);
}

// --- quiz ------------------------------------------------------------------

function quizSection(page, m) {
  const c = page.course;
  const quiz = m.quiz;
  const section = el('section', { class: 'quiz-section', 'aria-labelledby': 'quiz-title' },
    el('h2', { id: 'quiz-title', text: 'Quiz' }));
  const questions = quiz?.questions || [];
  if (!questions.length) {
    section.append(el('p', { class: 'hint', text: 'This module has no quiz.' }));
    return section;
  }
  const pass = num(quiz.pass, 0);
  section.append(
    el('p', { class: 'hint', text: `${plural(questions.length, 'question')}. You pass with ${pass}% or more. Your best attempt counts, and you can try again as often as you like.` }),
    bestLine(quiz.best, pass),
  );

  const rec = page.attempts.get(m.id);
  const chosen = new Map((rec?.attempt?.results || []).map((r) => [r.id, r.chosen]));
  const error = alertBox('quiz-error');
  const form = el('form', { id: 'quiz', class: 'quiz', 'aria-labelledby': 'quiz-title', novalidate: true });
  questions.forEach((q, qi) => {
    const legendId = `quiz-${q.id}-legend`;
    const fs = el('fieldset', { class: 'quiz-question', 'data-question': q.id, 'aria-describedby': `quiz-${q.id}-note` },
      el('legend', { id: legendId },
        el('span', { class: 'quiz-number', text: `Question ${qi + 1} of ${questions.length}: ` }), q.prompt || ''));
    (q.options || []).forEach((text, i) => {
      const rid = `quiz-${q.id}-${i}`;
      fs.append(el('div', { class: 'choice' },
        el('input', { type: 'radio', id: rid, name: 'quiz-' + q.id, value: String(i), checked: chosen.get(q.id) === i, disabled: !!c.locked }),
        el('label', { for: rid, text: typeof text === 'string' ? text : text?.text || '' })));
    });
    fs.append(el('p', { id: `quiz-${q.id}-note`, class: 'unanswered-note', hidden: true, text: 'Not answered yet.' }));
    form.append(fs);
  });
  form.addEventListener('change', (e) => {
    const fs = e.target.closest('.quiz-question');
    if (fs) markUnanswered(fs, false);
  });

  if (c.locked) {
    form.append(el('p', { class: 'hint', text: 'You can take this quiz once the course is unlocked.' }));
    section.append(form, quizResult(m, rec));
    return section;
  }

  const button = el('button', { type: 'submit', id: 'quiz-submit', class: 'primary', text: rec ? 'Check my answers again' : 'Check my answers' });
  form.append(error, el('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (button.disabled) return;
    showAlert(error, '');
    const answers = {};
    const missing = [];
    questions.forEach((q, qi) => {
      const fs = form.querySelector(`.quiz-question[data-question="${CSS.escape(q.id)}"]`);
      const picked = fs?.querySelector('input[type=radio]:checked');
      if (picked) answers[q.id] = Number(picked.value);
      else missing.push({ q, qi, fs });
      if (fs) markUnanswered(fs, !picked);
    });
    if (missing.length) {
      const which = missing.map((x) => String(x.qi + 1));
      const list = which.length === 1 ? which[0] : which.slice(0, -1).join(', ') + ' and ' + which[which.length - 1];
      showAlert(error, `Answer every question before you check: ${missing.length === 1 ? 'question' : 'questions'} ${list} ${missing.length === 1 ? 'has' : 'have'} no answer yet.`);
      missing[0].fs?.querySelector('input[type=radio]')?.focus();
      return;
    }
    button.disabled = true;
    button.textContent = 'Checking…';
    try {
      const data = await api.quiz(c.id, m.id, answers);
      page.attempts.set(m.id, { attempt: data?.attempt || null, certificate: data?.certificate || null });
      if (data?.course?.id) page.course = data.course;
      page.moduleId = m.id;
      draw(page);
      document.getElementById('quiz-result')?.focus();
    } catch (err) {
      showAlert(error, err.message);
      button.disabled = false;
      button.textContent = rec ? 'Check my answers again' : 'Check my answers';
    }
  });

  section.append(form, quizResult(m, rec));
  return section;
}

function markUnanswered(fs, on) {
  fs.classList.toggle('unanswered', on);
  const note = fs.querySelector('.unanswered-note');
  if (note) note.hidden = !on;
}

function bestLine(best, pass) {
  if (!best) return el('p', { id: 'quiz-best', class: 'quiz-best', text: 'You have not taken this quiz yet.' });
  return el('p', { id: 'quiz-best', class: 'quiz-best', 'data-passed': best.passed ? 'true' : 'false' },
    el('strong', { text: 'Your best attempt: ' }),
    `${num(best.score)}%, ${best.passed ? '✓ passed' : `✗ not passed yet (you need ${pass}%)`}`,
    best.at ? ` · ${formatDate(best.at)}` : '');
}

// quizResult shows the attempt just made: the score, passed or not, and
// for every question whether it was right, with the explanations.
function quizResult(m, rec) {
  const box = el('div', { id: 'quiz-result', class: 'quiz-result', tabindex: '-1', 'aria-labelledby': 'quiz-result-title', hidden: !rec?.attempt });
  const a = rec?.attempt;
  if (!a) return box;
  const questions = m.quiz?.questions || [];
  const byId = new Map(questions.map((q) => [q.id, q]));
  const optionText = (q, i) => {
    const o = q?.options?.[i];
    return typeof o === 'string' ? o : o?.text || (i === null || i === undefined ? '' : `Option ${num(i) + 1}`);
  };
  const results = a.results || [];
  const right = results.filter((r) => r.correct).length;
  box.classList.add(a.passed ? 'is-passed' : 'is-not-passed');
  box.append(
    el('h3', { id: 'quiz-result-title', text: 'Your result' }),
    el('p', { class: 'quiz-score', 'data-passed': a.passed ? 'true' : 'false' },
      el('strong', { text: a.passed ? '✓ Passed. ' : '✗ Not passed yet. ' }),
      `You scored ${num(a.score)}%` + (results.length ? ` (${right} of ${results.length} right)` : '') + `; the pass mark is ${num(m.quiz?.pass)}%.`),
  );
  if (rec.certificate?.id) {
    box.append(el('p', { class: 'quiz-certificate' },
      el('strong', { text: 'That completed the course. ' }), 'Your certificate has been issued: ',
      el('a', { href: '#/certificates/' + encodeURIComponent(rec.certificate.id), text: 'view your certificate' }), '.'));
  } else if (!a.passed) {
    box.append(el('p', { text: 'Read the explanations below, look back at the lesson, and try again.' }));
  }
  box.append(el('ol', { class: 'quiz-answers' }, results.map((r) => {
    const q = byId.get(r.id);
    return el('li', { class: 'quiz-answer item ' + (r.correct ? 'ok' : 'not-ok'), 'data-question': r.id, 'data-correct': r.correct ? 'true' : 'false' },
      el('span', { class: 'mark', 'aria-hidden': 'true', text: r.correct ? '✓' : '✗' }),
      el('p', { class: 'quiz-answer-head' },
        el('strong', { class: 'quiz-verdict', text: r.correct ? 'Right. ' : 'Wrong. ' }),
        q?.prompt || r.id),
      el('p', { class: 'quiz-chosen' },
        el('span', { class: 'item-label', text: 'Your answer: ' }), `“${optionText(q, r.chosen)}”`,
        r.explanation ? ' ' + r.explanation : ''),
      r.correct ? null : el('p', { class: 'quiz-right-answer' },
        el('span', { class: 'item-label', text: 'The right answer: ' }), `“${optionText(q, r.answer)}”`,
        r.answer_explanation ? ' ' + r.answer_explanation : ''),
    );
  })));
  return box;
}

// --- practice --------------------------------------------------------------

function practiceSection(page, m) {
  const items = m.practice || [];
  if (!items.length) return null;
  return el('section', { class: 'practice-section', 'aria-labelledby': 'practice-title' },
    el('h2', { id: 'practice-title', text: 'Practice' }),
    el('p', { class: 'hint', text: 'Each of these needs one run that meets every criterion. Practise as often as you like: a run that meets them counts.' }),
    el('ul', { class: 'practice-list' }, items.map((p) => practiceItem(page, p, 'module'))),
  );
}

function renewalSection(page) {
  const r = page.course.renewal;
  const items = r.practice || [];
  const opens = formatDate(r.opens);
  const expires = formatDate(r.expires);
  return el('section', { id: 'renewal', class: 'renewal', 'aria-labelledby': 'renewal-title' },
    el('h2', { id: 'renewal-title', text: 'Renew your certificate' }),
    el('p', { text: [
      opens ? `Renewal ${new Date(r.opens) > new Date() ? 'opens' : 'opened'} on ${opens}.` : '',
      expires ? `Your certificate expires on ${expires}.` : '',
      'To renew it, make fresh runs that meet these requirements again; you do not need to take the whole course again.',
    ].filter(Boolean).join(' ') }),
    items.length
      ? el('ul', { class: 'practice-list' }, items.map((p) => practiceItem(page, p, 'renewal')))
      : el('p', { class: 'hint', text: 'Renewal asks for nothing more: your certificate will be renewed.' }),
  );
}

// practiceItem is one practice requirement: the scenario, its criteria,
// whether it is met (or the closest attempt and what it missed), and a
// button that starts the scenario as the library does.
function practiceItem(page, p, where) {
  const c = page.course;
  const titleId = `${where}-practice-${p.id}-title`;
  const error = alertBox(`${where}-practice-${p.id}-error`);
  const criteria = p.criteria || [];
  const best = p.best || null;
  const node = el('li', { class: 'card practice' + (p.met ? ' is-met' : ''), 'data-practice': p.id, 'data-met': p.met ? 'true' : 'false', 'data-scenario': p.scenario || '' },
    el('p', { class: 'kind', text: [KINDS[p.kind] || capitalise(words(p.kind)), PRACTICE_MODES[p.mode || 'any'] || capitalise(words(p.mode))].filter(Boolean).join(' · ') }),
    el('h3', { id: titleId, text: p.title || p.scenario || p.id }),
    el('p', { class: 'criteria-title', text: 'To pass:' }),
    criteria.length
      ? el('ul', { class: 'criteria' }, criteria.map((x) => el('li', { text: x })))
      : el('p', { class: 'criteria-none', text: p.kind === 'case' ? 'Pass every task of the case.' : 'Play it through to the end.' }),
  );

  if (p.met) {
    node.append(el('p', { class: 'practice-met' },
      el('strong', { text: '✓ Met' }),
      best?.ended_at ? ` on ${formatDate(best.ended_at)}` : '',
      best?.run_id ? [' · ', el('a', { href: '#/run/' + encodeURIComponent(best.run_id), text: 'see the run' })] : ''));
  } else if (best) {
    const facts = [
      best.ended_at ? formatDate(best.ended_at) : '',
      best.outcome ? `${best.outcome}${best.rating ? ' (' + (RATINGS[best.rating] || best.rating) + ')' : ''}` : '',
      // A practice case counts tasks passed; a role play has scores.
      best.tasks_total ? `${num(best.tasks_passed)} of ${plural(num(best.tasks_total), 'task')} passed` : '',
      p.kind !== 'case' && best.overall !== null && best.overall !== undefined ? `overall ${best.overall} / 100` : '',
      p.kind !== 'case' && best.strengths_ratio !== null && best.strengths_ratio !== undefined ? `strengths ratio ${num(best.strengths_ratio).toFixed(2)}` : '',
    ].filter(Boolean);
    const unmet = best.unmet || [];
    node.append(el('div', { class: 'practice-best' },
      el('p', {},
        el('strong', { text: '✗ Not met yet. ' }),
        'Your closest attempt',
        facts.length ? ': ' + facts.join(' · ') : '',
        best.run_id ? [' · ', el('a', { href: '#/run/' + encodeURIComponent(best.run_id), text: 'see the run' })] : ''),
      unmet.length ? el('ul', { class: 'items unmet' }, unmet.map((u) => el('li', { class: 'item not-ok' },
        el('span', { class: 'mark', 'aria-hidden': 'true', text: '✗' }),
        el('span', { class: 'visually-hidden', text: 'Missed: ' }), u))) : null,
    ));
  } else {
    node.append(el('p', { class: 'practice-todo', text: 'Not tried yet.' }));
  }

  if (c.locked) {
    node.append(el('p', { class: 'hint', text: 'You can practise this for the course once it is unlocked.' }));
    return node;
  }
  const label = p.met ? 'Practise again' : best ? 'Try again' : 'Start';
  const mode = p.mode === 'beginner' ? 'beginner' : 'free';
  const buttons = [el('button', { type: 'button', class: 'practice-start' + (p.met ? '' : ' primary'), 'data-mode': mode, 'aria-describedby': titleId,
    text: p.kind === 'case' ? label : `${label}: ${mode === 'beginner' ? 'beginner' : 'free text'}` })];
  if (p.kind !== 'case' && (!p.mode || p.mode === 'any')) {
    buttons.push(el('button', { type: 'button', class: 'practice-start-beginner', 'data-mode': 'beginner', 'aria-describedby': titleId, text: `${label}: beginner` }));
  }
  for (const b of buttons) {
    b.addEventListener('click', async () => {
      // Practising for a course is taking it: enrol first, but a failure
      // there must not stop the run (progress counts either way).
      if (!c.enrolled) {
        try {
          await api.enroll(c.id);
        } catch {
          // the run still counts towards the course
        }
      }
      startRun(page.ctx, p.scenario, b.dataset.mode, { buttons, errorBox: error });
    });
  }
  node.append(el('div', { class: 'actions' }, buttons), error);
  return node;
}
