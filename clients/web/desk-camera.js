// The desk's "Scan QR" camera: reads invitation QR codes with the same
// decoder and dedupe as the kiosk and hands each new code to onCode. The
// camera runs only while the staff have it switched on.
import { startCamera, stopStream } from './camera.js';
import { decodeFrame } from './kiosk-qr-scanner.js';
import { QR_SCAN_INTERVAL_MS, createQrGate } from './kiosk-qr.js';

// video/canvas: elements. onCode(code) → a promise (the check-in); the
// next scan waits for it, so one guest's phone is never sent twice at once.
// onEnded() is told when the camera stops by itself (unplugged).
export function createDeskCamera({ video, canvas, onCode, onEnded = () => {} }) {
  const gate = createQrGate();
  let stream = null;
  let timer = null;
  let busy = false;

  async function tick() {
    timer = setTimeout(tick, QR_SCAN_INTERVAL_MS);
    if (busy || document.hidden) return;
    let text = null;
    try {
      text = decodeFrame(video, canvas);
    } catch {
      return; // the camera went away between frames
    }
    const code = text ? gate.accept(text) : null;
    if (!code) return;
    busy = true;
    try {
      await onCode(code);
    } finally {
      busy = false;
    }
  }

  function stop() {
    clearTimeout(timer);
    timer = null;
    stopStream(stream);
    stream = null;
    video.srcObject = null;
  }

  return {
    // Rejects with the getUserMedia error (camera.js's cameraErrorKey
    // words it).
    async start() {
      if (stream) return;
      // "environment" is only a preference: a tablet uses its back camera,
      // a laptop its only one.
      stream = await startCamera(video, { facingMode: 'environment', width: 1280, height: 720 });
      // Mirror a front camera only, so a guest can aim their phone at it.
      const facing = stream.getVideoTracks()[0]?.getSettings?.().facingMode;
      video.dataset.mirror = facing === 'environment' ? 'false' : 'true';
      for (const track of stream.getTracks()) {
        track.addEventListener('ended', () => { stop(); onEnded(); }, { once: true });
      }
      timer = setTimeout(tick, QR_SCAN_INTERVAL_MS);
    },
    stop,
    get running() {
      return stream !== null;
    },
  };
}
