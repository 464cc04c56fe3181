// The one websocket a page keeps to /ws (docs/protocol.md).
//
// It reconnects by itself with backoff (0.5 s doubling to 8 s) and tells
// the page how it is doing through events:
//   status   detail: "connecting" | "connected" | "reconnecting" | "closed"
//   reopen   a connection is open again after one was lost: pages resume
//            the run they show and resend what is pending
//   message  detail: every frame the server sends
//   failing  detail: how many attempts in a row failed before opening
//            (the session may have expired: the app checks /api/me)
//
// request() adds a ref and resolves with the reply that carries it, or
// rejects with {code, message} from an error frame, or with code
// "disconnected" when the connection drops first.

const MIN_DELAY = 500;
const MAX_DELAY = 8000;

export class Socket extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.ws = null;
    this.delay = MIN_DELAY;
    this.timer = 0;
    this.stopped = true;
    this.everOpened = false;
    this.failures = 0;
    this.status = 'closed';
    this.seq = 0;
    this.waiting = new Map(); // ref → {resolve, reject}
    this.queue = []; // frames to send once open (start and resume only)
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, 'signed out');
    this.ws = null;
    this.queue = [];
    this.failWaiting();
    this.setStatus('closed');
  }

  get open() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    this.setStatus(this.everOpened ? 'reconnecting' : 'connecting');
    let opened = false;
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      opened = true;
      const again = this.everOpened;
      this.everOpened = true;
      this.delay = MIN_DELAY;
      this.failures = 0;
      this.setStatus('connected');
      const queued = this.queue.splice(0);
      for (const frame of queued) ws.send(JSON.stringify(frame));
      if (again) this.dispatchEvent(new CustomEvent('reopen'));
    });
    ws.addEventListener('message', (e) => this.receive(e.data));
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.failWaiting();
      if (this.stopped) return;
      if (!opened) {
        this.failures++;
        this.dispatchEvent(new CustomEvent('failing', { detail: this.failures }));
      }
      this.retry();
    });
  }

  retry() {
    if (this.stopped) return;
    this.setStatus(this.everOpened ? 'reconnecting' : 'connecting');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), this.delay);
    this.delay = Math.min(this.delay * 2, MAX_DELAY);
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.dispatchEvent(new CustomEvent('status', { detail: status }));
  }

  receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    const waiter = frame.ref !== undefined ? this.waiting.get(frame.ref) : undefined;
    if (waiter) {
      this.waiting.delete(frame.ref);
      if (frame.type === 'error') waiter.reject({ code: frame.code, message: frame.message, frame });
      else waiter.resolve(frame);
    }
    this.dispatchEvent(new CustomEvent('message', { detail: frame }));
  }

  // failWaiting rejects requests that were sent on a connection that has
  // gone; frames still queued keep waiting for the next connection.
  failWaiting() {
    const queued = new Set(this.queue.map((f) => f.ref));
    for (const [ref, w] of [...this.waiting]) {
      if (queued.has(ref)) continue;
      this.waiting.delete(ref);
      w.reject({ code: 'disconnected', message: 'The connection dropped.' });
    }
  }

  // request sends msg with a fresh ref. With queue, a frame sent while the
  // connection is down waits for it; without, it is refused at once (turns
  // and answers are kept in pending storage and resent after resume instead,
  // so they are never sent twice from two places).
  request(msg, { queue = false } = {}) {
    const ref = 'm' + ++this.seq;
    const frame = { ...msg, ref };
    return new Promise((resolve, reject) => {
      if (this.open) {
        this.waiting.set(ref, { resolve, reject });
        this.ws.send(JSON.stringify(frame));
      } else if (queue && !this.stopped) {
        this.waiting.set(ref, { resolve, reject });
        this.queue.push(frame);
      } else {
        reject({ code: 'disconnected', message: 'Not connected.' });
      }
    });
  }
}

export function socketURL() {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
}
