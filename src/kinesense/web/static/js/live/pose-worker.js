// The pose model in a module Web Worker: frames (ImageBitmap) in, the first person's landmarks
// out. Runs @mediapipe/tasks-vision (vendored under /static/vendor/tasks-vision/) on the CPU
// delegate in VIDEO mode with one pose; nothing leaves the device from here.
//
// Messages in:  {type: "init", wasm: <folder URL>, model: <.task URL>}
//               {type: "frame", bitmap: ImageBitmap, t: <ms>, luma: <bool>}
// Messages out: {type: "ready", ms} | {type: "result", t, lm, wl, luma, ms} | {type: "error", message}
import { FilesetResolver, PoseLandmarker } from "/static/vendor/tasks-vision/vision_bundle.mjs";

let landmarker = null;
let lastMs = -1;

// The wasm loader is a classic script that ends with an AMD `define` call: a module worker has no
// importScripts, so tasks-vision's `self.import` hook imports it and catches the define. Imported
// as a module it runs in strict mode, where a function declared inside a block stays in the
// block: the one its debug logger declares so is provided here.
self.custom_dbg = (...args) => console.warn(...args);
self.import = async (url) => {
  const found = new Promise((resolve) => {
    self.define = (deps, factory) => { self.ModuleFactory = factory(); resolve(); };
    self.define.amd = true;
  });
  await import(url);
  await found;
  delete self.define;
};

// VIDEO mode needs strictly increasing whole milliseconds, or the landmarker stops.
function monotone(t) {
  let ms = Math.round(t);
  if (ms <= lastMs) ms = lastMs + 1;
  lastMs = ms;
  return ms;
}

const LUMA_W = 32;
let lumaCanvas = null;

// Mean luma (ITU-R BT.601), 0-255, of a frame shrunk to 32 pixels wide.
function meanLuma(bitmap) {
  const h = Math.max(1, Math.round((LUMA_W * bitmap.height) / bitmap.width));
  if (!lumaCanvas || lumaCanvas.height !== h) lumaCanvas = new OffscreenCanvas(LUMA_W, h);
  const ctx = lumaCanvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0, LUMA_W, h);
  const data = ctx.getImageData(0, 0, LUMA_W, h).data;
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  return sum / (data.length / 4);
}

function round(v, digits) {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

async function init(message) {
  const started = performance.now();
  const files = await FilesetResolver.forVisionTasks(message.wasm);
  landmarker = await PoseLandmarker.createFromOptions(files, {
    baseOptions: { modelAssetPath: message.model, delegate: "CPU" },
    runningMode: "VIDEO",
    numPoses: 1,
  });
  // The first detection sets the model up (about half a second): do it now, on a blank frame at
  // time 0, not on the person's first frame.
  const blank = new OffscreenCanvas(64, 64);
  blank.getContext("2d").fillRect(0, 0, 64, 64);
  landmarker.detectForVideo(blank, monotone(0));
  postMessage({ type: "ready", ms: performance.now() - started });
}

function detect(message) {
  const started = performance.now();
  const bitmap = message.bitmap;
  const luma = message.luma ? round(meanLuma(bitmap), 1) : null;
  const found = landmarker.detectForVideo(bitmap, monotone(message.t));
  bitmap.close();
  let lm = null;
  let wl = null;
  if (found.landmarks && found.landmarks.length) {
    lm = [];
    for (const p of found.landmarks[0]) lm.push(round(p.x, 5), round(p.y, 5), round(p.z, 5), round(p.visibility ?? 0, 4));
    const world = found.worldLandmarks && found.worldLandmarks[0];
    if (world && world.length === 33) {
      wl = [];
      for (const p of world) wl.push(round(p.x, 4), round(p.y, 4), round(p.z, 4));
    }
  }
  postMessage({ type: "result", t: message.t, lm, wl, luma, ms: performance.now() - started });
}

onmessage = async (event) => {
  const message = event.data;
  try {
    if (message.type === "init") await init(message);
    else if (message.type === "frame") detect(message);
  } catch (error) {
    if (message.bitmap) message.bitmap.close();
    postMessage({ type: "error", message: String(error && error.message ? error.message : error) });
  }
};
