// The practice-case page, #/case/<run_id>: the vignette, then each task
// with its own form and the feedback on the latest answer. Answers are
// kept pending (with their answer_id) until feedback arrives, like turns
// in a role play. caseView() draws the same page read-only for a past run.
// A group session embeds the page with the same opts as play.js (embedded,
// blocked, onHeld) and uses the returned cleanup function's resumeHeld()
// and refresh().

import { el, field, serverHTML, randomId, alertBox, showAlert } from './util.js';
import * as pending from './pending.js';
import { feedback as scoreBlock } from './transcript.js';
import { courseCredits } from './report.js';

export function render(root, ctx, runId, opts = {}) {
  const socket = ctx.socket;
  const heading = opts.embedded ? 'h2' : 'h1';
  const blocked = () => (opts.blocked ? opts.blocked() : '');
  const held = new Set(); // answer_ids refused while the group session was paused
  let alive = true;
  let run = null;
  let retryTimer = 0;
  const tasksById = new Map(); // task id → {node, form, status, error, feedback, button}

  const section = el('section', { id: 'case', 'aria-labelledby': 'case-title' },
    el(heading, { id: 'case-title', text: 'Practice case' }),
    el('p', { class: 'play-status', role: 'status', text: 'Loading the case…' }));
  root.append(section);

  async function load() {
    try {
      const frame = await socket.request({ type: 'resume', run_id: runId }, { queue: true });
      if (!alive) return;
      if (frame.run.kind !== 'case') {
        ctx.go('#/play/' + encodeURIComponent(runId));
        return;
      }
      run = frame.run;
      draw();
      for (const entry of pending.forRun(runId)) {
        if (knownAnswer(entry.id) || run.status === 'ended') pending.drop(entry.id);
        else {
          setChecking(entry.payload.task, true);
          transmit(entry);
        }
      }
      refresh();
    } catch (err) {
      if (!alive || err.code === 'disconnected') return;
      if (err.code === 'paused' || err.code === 'not_started') {
        section.querySelector('.play-status')?.replaceChildren(err.message || 'The session is not running just now.');
        return; // the group page reloads when it resumes
      }
      section.replaceChildren(
        el(heading, { id: 'case-title', text: 'Practice case' }),
        el('p', { class: 'alert', role: 'alert', text: err.code === 'not_found' || err.code === 'forbidden'
          ? 'This practice case could not be found. It may belong to someone else, or the link may be wrong.'
          : err.message }),
        el('p', {}, el('a', { href: '#/library', text: 'Back to the library' })),
      );
    }
  }

  const knownAnswer = (id) => (run.case?.answers || []).some((a) => a.answer_id === id);

  function draw() {
    tasksById.clear();
    const view = caseView(run, {
      onTask: (task, parts) => tasksById.set(task.id, parts),
      onSubmit: submit,
      heading,
    });
    section.replaceChildren(...view);
    if (!opts.embedded) document.title = (run.scenario?.title || 'Practice case') + ' · Oasis';
  }

  // refresh disables the answer buttons while the group session is paused
  // (a task still being checked keeps its own state).
  function refresh() {
    if (!run || run.status === 'ended') return;
    const busy = new Set(pending.forRun(runId).map((e) => e.payload.task));
    for (const [id, parts] of tasksById) if (parts.button && !busy.has(id)) parts.button.disabled = !!blocked();
  }

  function submit(task, answer) {
    if (blocked()) {
      showAlert(tasksById.get(task.id)?.error, blocked());
      return;
    }
    const id = randomId('a_');
    const entry = { id, run_id: runId, kind: 'answer', shown: '', payload: { type: 'answer', run_id: runId, answer_id: id, task: task.id, answer } };
    pending.add(entry);
    setChecking(task.id, true);
    transmit(entry);
  }

  function setChecking(taskId, on, message) {
    const parts = tasksById.get(taskId);
    if (!parts || !parts.button) return;
    parts.button.disabled = on;
    parts.button.textContent = on ? 'Checking…' : 'Check my answer';
    showAlert(parts.error, message || '');
  }

  function transmit(entry) {
    socket.request(entry.payload).catch((err) => {
      if (!alive || !pending.has(entry.id)) return;
      const task = entry.payload.task;
      if (err.code === 'disconnected') {
        const parts = tasksById.get(task);
        if (parts?.button) parts.button.textContent = 'Waiting for the connection…';
        return;
      }
      if (err.code === 'paused' || err.code === 'not_started') {
        // Kept pending: sent again when the group session resumes.
        held.add(entry.id);
        setChecking(task, true, (err.message || 'The session is paused.') + ' Your answer is kept and will be sent when the session resumes.');
        const parts = tasksById.get(task);
        if (parts?.button) parts.button.textContent = 'Waiting for the session…';
        if (opts.onHeld) opts.onHeld(err);
        return;
      }
      if (err.code === 'busy' || err.code === 'internal') {
        setChecking(task, true, (err.message || 'The server could not take your answer just now.') + ' Trying again…');
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => {
          if (alive && pending.has(entry.id) && socket.open) transmit(entry);
        }, 3000);
        return;
      }
      pending.drop(entry.id);
      setChecking(task, false, err.message || 'Your answer could not be checked.');
      if (err.code === 'run_ended') load();
    });
  }

  function onFeedback(frame) {
    if (!run) return;
    const ans = frame.answer;
    run.case.answers = run.case.answers || [];
    if (!run.case.answers.some((a) => a.answer_id === ans.answer_id)) run.case.answers.push(ans);
    run.case.passed = frame.passed || run.case.passed;
    const wasEnded = run.status === 'ended';
    run.status = frame.status || run.status;
    if (frame.report) run.report = frame.report;
    const parts = tasksById.get(ans.task);
    if (parts) {
      setChecking(ans.task, false);
      parts.feedback.replaceChildren(feedbackView(ans, taskOf(run, ans.task)));
      markPassed(parts, (run.case.passed || []).includes(ans.task));
      parts.feedback.querySelector('.task-summary')?.focus();
    }
    if (run.status === 'ended' && !wasEnded) {
      // The run is closed: further answers would only be refused.
      for (const p of tasksById.values()) if (p.button) p.button.disabled = true;
      const done = completion(run);
      section.querySelector('#case-complete')?.remove();
      section.append(done);
      done.focus();
    }
  }

  const onMessage = (e) => {
    const frame = e.detail;
    if (alive && frame.type === 'feedback' && frame.run_id === runId) onFeedback(frame);
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
  stop.refresh = refresh;
  stop.resumeHeld = () => {
    if (!alive || !held.size) return;
    const ids = new Set(held);
    held.clear();
    for (const entry of pending.forRun(runId)) {
      if (!ids.has(entry.id)) continue;
      setChecking(entry.payload.task, true);
      transmit(entry);
    }
  };
  return stop;
}

