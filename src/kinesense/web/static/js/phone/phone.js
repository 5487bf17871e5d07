// The phone's recording page. On the tap on Start: asks for the motion sensors where the browser
// wants a permission (DeviceMotionEvent.requestPermission, iOS), opens the WebSocket (which spends
// the one-time link), counts down, then records DeviceMotion (and DeviceOrientation) samples for
// the protocol's duration and sends them in batches. The message format is documented in
// kinesense.phone.messages; the server turns the samples into a MotionSeries and runs the test.
//
// Each sample's time is performance.now() when the page received it (milliseconds): the same
// clock for every event, whatever the browser puts in event.timeStamp.

const root = document.getElementById("phone");
const startButton = document.getElementById("start-button");
const statusLine = document.getElementById("phone-status");
const progress = document.getElementById("phone-progress");
const errorBox = document.getElementById("phone-error");
const resultBox = document.getElementById("phone-result");

const BATCH_ROWS = 50; // motion rows a message (the server accepts up to 256)
const MAX_ORIENTATION_ROWS = 200;
const NO_SAMPLES_MS = 3000; // recording with no complete sample for this long: no sensors

let socket = null;
let motion = [];
let orientation = [];
let seq = 0;
let sent = 0;
let firstTime = null;
let recording = false;
let finished = false;
let fallback = null;

function say(text, state) {
  statusLine.textContent = text;
  statusLine.dataset.state = state;
}

function fail(message) {
  finished = true;
  recording = false;
  stopListening();
  errorBox.textContent = message;
  errorBox.hidden = false;
  say("Stopped.", "failed");
  startButton.hidden = true;
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.close(1000);
  }
}

function finite(value) {
  return typeof value === "number" && Number.isFinite(value);
}

function flush() {
  if (motion.length === 0 && orientation.length === 0) {
    return;
  }
  socket.send(JSON.stringify({ type: "motion", seq: seq, motion: motion, orientation: orientation }));
  seq += 1;
  sent += motion.length;
  motion = [];
  orientation = [];
}

function onMotion(event) {
  if (!recording) {
    return;
  }
  const now = performance.now();
  const acc = event.accelerationIncludingGravity;
  const rate = event.rotationRate;
  if (!acc || !rate || ![acc.x, acc.y, acc.z, rate.alpha, rate.beta, rate.gamma].every(finite)) {
    return; // a browser without sensors sends empty events: not a sample
  }
  if (firstTime === null) {
    firstTime = now;
  }
  const elapsed = now - firstTime;
  if (elapsed > durationMs()) {
    finish();
    return;
  }
  motion.push([now, acc.x, acc.y, acc.z, rate.alpha, rate.beta, rate.gamma, finite(event.interval) ? event.interval : 0]);
  progress.value = elapsed / durationMs();
  if (motion.length >= BATCH_ROWS) {
    flush();
  }
}

function onOrientation(event) {
  if (!recording || firstTime === null) {
    return;
  }
  const angle = (value) => (finite(value) ? value : null);
  orientation.push([performance.now(), angle(event.alpha), angle(event.beta), angle(event.gamma)]);
  if (orientation.length >= MAX_ORIENTATION_ROWS) {
    flush();
  }
}

function durationMs() {
  return 1000 * Number(root.dataset.durationS);
}

function stopListening() {
  window.removeEventListener("devicemotion", onMotion);
  window.removeEventListener("deviceorientation", onOrientation);
  if (fallback !== null) {
    window.clearTimeout(fallback);
  }
}

function finish() {
  if (finished) {
    return;
  }
  finished = true;
  recording = false;
  stopListening();
  flush();
  socket.send(JSON.stringify({ type: "end", samples: sent }));
  progress.value = 1;
  say("Done. Measuring…", "measuring");
  if (typeof navigator.vibrate === "function") {
    navigator.vibrate(400); // felt with the eyes closed, where the phone can vibrate
  }
}

function countdown(seconds) {
  say(`Get in position: ${seconds}`, "countdown");
  if (seconds > 0) {
    window.setTimeout(() => countdown(seconds - 1), 1000);
    return;
  }
  recording = true;
  progress.hidden = false;
  say("Recording. Stay in position until the phone says it is done.", "recording");
  window.setTimeout(() => {
    if (firstTime === null && !finished) {
      fail("This browser gives no motion sensor readings (accelerometer and gyroscope are both needed).");
    }
  }, NO_SAMPLES_MS);
  fallback = window.setTimeout(() => {
    if (firstTime !== null) {
      finish();
    }
  }, NO_SAMPLES_MS + durationMs());
}

function showResult(result) {
  resultBox.hidden = false;
  document.getElementById("phone-interpretation").textContent = result.usable
    ? result.interpretation
    : "The recording could not be measured:";
  const reasons = document.getElementById("phone-reasons");
  reasons.replaceChildren(...result.reasons.map((reason) => {
    const item = document.createElement("li");
    item.textContent = reason;
    return item;
  }));
  say(result.usable ? "Saved." : "Saved, without numbers.", "done");
  root.dataset.recordId = String(result.record_id);
}

function onMessage(event) {
  const message = JSON.parse(event.data);
  if (message.type === "ready") {
    countdown(Number(root.dataset.countdownS));
  } else if (message.type === "result") {
    showResult(message);
    socket.close(1000);
  } else if (message.type === "error") {
    fail(message.message);
  }
}

async function askPermission(kind) {
  if (typeof kind === "undefined" || typeof kind.requestPermission !== "function") {
    return true; // browsers without the prompt allow motion in a secure context
  }
  try {
    return (await kind.requestPermission()) === "granted";
  } catch {
    return false;
  }
}

async function start() {
  startButton.disabled = true;
  if (!window.isSecureContext) {
    fail("Motion sensors work only over HTTPS: open the link kinesense serve --lan printed.");
    return;
  }
  // both prompts are asked for inside the tap (iOS refuses a request made after an await)
  const [motionAllowed] = await Promise.all([
    askPermission(window.DeviceMotionEvent),
    askPermission(window.DeviceOrientationEvent),
  ]);
  if (!motionAllowed) {
    fail("The motion sensors were not allowed. Allow motion and orientation access for this site in the browser's settings, then make a new code.");
    return;
  }
  window.addEventListener("devicemotion", onMotion);
  window.addEventListener("deviceorientation", onOrientation);
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${window.location.host}${root.dataset.socketPath}`);
  socket.addEventListener("message", onMessage);
  socket.addEventListener("close", (event) => {
    if (!finished && !recording && event.code !== 1000) {
      fail(event.reason || "The connection to kinesense was lost: make a new code on the computer.");
    } else if (recording && !finished) {
      fail("The connection to kinesense was lost: make a new code on the computer.");
    }
  });
  say("Connecting…", "connecting");
  startButton.hidden = true;
}

if (root && startButton) {
  startButton.addEventListener("click", start);
}
