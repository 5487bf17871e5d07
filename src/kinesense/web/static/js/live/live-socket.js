// The live landmark protocol, version 1 (docs/live-protocol.md), with resume: after a dropped
// connection the socket reconnects with the session's token; the frames made meanwhile, and
// those sent before the drop that the server had not answered yet (a server process that died
// may never have applied them), are sent once it is back (the last MAX_WAITING of them); those
// the server already had are skipped (it says which in `ready.last_seq`).

const MAX_WAITING = 300; // 10 s at 30 fps

const FATAL = new Set([4400, 4401, 4403, 4404, 4409, 1009]);
const RETRY_MS = [250, 500, 1000, 2000, 4000];

export class LiveSocket {
  constructor(start, handlers) {
    this.start = start;
    this.handlers = handlers;
    this.token = null;
    this.socket = null;
    this.open = false;
    this.closed = false;
    this.retries = 0;
    this.pending = [];
    this.unanswered = []; // frames sent on the open connection, until their `step` comes back
    this.seq = 0;
    this.reconnects = 0;
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/live/ws`;
  }

  connect() {
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.onopen = () => {
      const first = this.token ? { type: "resume", v: 1, token: this.token } : this.start;
      socket.send(JSON.stringify(first));
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "step") {
        while (this.unanswered.length && this.unanswered[0].seq <= message.seq) this.unanswered.shift();
      }
      if (message.type === "ready") {
        this.token = message.token;
        this.open = true;
        this.retries = 0;
        for (const item of this.pending.splice(0)) {
          if (item.seq === undefined || item.seq > message.last_seq) socket.send(item.text);
        }
      }
      this.handlers.message(message);
    };
    socket.onclose = (event) => {
      this.open = false;
      if (this.closed || event.code === 1000 || FATAL.has(event.code) || !this.token) {
        this.closed = true;
        this.handlers.closed(event);
        return;
      }
      this.pending = this.unanswered.concat(this.pending);
      this.unanswered = [];
      this.trim();
      const wait = RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)];
      this.reconnects += 1;
      this.handlers.reconnecting(wait);
      setTimeout(() => this.connect(), wait);
    };
  }

  // Messages wait while the connection is down; of the frames, only the newest MAX_WAITING.
  // `face` (the face model's frames): {fm, fb, bg}, fm and fb null when no face was found.
  frame(t, lm, wl, luma, face = null) {
    const message = { type: "frame", seq: this.seq++, t, lm };
    if (wl) message.wl = wl;
    if (luma !== null && luma !== undefined) message.luma = luma;
    if (face && face.fm) { message.fm = face.fm; message.fb = face.fb; }
    if (face && face.bg !== null && face.bg !== undefined) message.bg = face.bg;
    this.send(message);
  }

  send(message) {
    const text = JSON.stringify(message);
    if (this.open) {
      this.socket.send(text);
      if (message.seq !== undefined) {
        this.unanswered.push({ text, seq: message.seq });
        if (this.unanswered.length > MAX_WAITING) this.unanswered.shift();
      }
      return;
    }
    this.pending.push({ text, seq: message.seq });
    this.trim();
  }

  // Of the frames waiting, only the newest MAX_WAITING are kept.
  trim() {
    let frames = this.pending.filter((item) => item.seq !== undefined).length;
    while (frames-- > MAX_WAITING) {
      this.pending.splice(this.pending.findIndex((item) => item.seq !== undefined), 1);
    }
  }

  // For tests and the person: drop the connection as a network would.
  drop() {
    if (this.socket) this.socket.close(4999, "dropped");
  }
}
