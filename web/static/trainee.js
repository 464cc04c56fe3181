// A trainee's view of a group session (#group-trainee): the lobby while
// waiting, then their own run (the ordinary play or case page, embedded)
// or the staffing board, and a thank-you with their result at the end.
// The group page (group.js) owns the snapshot and the events and calls
// update(); pauses and broadcasts are drawn there, for both views.

import { el, percent } from './util.js';
import * as playPage from './play.js';
import * as casePage from './case.js';
import { boardView } from './board.js';
import { outcomeChart } from './debrief.js';
import { memberName, outcomeText } from './grouputil.js';

export function traineeView(ctx, session, hooks) {
  let current = session;
  let mode = '';
  let play = null; // the embedded run page's cleanup, with resumeHeld() and refresh()
  let playRun = '';
  let board = null;
  let runTimer = 0;
  const node = el('div', { id: 'group-trainee', class: 'group-view' });

  // blocked is why the embedded run refuses input just now.
  const blocked = () => {
    if (current.state === 'paused') return 'The session is paused' + (current.message ? ': ' + current.message : '.');
    if (current.state === 'lobby') return 'The session has not started yet.';
    return '';
  };

  function teardown() {
    clearTimeout(runTimer);
    if (play) play();
    play = null;
    playRun = '';
    if (board) board.destroy();
    board = null;
  }

  function want(s) {
    if (s.state === 'lobby') return 'lobby';
    if (s.state === 'ended') return 'ended';
    return s.kind === 'staffing' ? 'board' : 'play';
  }

  function update(s, ev) {
    current = s;
    const next = want(s);
    if (next !== mode) {
      teardown();
      mode = next;
      node.replaceChildren();
      if (next === 'lobby') node.append(lobby());
      if (next === 'ended') node.append(ended());
      if (next === 'board') {
        board = boardView(ctx, s, hooks);
        node.append(board.node);
      }
      if (next === 'play') startPlay();
      return;
    }
    if (mode === 'lobby' && (!ev || ev.type === 'joined' || ev.type === 'settings')) node.replaceChildren(lobby());
    if (mode === 'ended' && !ev) {
      teardown();
      node.replaceChildren(ended());
    }
    if (mode === 'board') board.update(s, ev);
    if (mode === 'play') {
      if (s.you?.run_id && s.you.run_id !== playRun) {
        teardown();
        startPlay();
        return;
      }
      if (play) {
        play.refresh();
        // Running (again): send what was refused while it was paused.
        if (s.state === 'running') play.resumeHeld();
      }
    }
  }

  function startPlay() {
    const runId = current.you?.run_id;
    node.replaceChildren();
    if (!runId) {
      // The session has started but this snapshot has no run yet.
      node.append(el('p', { class: 'play-status', role: 'status', text: 'Setting up your run…' }));
      runTimer = setTimeout(() => hooks.reload(), 1500);
      return;
    }
    const slot = el('div', { id: 'group-play', class: 'group-play' });
    node.append(slot);
    const page = current.scenario?.kind === 'case' ? casePage : playPage;
    play = page.render(slot, ctx, runId, {
      embedded: true,
      blocked,
      noFreeText: !!current.beginner_only,
      // Refused as paused or not started: this page may have missed the
      // pace event, so fetch the session's state.
      onHeld: () => hooks.reload(),
    });
    playRun = runId;
  }

  function lobby() {
    const s = current;
    const members = s.members || [];
    const trainer = s.trainer?.name || 'your trainer';
    const box = el('section', { id: 'group-lobby', class: 'card lobby', 'aria-labelledby': 'lobby-title' },
      el('h2', { id: 'lobby-title', text: `Waiting for ${trainer} to start` }),
      s.you?.name ? el('p', { text: `You have joined as ${s.you.name}.` }) : null,
      el('p', { class: 'hint', text: s.kind === 'staffing'
        ? 'You will staff this case together on a shared board.'
        : 'When the session starts, your own conversation opens here.' }));
    if (s.anonymous) {
      box.append(el('p', { id: 'roster-note', text: 'Names are hidden in this session.' }));
    } else if (members.length) {
      box.append(
        el('h3', { text: `Who has joined (${members.length})` }),
        el('ul', { id: 'roster', class: 'roster-list' }, members.map((m, i) => el('li', { class: 'roster-row', 'data-member': m.member_id },
          memberName(s, m, i), m.member_id === s.you?.member_id ? ' (you)' : ''))));
    }
    return box;
  }

  function ended() {
    const s = current;
    const mine = (s.members || []).find((m) => m.member_id === s.you?.member_id);
    const p = mine?.progress || {};
    const d = s.debrief || {};
    const box = el('section', { id: 'group-ended', class: 'group-ended', 'aria-labelledby': 'ended-title' },
      el('h2', { id: 'ended-title', text: 'Thank you for taking part' }),
      el('p', { text: `The session has ended. ${s.trainer?.name ? s.trainer.name + ' will' : 'Your trainer will'} talk it through with the group.` }));
    if (s.kind !== 'staffing') {
      const outcome = outcomeText(p.outcome, d.outcomes);
      box.append(el('h3', { text: 'Your result' }), el('dl', { id: 'own-result', class: 'measures' },
        fact('Ending', outcome || (p.ended ? 'Finished' : 'Not finished')),
        fact('Overall score', p.overall === null || p.overall === undefined ? 'n/a' : `${p.overall} / 100`),
        fact('Strengths ratio', percent(p.strengths_ratio)),
        fact('Responses', String(p.turns ?? 0)),
        p.missed_risk > 0 ? fact('Missed risk cues', `⚠ ${p.missed_risk}`) : null));
      if (s.you?.run_id) {
        box.append(el('p', {}, el('a', { href: '#/run/' + encodeURIComponent(s.you.run_id), id: 'own-report', text: 'See your full report' })));
      }
      box.append(el('h3', { text: 'How everyone’s conversations ended' }),
        s.debrief ? outcomeChart(d.outcomes) : el('p', { class: 'hint', text: 'The group’s results are being put together…' }));
    } else if (s.board) {
      board = boardView(ctx, s, hooks);
      box.append(board.node);
    }
    return box;
  }

  update(session, null);
  return { node, update, destroy: teardown };
}

function fact(term, value) {
  return el('div', { class: 'measure' }, el('dt', { text: term }), el('dd', {}, el('span', { class: 'measure-value', text: value })));
}
