// Cues spoken with the Web Speech API, rate-limited: one utterance at a time at most
// MIN_GAP_MS apart, the same words not again within REPEAT_MS, and only the newest waiting.

const MIN_GAP_MS = 1200;
const REPEAT_MS = 5000;

export class Speaker {
  constructor() {
    this.enabled = "speechSynthesis" in window;
    this.lastAt = -Infinity;
    this.said = new Map();
    this.waiting = null;
    this.spoken = [];
  }

  say(text) {
    if (!text) return;
    const now = performance.now();
    if (now - (this.said.get(text) ?? -Infinity) < REPEAT_MS) return;
    this.waiting = text;
    this.tick(now);
  }

  tick(now = performance.now()) {
    if (!this.waiting || now - this.lastAt < MIN_GAP_MS) return;
    if (this.enabled && window.speechSynthesis.speaking) return;
    const text = this.waiting;
    this.waiting = null;
    this.lastAt = now;
    this.said.set(text, now);
    this.spoken.push(text);
    if (this.enabled) window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }
}
