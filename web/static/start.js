// Starting a run, from the library, "Try again" or "Practise again".

import { showAlert } from './util.js';

export function runHash(run) {
  return (run.kind === 'case' ? '#/case/' : '#/play/') + encodeURIComponent(run.id);
}

// startRun sends `start` and opens the new run's page. The buttons are
// disabled meanwhile so a double click does not start two runs; errors go
// to errorBox.
export async function startRun(ctx, scenario, mode, { buttons = [], errorBox } = {}) {
  showAlert(errorBox, '');
  for (const b of buttons) b.disabled = true;
  try {
    const frame = await ctx.socket.request({ type: 'start', scenario, mode: mode || 'free' }, { queue: true });
    ctx.go(runHash(frame.run));
  } catch (err) {
    const message = err.code === 'disconnected'
      ? 'The connection dropped before the role play started. Try again in a moment.'
      : err.message || 'This could not be started. Try again in a moment.';
    showAlert(errorBox, message);
    for (const b of buttons) b.disabled = false;
  }
}
