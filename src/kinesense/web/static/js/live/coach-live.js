// The live coaching page: camera -> pose worker -> landmarks over the WebSocket -> the coach's
// events back -> counter, hold timer, rest countdown, set progress, cue (shown and spoken) and
// the skeleton overlay. Video frames stay in this browser: only landmarks are sent.
import { FrameClock, openCamera, startPoseWorker } from "./device-pose.js";
import { drawSkeleton } from "./overlay.js";
import { LiveSocket } from "./live-socket.js";
import { Speaker } from "./speech.js";

const root = document.getElementById("live");
const $ = (id) => document.getElementById(id);
const video = $("live-video");
const canvas = $("live-overlay");
// The event kinds whose message is spoken: kinesense.coach.drivers.SPOKEN_KINDS.
const SPOKEN = new Set(["rep", "form_fault", "hold_start", "hold_end", "hold_broken", "set_done",
  "rest_start", "rest_end", "exercise_done", "tracking_lost", "position", "trial",
  "practice_summary"]);

// Exercises that track the head: the worker runs the face model too (data-face-model).
const faceModel = root.dataset.faceModel || null;
const live = {
  frames: 0, sent: 0, lastT: -1, skipped: 0, latencies: [], detectMs: [], ready: false, coaching: false,
  done: false, saved: null, error: null, panel: null, events: [], speaker: new Speaker(),
  face: Boolean(faceModel), faceSent: 0, faceMs: [], greyMs: [], trials: [], summary: null,
};
window.kinesenseLive = live; // read by the tests and the latency benchmark

let worker = null;
let socket = null;
let busy = false;
const clock = new FrameClock();
let lastInstruction = null;
let skipCheck = false;
// ?seconds=N ends the session after N seconds of frames (as `kinesense coach --seconds`).
const limitMs = root.dataset.seconds ? Number(root.dataset.seconds) * 1000 : null;

function show(id, visible) { $(id).hidden = !visible; }

function say(text) { live.speaker.say(text); }

function status(text, kind = "") {
  const box = $("live-status");
  box.textContent = text;
  box.className = `message ${kind}`.trim();
}

function setPanel(panel) {
  live.panel = panel;
  live.coaching = panel.coaching;
  $("reps").textContent = String(panel.reps);
  $("reps-target").textContent = panel.reps_target ? ` of ${panel.reps_target}` : "";
  $("hold-seconds").textContent = panel.hold_s.toFixed(1);
  $("set-progress").textContent = panel.sets_total ? `Set ${panel.set} of ${panel.sets_total}` : "";
  const resting = panel.rest_s !== null;
  show("rest-box", resting);
  if (resting) $("rest-seconds").textContent = String(Math.ceil(panel.rest_s));
  const instructions = panel.instructions;
  show("setup-box", !panel.coaching);
  $("setup-instructions").textContent = instructions.join(" ");
  if (!panel.coaching && instructions.length && instructions[0] !== lastInstruction) {
    lastInstruction = instructions[0];
    say(lastInstruction);
  }
  $("cue").textContent = panel.lost && panel.coaching ? "I can't see you: step back into view." : (panel.cue || "");
  if (panel.done && !live.done) finishAfterFeedback();
}

// A practice with knowledge of results scores the last return and sums up after the last
// repetition: finish once the summary came (or FEEDBACK_WAIT_MS later at most).
const FEEDBACK_WAIT_MS = 15000;
let feedbackTimer = null;

function finishAfterFeedback() {
  if (!root.dataset.feedback || live.summary) { finish(); return; }
  if (feedbackTimer === null) feedbackTimer = setTimeout(finish, FEEDBACK_WAIT_MS);
}

function onMessage(message) {
  if (message.type === "ready") {
    status(message.resumed ? "Connection back: carrying on." : "Connected.");
    if (skipCheck && !message.resumed) socket.send({ type: "skip_setup" });
  } else if (message.type === "step") {
    if (message.dup) return;
    for (const event of message.events) {
      live.events.push(event);
      if (SPOKEN.has(event.kind) && event.message) say(event.message);
      if (event.kind === "trial" || event.kind === "practice_summary") showFeedback(event);
    }
    setPanel(message.panel);
  } else if (message.type === "saved") {
    live.saved = message;
    showSaved(message);
  } else if (message.type === "error") {
    live.error = message;
    status(message.message, "error");
  }
}