const taskOf = (run, id) => (run.case?.tasks || []).find((t) => t.id === id);

// latestAnswers maps each task to its most recent answer.
function latestAnswers(run) {
  const latest = new Map();
  for (const a of [...(run.case?.answers || [])].sort((x, y) => (x.n || 0) - (y.n || 0))) latest.set(a.task, a);
  return latest;
}

// caseView returns the page's nodes. With onSubmit each task gets a form;
// without, the latest answers are shown as text (a past run).
export function caseView(run, { onTask, onSubmit, heading = 'h1' } = {}) {
  const c = run.case || {};
  const tasks = c.tasks || [];
  const latest = latestAnswers(run);
  const passed = new Set(c.passed || []);
  const clientName = run.scenario?.client?.name || 'the person';
  const nodes = [
    el(heading, { id: 'case-title', text: run.scenario?.title || 'Practice case' }),
    run.scenario?.summary ? el('p', { class: 'lede', text: run.scenario.summary }) : null,
    serverHTML(el('div', { class: 'vignette prose' }), c.vignette_html),
    el('h2', { text: 'Tasks' }),
    el('p', { class: 'hint', text: `${passed.size} of ${tasks.length} tasks passed. Work them in any order; you can try a task again as often as you like.` }),
  ];
  const list = el('ol', { class: 'tasks' });
  tasks.forEach((task, i) => {
    const last = latest.get(task.id);
    const feedbackNode = el('div', { class: 'task-feedback', 'aria-live': 'polite' }, last ? feedbackView(last, task) : null);
    const statusNode = el('p', { class: 'task-status' });
    const error = alertBox('task-error-' + task.id);
    const node = el('li', { class: 'task card', 'data-id': task.id, 'data-type': task.type },
      el('h3', { id: `task-${task.id}-title`, text: `Task ${i + 1} of ${tasks.length}` }),
      statusNode,
      el('p', { class: 'prompt', text: task.prompt }));
    const parts = { node, status: statusNode, error, feedback: feedbackNode, button: null };
    markPassed(parts, passed.has(task.id));
    if (onSubmit && run.status !== 'ended') {
      const { form, button } = taskForm(task, last?.answer, clientName, (answer) => onSubmit(task, answer));
      parts.button = button;
      node.append(form, error);
    } else {
      node.append(taskContext(task, clientName));
      if (last) node.append(el('div', { class: 'your-answer' }, el('h4', { text: 'Your answer' }), answerText(task, last.answer)));
    }
    node.append(feedbackNode);
    if (onTask) onTask(task, parts);
    list.append(node);
  });
  nodes.push(list);
  if (run.status === 'ended') nodes.push(completion(run));
  return nodes.filter(Boolean);
}

