// Cheap live guidance while the guest frames their selfie: the mean
// brightness of the middle of the preview, where the face should be. It
// runs on a tiny canvas a few times a second; the server's quality check
// after upload stays the real judge.

// The server refuses faces darker than 40 or brighter than 220 (mean luma
// of the face, src/vision/face_quality.h); warn a little inside that range.
export const DARK_BELOW = 50;
export const BRIGHT_ABOVE = 210;

// The centre region of a width×height frame, as a fraction of each side.
export function centreRegion(width, height, fraction = 0.5) {
  const w = Math.max(1, Math.round(width * fraction));
  const h = Math.max(1, Math.round(height * fraction));
  return { x: Math.round((width - w) / 2), y: Math.round((height - h) / 2), width: w, height: h };
}

// RGBA bytes (ImageData.data) → mean BT.601 luma 0-255, the same measure
// the server uses. null for no pixels.
export function meanLuma(rgba) {
  const count = Math.floor((rgba?.length ?? 0) / 4);
  if (count === 0) return null;
  let sum = 0;
  for (let i = 0; i < count * 4; i += 4) {
    sum += 0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2];
  }
  return sum / count;
}

// Luma → the catalogue key of the hint to show (null: nothing measured yet).
export function lightAdvice(luma) {
  if (luma === null || !Number.isFinite(luma)) return null;
  if (luma < DARK_BELOW) return 'guideTooDark';
  if (luma > BRIGHT_ABOVE) return 'guideTooBright';
  return 'guideOk';
}
