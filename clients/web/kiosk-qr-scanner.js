// Reads invitation QR codes from the kiosk camera and checks their guests
// in. Decisions are in kiosk-qr.js; this file owns the timer, the small
// canvas and the vendored decoder.
import jsQR from './vendor-jsqr.js';
import { captureSize } from './camera.js';
import { QR_SCAN_INTERVAL_MS, createQrGate, shouldScan, qrCheckinResponse } from './kiosk-qr.js';

// 640 px wide is what the face loop sends too: a phone held at arm's
// length still gives a QR of 4+ pixels per module, and decoding stays fast.
const SCAN_MAX_WIDTH = 640;

// The current video frame → the decoded text, or null. Exported for the
// desk page's scanner, which reads the same cards.
export function decodeFrame(video, canvas) {
  const size = captureSize(video.videoWidth, video.videoHeight, SCAN_MAX_WIDTH);
  if (!size) return null;
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(video, 0, 0, size.width, size.height);
  const image = ctx.getImageData(0, 0, size.width, size.height);
  // Printed cards and phone screens are dark-on-light: skipping the
  // inverted pass halves the work.
  const found = jsQR(image.data, size.width, size.height, { inversionAttempts: 'dontInvert' });
  return found?.data || null;
}

// video/canvas: elements; state(): {running, hidden, faceInFlight,
// challengeActive}; request(code): the POST, resolving to its JSON;
// onResponse(faceShapedResponse) and onError(error) show the result.
export function createQrCheckin({ video, canvas, state, request, onResponse, onError }) {
  const gate = createQrGate();
  let timer = null;
  let inFlight = false;

  async function checkIn(code) {
    inFlight = true;
    try {
      onResponse(qrCheckinResponse(await request(code)));
    } catch (error) {
      onError(error);
    } finally {
      inFlight = false;
    }
  }

  function tick() {
    // Plan the next scan first, so a throwing frame cannot stop the loop.
    timer = setTimeout(tick, QR_SCAN_INTERVAL_MS);
    if (!shouldScan({ ...state(), qrInFlight: inFlight })) return;
    let text = null;
    try {
      text = decodeFrame(video, canvas);
    } catch {
      return; // e.g. the camera went away between frames
    }
    const code = text ? gate.accept(text) : null;
    if (code) checkIn(code);
  }

  return {
    start() {
      if (timer === null) timer = setTimeout(tick, QR_SCAN_INTERVAL_MS);
    },
    stop() {
      clearTimeout(timer);
      timer = null;
    },
    get inFlight() {
      return inFlight;
    },
  };
}