function markPassed(parts, ok) {
  parts.node.classList.toggle('passed', ok);
  parts.status.replaceChildren(ok
    ? el('span', { class: 'badge badge-ok', text: '✓ Passed' })
    : el('span', { class: 'badge badge-todo', text: 'Not passed yet' }));
}

function completion(run) {
  const tasks = run.report?.tasks || [];
  return el('div', { id: 'case-complete', class: 'complete', role: 'status', tabindex: '-1' },
    el('h2', { text: 'Case complete' }),
    el('p', { text: 'You have passed every task in this case. Well done.' }),
    tasks.length ? el('ul', {}, tasks.map((t) => el('li', { text: `${taskLabel(run, t.id)}: passed after ${t.attempts} ${t.attempts === 1 ? 'attempt' : 'attempts'}` }))) : null,
    courseCredits(run.report?.counts_towards),
    el('p', {}, el('a', { href: '#/library', text: 'Back to the library' }), ' · ', el('a', { href: '#/history', text: 'Your history' })),
  );
}

function taskLabel(run, id) {
  const i = (run.case?.tasks || []).findIndex((t) => t.id === id);
  return i >= 0 ? `Task ${i + 1}` : id;
}

// taskContext is what a task shows besides its prompt: the statement to
// rewrite or the person's own words for a goal.
function taskContext(task, clientName) {
  if (task.type === 'rewrite' && task.statement) {
    return el('figure', { class: 'statement' }, el('figcaption', { text: 'The statement' }), el('blockquote', { text: task.statement }));
  }
  if (task.type === 'goal' && (task.client_words || []).length) {
    return el('div', { class: 'client-words' }, el('p', { text: `In ${clientName}’s own words:` }),
      el('ul', {}, task.client_words.map((w) => el('li', {}, el('q', { text: w })))));
  }
  return document.createDocumentFragment();
}

