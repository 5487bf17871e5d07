// The pose model in a module Web Worker: frames (ImageBitmap) in, the first person's landmarks
// out. Runs @mediapipe/tasks-vision (vendored under /static/vendor/tasks-vision/) on the CPU
// delegate in VIDEO mode with one pose; nothing leaves the device from here. With `face` in the
// init message it also runs the face landmarker (one face, with the head pose matrix) on the
// same frames, for exercises and tests that track the head.
//
// Messages in:  {type: "init", wasm: <folder URL>, model: <.task URL>, face: <.task URL, optional>}
//               {type: "frame", bitmap: ImageBitmap, t: <ms>, luma: <bool>}
// Messages out: {type: "ready", ms} | {type: "error", message}
//               {type: "result", t, lm, wl, luma, ms} (+ with the face: fm, fb, bg, faceMs, greyMs)
import { FaceLandmarker, FilesetResolver, PoseLandmarker } from "/static/vendor/tasks-vision/vision_bundle.mjs";

let landmarker = null;
let faces = null;
let lastMs = -1;

// The wasm loader is a classic script that ends with an AMD `define` call: a module worker has no
// importScripts, so tasks-vision's `self.import` hook imports it and catches the define. Imported
// as a module it runs in strict mode, where a function declared inside a block stays in the
// block: the one its debug logger declares so is provided here.
// A module runs once: the second task (the face landmarker) gets the factory the first import
// caught, and makes its own wasm instance with it.
self.custom_dbg = (...args) => console.warn(...args);
const factories = new Map();
self.import = async (url) => {
  if (factories.has(url)) { self.ModuleFactory = factories.get(url); return; }
  const found = new Promise((resolve) => {
    self.define = (deps, factory) => { self.ModuleFactory = factory(); resolve(); };
    self.define.amd = true;
  });
  await import(url);
  await found;
  delete self.define;
  factories.set(url, self.ModuleFactory);
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

// The face path's grey copy: every GREY_STEP-th pixel of the frame (nearest neighbour, no
// smoothing), as kinesense.capture.head_extract.grey_sample takes it, so that the video path's
// thresholds on luma and background change hold.
const GREY_STEP = 4;
// The face box is widened by this share of its size on each side before the background is
// compared (kinesense.capture.head_extract.FACE_BOX_MARGIN).
const FACE_BOX_MARGIN = 0.5;
let greyCanvas = null;
let previousGrey = null;

function greySample(bitmap) {
  const w = Math.ceil(bitmap.width / GREY_STEP);
  const h = Math.ceil(bitmap.height / GREY_STEP);
  if (!greyCanvas || greyCanvas.width !== w || greyCanvas.height !== h) greyCanvas = new OffscreenCanvas(w, h);
  const ctx = greyCanvas.getContext("2d", { willReadFrequently: true });
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(bitmap, 0, 0, w, h);
  const data = ctx.getImageData(0, 0, w, h).data;
  const grey = new Float32Array(w * h);
  for (let i = 0, j = 0; j < grey.length; i += 4, j += 1) grey[j] = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  return { grey, w, h };
}

// Mean absolute grey change from the previous sample outside the widened face box (box in
// pixels of the frame; the whole frame when there is no face): head_extract.background_change.
function backgroundChange(previous, current, box) {
  const { w, h } = current;
  let c0 = 0, c1 = 0, r0 = 0, r1 = 0;
  if (box) {
    const [x0, y0, x1, y1] = box;
    const mx = FACE_BOX_MARGIN * (x1 - x0), my = FACE_BOX_MARGIN * (y1 - y0);
    c0 = Math.max(0, Math.floor((x0 - mx) / GREY_STEP)); c1 = Math.floor((x1 + mx) / GREY_STEP) + 1;
    r0 = Math.max(0, Math.floor((y0 - my) / GREY_STEP)); r1 = Math.floor((y1 + my) / GREY_STEP) + 1;
  }
  let sum = 0, count = 0;
  for (let r = 0; r < h; r += 1) {
    const inRows = r >= r0 && r < r1;
    for (let c = 0; c < w; c += 1) {
      if (inRows && c >= c0 && c < c1) continue;
      const k = r * w + c;
      sum += Math.abs(current.grey[k] - previous.grey[k]);
      count += 1;
    }
  }
  return count ? sum / count : null;
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
  const warmUp = monotone(0);
  landmarker.detectForVideo(blank, warmUp);
  if (message.face) {
    faces = await FaceLandmarker.createFromOptions(files, {
      baseOptions: { modelAssetPath: message.face, delegate: "CPU" },
      runningMode: "VIDEO",
      numFaces: 1,
      outputFaceBlendshapes: false,
      outputFacialTransformationMatrixes: true,
    });
    faces.detectForVideo(blank, warmUp);
  }
  postMessage({ type: "ready", ms: performance.now() - started });
}

// The face of a frame: the head pose matrix (16 numbers, column-major as tasks-vision gives it),
// the landmarks' box normalised to the frame, the frame's mean luma and the background change
// (null on the first frame), and what each part cost (ms).
function detectFace(bitmap, ms) {
  const started = performance.now();
  const found = faces.detectForVideo(bitmap, ms);
  const faceMs = performance.now() - started;
  let fm = null;
  let fb = null;
  const matrix = found.facialTransformationMatrixes && found.facialTransformationMatrixes[0];
  if (found.faceLandmarks && found.faceLandmarks.length && matrix && matrix.data.length === 16) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const p of found.faceLandmarks[0]) {
      x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
    }
    fm = Array.from(matrix.data, (v) => round(v, 6));
    fb = [round(x0, 5), round(y0, 5), round(x1, 5), round(y1, 5)];
  }
  const greyStarted = performance.now();
  const current = greySample(bitmap);
  let sum = 0;
  for (const v of current.grey) sum += v;
  const box = fb && [fb[0] * bitmap.width, fb[1] * bitmap.height, fb[2] * bitmap.width, fb[3] * bitmap.height];
  const change = previousGrey && previousGrey.w === current.w ? backgroundChange(previousGrey, current, box) : null;
  previousGrey = current;
  return { fm, fb, luma: round(sum / current.grey.length, 1), bg: change === null ? null : round(change, 2),
    faceMs, greyMs: performance.now() - greyStarted };
}

function detect(message) {
  const started = performance.now();
  const bitmap = message.bitmap;
  const ms = monotone(message.t);
  const luma = message.luma && !faces ? round(meanLuma(bitmap), 1) : null;
  const found = landmarker.detectForVideo(bitmap, ms);
  const face = faces ? detectFace(bitmap, ms) : null;
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
  const result = { type: "result", t: message.t, lm, wl, luma, ms: performance.now() - started };
  postMessage(face ? Object.assign(result, face) : result);
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
