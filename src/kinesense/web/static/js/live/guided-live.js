// A guided live test (/measure/live/{test}): camera -> pose worker -> landmarks over
// /live/tests/ws -> the server's phases back: the camera check's instructions, the spoken
// countdown ("3, 2, 1, lift one foot"), the seconds recorded, then the measured result.
// Video frames stay in this browser: only landmarks are sent (docs/live-protocol.md, "Guided tests").
// A test that reads the head's pose (data-face-model) runs the face model too and sends its head
// pose matrix, face box and background change with each frame; the lines the server says during
// the recording (the head test's timed prompts: the person's eyes are closed) are spoken.
import { FrameClock, openCamera, startPoseWorker } from "./device-pose.js";
import { drawSkeleton } from "./overlay.js";
import { LiveSocket } from "./live-socket.js";
import { Speaker } from "./speech.js";

const root = document.getElementById("guided");
const $ = (id) => document.getElementById(id);
const video = $("live-video");
const canvas = $("live-overlay");
const faceModel = root.dataset.faceModel || null;

// The same protocol and reconnection rules as live coaching, on the guided tests' socket. A
// guided test has no token, so a dropped connection ends it (the person starts again).
class GuidedSocket extends LiveSocket {
  url() {
    return super.url().replace(/\/live\/ws$/, "/live/tests/ws");
  }
}

const guided = {
  frames: 0, sent: 0, lastT: -1, phase: null, said: [], instructions: [], countdown: null,
  recorded: 0, ready: false, done: false, result: null, error: null, speaker: new Speaker(),
  face: Boolean(faceModel), faceSent: 0,
};
window.kinesenseGuided = guided; // read by the tests and the screenshots

let worker = null;
let socket = null;
let busy = false;
const clock = new FrameClock();

function show(id, visible) { $(id).hidden = !visible; }

function status(text, kind = "") {
  const box = $("guided-status");
  box.textContent = text;
  box.className = `message ${kind}`.trim();
}

// Lines of the test's script are all spoken, in order (the browser queues utterances): the
// person may have their eyes closed. The camera check's instructions go through the Speaker,
// which does not repeat itself.
function announce(text) {
  guided.said.push(text);
  $("said").textContent = text;
  if ("speechSynthesis" in window) window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
}

function onStep(step) {
  if (step.dup) return;
  guided.phase = step.phase;
  guided.instructions = step.instructions;
  guided.countdown = step.countdown;
  guided.recorded = step.recorded_s;
  const checking = step.phase === "check";
  show("setup-box", checking);
  $("setup-instructions").textContent = step.instructions.join(" ");
  for (const line of step.say) {
    if (checking) { guided.speaker.say(line); guided.said.push(line); } else announce(line);
  }
  show("countdown", step.countdown !== null);
  $("countdown").textContent = step.countdown === null ? "" : String(step.countdown);
  $("recorded").textContent = step.recorded_s.toFixed(1);
  if (step.phase === "record") status("Recording...");
  if (step.done) { status("Measuring..."); stopCamera(); }
}

function onMessage(message) {
  if (message.type === "ready") {
    status("Connected.");
  } else if (message.type === "step") {
    onStep(message);
  } else if (message.type === "result") {
    guided.result = message;
    showResult(message);
  } else if (message.type === "error") {
    guided.error = message;
    status(message.message, "error");
  }
}

function showResult(message) {
  guided.done = true;
  stopCamera();
  show("guided-controls", false);
  show("guided-view", false); // the camera is off: its picture would be an empty box
  const box = $("guided-result");
  box.dataset.usable = String(message.usable);
  box.textContent = message.usable
    ? (message.interpretation || "Measured and saved.")
    : "This recording could not be measured (it is saved with the reasons):";
  const list = $("guided-reasons");
  list.replaceChildren(...message.reasons.map((reason) => {
    const item = document.createElement("li");
    item.textContent = reason;
    return item;
  }));
  const link = $("guided-result-link");
  link.href = message.url;
  link.hidden = false;
  status("Saved.");
  show("guided-done", true);
}

function stopCamera() {
  guided.done = true;
  const stream = video.srcObject;
  if (stream) for (const track of stream.getTracks()) track.stop();
  video.srcObject = null;
}

function finishNow() {
  if (!socket || guided.done) return;
  stopCamera();
  socket.send({ type: "finish" });
  status("Measuring...");
}

// ?seconds=N: the page stops sending after N seconds of frames (a recorded clip as the camera
// must not loop); the server ends the recording sooner when the test's time is up.
const limitMs = root.dataset.seconds ? Number(root.dataset.seconds) * 1000 : null;

function onFrame(now, metadata) {
  if (guided.done) return;
  video.requestVideoFrameCallback(onFrame);
  guided.frames += 1;
  if (busy || !guided.ready) return;
  const t = clock.time(now, metadata);
  if (limitMs !== null && t > limitMs) { finishNow(); return; }
  busy = true;
  createImageBitmap(video).then((bitmap) => {
    worker.postMessage({ type: "frame", bitmap, t, luma: guided.phase === null || guided.phase === "check" }, [bitmap]);
  }, () => { busy = false; });
}

function onResult(result) {
  busy = false;
  if (result.type === "error") { status(`The pose model stopped: ${result.message}`, "error"); return; }
  if (guided.done) return;
  drawSkeleton(canvas, result.lm, true);
  guided.lastT = result.t;
  if (guided.face && result.fm) guided.faceSent += 1;
  socket.frame(result.t, result.lm, result.wl, result.luma, guided.face ? result : null);
  guided.sent += 1;
  guided.speaker.tick();
}

async function startWorker() {
  worker = (await startPoseWorker(root.dataset.modelUrl, faceModel)).worker;
  worker.onmessage = (event) => onResult(event.data);
}

function startMessage(width, height) {
  const start = { type: "start", v: 1, test: root.dataset.test, option: root.dataset.option,
    width, height, model: root.dataset.model };
  if (root.dataset.seconds) start.seconds = Number(root.dataset.seconds);
  if (root.dataset.countdown !== undefined) start.countdown_s = Number(root.dataset.countdown);
  const sex = $("sex");
  if (sex && sex.value) start.sex = sex.value;
  return start;
}

async function start(withCheck) {
  show("guided-intro", false);
  show("guided-stage", true);
  status(guided.face ? "Loading the pose and face models (they run on this device)..."
    : "Loading the pose model (it runs on this device)...");
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
  socket = new GuidedSocket(startMessage(video.videoWidth, video.videoHeight), {
    message: onMessage,
    reconnecting: () => {},
    closed: (event) => {
      if (!guided.result && event.code !== 1000) {
        guided.error = guided.error || { code: event.code, message: event.reason };
        status(event.reason || "The connection closed: start the test again.", "error");
        stopCamera();
      }
    },
  });
  window.kinesenseGuidedSocket = socket;
  socket.connect();
  if (!withCheck) socket.send({ type: "skip_setup" });
  guided.ready = true;
  video.requestVideoFrameCallback(onFrame);
}

$("start-check").addEventListener("click", () => start(true));
$("start-now").addEventListener("click", () => start(false));
$("skip-check").addEventListener("click", () => socket && socket.send({ type: "skip_setup" }));
$("finish").addEventListener("click", finishNow);