function taskForm(task, previous, clientName, send) {
  const id = (name) => `task-${task.id}-${name}`;
  const form = el('form', { class: 'task-form', 'aria-labelledby': `task-${task.id}-title` });
  const button = el('button', { type: 'submit', class: 'primary task-submit', text: 'Check my answer' });
  let collect;
  form.append(taskContext(task, clientName));
  switch (task.type) {
    case 'list-strengths':
    case 'rewrite': {
      const list = task.type === 'list-strengths';
      const area = el('textarea', { id: id('text'), rows: list ? 6 : 4, maxlength: 8000, required: true, value: previous?.text || '' });
      form.append(field(list ? 'Strengths you see, one a line' : 'Your strengths-based rewrite', area,
        list ? (task.min ? `Find at least ${task.min}.` : '') : 'Say what the person can do and wants, in words they would recognise.'));
      collect = () => ({ text: area.value.trim() });
      break;
    }
    case 'goal': {
      const prev = previous?.goal || {};
      const goal = el('textarea', { id: id('goal'), rows: 2, required: true, value: prev.goal || '' });
      const objective = el('textarea', { id: id('objective'), rows: 2, required: true, value: prev.objective || '' });
      const strategy = el('textarea', { id: id('strategy'), rows: 3, required: true, value: prev.strategy || '' });
      const target = el('input', { id: id('target'), type: 'date', required: true, value: prev.target || '' });
      form.append(
        field('Goal', goal, `In ${clientName}’s own words.`),
        field('Objective', objective, 'Specific and measurable: how you will both know it happened.'),
        field('Strategy', strategy, 'A baby step: who does what, and when.'),
        field('Target date', target),
      );
      collect = () => ({ goal: { goal: goal.value.trim(), objective: objective.value.trim(), strategy: strategy.value.trim(), target: target.value } });
      break;
    }
    case 'choice': {
      const fs = el('fieldset', { class: 'choices' }, el('legend', { text: 'Choose one answer' }));
      (task.options || []).forEach((o, i) => {
        const rid = id('opt-' + (i + 1));
        fs.append(el('div', { class: 'choice' },
          el('input', { type: 'radio', id: rid, name: id('choice'), value: i + 1, required: true, checked: previous?.choice === i + 1 }),
          el('label', { for: rid, text: o.text })));
      });
      form.append(fs);
      collect = () => {
        const checked = fs.querySelector('input:checked');
        return { choice: checked ? Number(checked.value) : 0 };
      };
      break;
    }
    default:
      form.append(el('p', { class: 'hint', text: 'This kind of task cannot be answered here yet.' }));
      button.disabled = true;
      collect = () => ({});
  }
  form.append(el('div', { class: 'actions' }, button));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!button.disabled) send(collect());
  });
  return { form, button };
}

function answerText(task, answer) {
  if (!answer) return el('p', { text: '' });
  if (task?.type === 'goal' && answer.goal) return goalList(answer.goal);
  if (task?.type === 'choice') return el('p', { text: task.options?.[answer.choice - 1]?.text || `Option ${answer.choice}` });
  return el('p', { class: 'answer-text', text: answer.text || '' });
}

function goalList(g) {
  return el('dl', { class: 'goal-answer' },
    [['Goal', g.goal], ['Objective', g.objective], ['Strategy', g.strategy], ['Target date', g.target]]
      .map(([k, v]) => el('div', {}, el('dt', { text: k }), el('dd', { text: v || '' }))));
}

// feedbackView renders the feedback on one answer.
export function feedbackView(ans, task) {
  const fb = ans.feedback || {};
  const box = el('div', { class: 'feedback case-feedback ' + (fb.passed ? 'is-passed' : 'is-not-passed') },
    el('p', { class: 'task-summary', tabindex: '-1' },
      el('strong', { text: fb.passed ? '✓ Passed. ' : '✗ Not yet. ' }), fb.summary || ''),
    ans.n ? el('p', { class: 'hint', text: `Attempt ${ans.n}` }) : null,
  );
  const items = fb.items || [];
  if (items.length) {
    box.append(el('ul', { class: 'items' }, items.map((it) => el('li', { class: 'item ' + (it.ok ? 'ok' : 'not-ok') },
      el('span', { class: 'mark', 'aria-hidden': 'true', text: it.ok ? '✓' : '✗' }),
      el('span', { class: 'visually-hidden', text: it.ok ? 'Good: ' : 'Not quite: ' }),
      el('span', { class: 'item-label', text: it.label }),
      it.note ? el('span', { class: 'item-note', text: ' ' + it.note }) : null))));
  }
  if (fb.score) {
    box.append(el('div', { class: 'rewrite-score' }, el('h4', { text: 'How the scorer reads your rewrite' }),
      scoreBlock(ans.answer?.text || '', fb.score, { heading: 'Scorer result' })));
  }
  if (fb.example) {
    box.append(el('div', { class: 'example' }, el('h4', { text: 'An example answer' }), el('p', { class: 'example-text', text: fb.example })));
  }
  const missed = fb.missed || [];
  if (missed.length) {
    box.append(el('div', { class: 'missed-strengths' }, el('h4', { text: 'Strengths you could add' }),
      el('ul', {}, missed.map((m) => el('li', {}, el('strong', { text: m.label }), m.note ? ' ' + m.note : '')))));
  }
  return box;
}
