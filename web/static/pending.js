// Responses and answers sent but not yet acknowledged, kept in localStorage
// under "oasis.pending" so that neither a dropped connection nor a page
// reload loses what the trainee typed. Each entry is keyed by its turn_id or
// answer_id; after a resume the page resends every entry for its run with
// the same id, and the server answers a duplicate from its database.
//
// An entry: {id, run_id, kind: "say"|"choose"|"answer"|"card", payload,
// shown, at} where payload is the frame to send (without ref) and shown is
// what the page displays meanwhile (the typed text or the chosen option's
// text). Cards posted to a group session's staffing board are kept the same
// way, keyed by card_id, with the session id in run_id.

const KEY = 'oasis.pending';

function read() {
  try {
    const data = JSON.parse(localStorage.getItem(KEY) || '{}');
    return data && typeof data === 'object' && !Array.isArray(data) ? data : {};
  } catch {
    return {};
  }
}

function write(data) {
  try {
    if (Object.keys(data).length === 0) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, JSON.stringify(data));
  } catch {
    // Storage full or blocked: the message still goes out, it just cannot
    // survive a reload.
  }
}

export function add(entry) {
  const data = read();
  data[entry.id] = { ...entry, at: Date.now() };
  write(data);
}

export function drop(id) {
  const data = read();
  if (!(id in data)) return;
  delete data[id];
  write(data);
}

export function has(id) {
  return id in read();
}

// forRun lists a run's entries in the order they were made.
export function forRun(runId) {
  return Object.values(read())
    .filter((e) => e && e.run_id === runId)
    .sort((a, b) => a.at - b.at);
}

// ack drops the entry a server frame answers. It runs for every frame, so
// a reply that arrives while the trainee is on another page still counts.
export function ack(frame) {
  if (frame.type === 'turn' && frame.turn && frame.turn.turn_id) drop(frame.turn.turn_id);
  if (frame.type === 'feedback' && frame.answer && frame.answer.answer_id) drop(frame.answer.answer_id);
  if (frame.type === 'group_event' && frame.event && frame.event.type === 'card' && frame.event.card && frame.event.card.card_id) {
    drop(frame.event.card.card_id);
  }
}

export function clearAll() {
  write({});
}