// Knowledge of results (head repositioning practice): each trial's error and direction, then
// the practice summary.
function showFeedback(event) {
  if (event.kind === "trial") {
    live.trials.push(event);
    const item = document.createElement("li");
    item.textContent = event.message;
    item.dataset.errorDeg = String(event.data.error_deg ?? "");
    $("live-trials").append(item);
    show("live-trials-box", true);
  } else {
    live.summary = event;
    $("live-practice").textContent = event.message;
    show("live-practice", true);
    if (live.panel && live.panel.done) finish();
  }
}

function showSaved(message) {
  if (message.practice_summary && !live.summary) showFeedback({ kind: "practice_summary", message: message.practice_summary });
  const holds = message.holds_s.map((s) => `${s.toFixed(1)} s`).join(", ");
  const parts = [`${message.reps} repetition${message.reps === 1 ? "" : "s"}`];
  if (message.holds_s.length) parts.push(`holds: ${holds}`);
  const summary = $("live-summary");
  summary.dataset.reps = String(message.reps);
  summary.dataset.holds = JSON.stringify(message.holds_s);
  summary.textContent = `Session ${message.record_id === null ? "not saved (the camera check never passed)" : "saved"}: ${parts.join("; ")}.`;
  if (message.url) {
    const link = $("live-session-link");
    link.href = message.url;
    link.hidden = false;
  }
  show("live-done", true);
}

function stopCamera() {
  const stream = video.srcObject;
  if (stream) for (const track of stream.getTracks()) track.stop();
  video.srcObject = null;
}

function finish() {
  if (live.done) return;
  live.done = true;
  stopCamera();
  const message = { type: "finish" };
  for (const name of ["pain_before", "pain_after"]) {
    const value = $(name).value;
    if (value !== "") message[name] = Number(value);
  }
  socket.send(message);
  status("Saving the session...");
  show("live-controls", false);
}

function onFrame(now, metadata) {
  if (live.done) return;
  video.requestVideoFrameCallback(onFrame);
  live.frames += 1;
  if (busy || !live.ready) { live.skipped += 1; return; }
  const t = clock.time(now, metadata);
  if (limitMs !== null && t > limitMs) { finish(); return; }
  busy = true;
  const shownAt = now;
  createImageBitmap(video).then((bitmap) => {
    worker.onmessage = (event) => onResult(event.data, shownAt);
    worker.postMessage({ type: "frame", bitmap, t, luma: !live.coaching }, [bitmap]);
  }, () => { busy = false; });
}

function onResult(result, shownAt) {
  busy = false;
  if (result.type === "error") { status(`The pose model stopped: ${result.message}`, "error"); return; }
  if (live.done) return;
  live.detectMs.push(result.ms);
  drawSkeleton(canvas, result.lm, live.panel ? !live.panel.lost : true);
  live.latencies.push(performance.now() - shownAt);
  live.lastT = result.t;
  if (live.face) {
    live.faceMs.push(result.faceMs);
    live.greyMs.push(result.greyMs);
    if (result.fm) live.faceSent += 1;
  }
  socket.frame(result.t, result.lm, result.wl, result.luma, live.face ? result : null);
  live.sent += 1;
  live.speaker.tick();
}

async function startWorker() {
  const started = await startPoseWorker(root.dataset.model, faceModel);
  worker = started.worker;
  live.modelMs = started.ms;
}

async function start(withCheck) {
  skipCheck = !withCheck;
  show("live-intro", false);
  show("live-stage", true);
  status(`Loading the ${live.face ? "pose and face models" : "pose model"} (${live.face ? "they run" : "it runs"} on this device)...`);
  try {
    await startWorker();
  } catch (error) {
    status(`The pose model could not start: ${error.message}`, "error");
    return;
  }
  try {
    await openCamera(video, canvas);
  } catch (error) {
    status(error.message, "error");
    return;
  }
  socket = new LiveSocket(
    { type: "start", v: 1, exercise: root.dataset.exercise, width: video.videoWidth, height: video.videoHeight },
    {
      message: onMessage,
      reconnecting: (wait) => status(`Connection lost: trying again in ${Math.round(wait / 100) / 10} s...`, "error"),
      closed: (event) => {
        if (!live.saved && event.code !== 1000) {
          live.error = live.error || { code: event.code, message: event.reason };
          status(event.reason || "The connection closed.", "error");
          stopCamera();
          live.done = true;
        }
      },
    },
  );
  window.kinesenseLiveSocket = socket;
  socket.connect();
  live.ready = true;
  show("live-controls", true);
  video.requestVideoFrameCallback(onFrame);
}

$("start-check").addEventListener("click", () => start(true));
$("start-now").addEventListener("click", () => start(false));
$("skip-check").addEventListener("click", () => socket && socket.send({ type: "skip_setup" }));
$("finish").addEventListener("click", finish);
