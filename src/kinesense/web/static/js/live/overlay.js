// The skeleton overlay: the person's landmarks drawn on a canvas laid over the video.
// Landmarks come flat, 33 x [x, y, z, visibility], x and y normalised to the frame.

const MIN_VISIBILITY = 0.5; // as kinesense.landmarks.MIN_VISIBILITY
const BONES = [
  [11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24],
  [23, 25], [25, 27], [27, 29], [29, 31], [27, 31], [24, 26], [26, 28], [28, 30], [30, 32], [28, 32],
  [0, 11], [0, 12],
];

export function drawSkeleton(canvas, lm, tracking) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!lm) return;
  const w = canvas.width;
  const h = canvas.height;
  const point = (i) => [lm[4 * i] * w, lm[4 * i + 1] * h, lm[4 * i + 3]];
  ctx.lineWidth = Math.max(2, w / 200);
  ctx.strokeStyle = tracking ? "#2a9d8f" : "#e9c46a";
  ctx.lineCap = "round";
  for (const [a, b] of BONES) {
    const [ax, ay, av] = point(a);
    const [bx, by, bv] = point(b);
    if (av < MIN_VISIBILITY || bv < MIN_VISIBILITY) continue;
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    ctx.stroke();
  }
  ctx.fillStyle = "#ffffff";
  for (let i = 11; i < 33; i++) {
    const [x, y, v] = point(i);
    if (v < MIN_VISIBILITY) continue;
    ctx.beginPath();
    ctx.arc(x, y, ctx.lineWidth * 1.2, 0, 2 * Math.PI);
    ctx.fill();
  }
}
