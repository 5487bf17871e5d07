// What every live page does on the person's device before landmarks go anywhere: start the pose
// worker (and the face model when asked), open the camera, and time frames in whole, strictly
// increasing milliseconds from the first frame (MediaPipe's VIDEO mode and the server need it).
// Used by the live coaching page (coach-live.js) and the guided tests (guided-live.js).

// Frame times in whole milliseconds from the first frame, strictly increasing.
export class FrameClock {
  constructor() {
    this.first = null;
    this.last = -1;
  }

  time(now, metadata) {
    const raw = metadata.captureTime ?? metadata.expectedDisplayTime ?? now;
    if (this.first === null) this.first = raw;
    let t = Math.round(raw - this.first);
    if (t <= this.last) t = this.last + 1;
    this.last = t;
    return t;
  }
}

// The pose worker, ready: resolves with {worker, ms} (the model's load time), or rejects with
// the reason. modelUrl: the pose .task; faceUrl: the face .task, or null for the pose alone.
export function startPoseWorker(modelUrl, faceUrl) {
  return new Promise((resolve, reject) => {
    const worker = new Worker("/static/js/live/pose-worker.js", { type: "module" });
    worker.onmessage = (event) => {
      if (event.data.type === "ready") resolve({ worker, ms: event.data.ms });
      else reject(new Error(event.data.message));
    };
    worker.onerror = (event) => reject(new Error(event.message || "the pose worker failed"));
    const init = { type: "init", wasm: `${location.origin}/static/vendor/tasks-vision/wasm`,
      model: new URL(modelUrl, location.href).href };
    if (faceUrl) init.face = new URL(faceUrl, location.href).href;
    worker.postMessage(init);
  });
}

// The front camera playing in `video`, the overlay `canvas` sized to it; rejects with a message
// the person can act on when the camera cannot be opened.
export async function openCamera(video, canvas) {
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false });
  } catch (error) {
    throw new Error("The camera could not be opened: allow this page to use it, then reload.");
  }
  video.srcObject = stream;
  await video.play();
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
}
