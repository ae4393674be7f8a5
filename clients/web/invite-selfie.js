// The guest's selfie: front camera with an oval guide and a light hint,
// a snapshot button, and a photo-file fallback (phones on plain http get
// no camera API, but a file input with capture="user" still opens the
// front camera). Hands each image to onImage; invite.js uploads it.
import { startCamera, stopStream, captureJpeg, cameraErrorKey } from './camera.js';
import { centreRegion, meanLuma, lightAdvice } from './selfie-guide.js';

const GUIDE_MS = 400;
const GUIDE_SIZE = { width: 32, height: 24 }; // enough pixels for a mean

const GUEST_CAMERA_KEYS = {
  cameraDenied: 'guestCameraDenied',
  cameraMissing: 'guestCameraMissing',
  cameraError: 'guestCameraError',
};

// els: {viewfinder, video, canvas, guideCanvas, guide, start, capture, file};
// t(key, vars): the page's translate; onImage(blob): upload it.
export function createSelfie({ els, t, onImage }) {
  let stream = null;
  let guideTimer = null;
  let guide = null; // {key, vars}: re-rendered when the language changes

  function showGuide(key, vars = {}, kind = 'info') {
    guide = key ? { key, vars } : null;
    els.guide.hidden = !key;
    els.guide.dataset.kind = kind;
    els.guide.textContent = key ? t(key, vars) : '';
  }

  // Samples the middle of the preview, where the oval is.
  function measure() {
    const { videoWidth: w, videoHeight: h } = els.video;
    if (!(w > 0 && h > 0)) return;
    const region = centreRegion(w, h);
    const canvas = els.guideCanvas;
    canvas.width = GUIDE_SIZE.width;
    canvas.height = GUIDE_SIZE.height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(els.video, region.x, region.y, region.width, region.height,
      0, 0, GUIDE_SIZE.width, GUIDE_SIZE.height);
    const key = lightAdvice(meanLuma(ctx.getImageData(0, 0, GUIDE_SIZE.width, GUIDE_SIZE.height).data));
    if (key) showGuide(key, {}, key === 'guideOk' ? 'ok' : 'warn');
  }

  function stop() {
    clearInterval(guideTimer);
    guideTimer = null;
    stopStream(stream);
    stream = null;
    els.video.srcObject = null;
    els.viewfinder.hidden = true;
    els.capture.hidden = true;
    els.start.hidden = false;
    if (guide && guide.key.startsWith('guide')) showGuide(null);
  }

  async function start() {
    if (stream) return;
    try {
      els.viewfinder.hidden = false;
      stream = await startCamera(els.video, { facingMode: 'user', width: 1280, height: 720 });
    } catch (error) {
      stop();
      showGuide(GUEST_CAMERA_KEYS[cameraErrorKey(error)], { detail: error?.message || error?.name || '?' }, 'error');
      return;
    }
    els.start.hidden = true;
    els.capture.hidden = false;
    guideTimer = setInterval(measure, GUIDE_MS);
  }

  async function snapshot() {
    // Unmirrored, like the kiosk's frames: the server must see the real face.
    const blob = await captureJpeg(els.video, els.canvas, { maxWidth: 1280, quality: 0.92 });
    if (blob) await onImage(blob);
  }

  els.start.addEventListener('click', start);
  els.capture.addEventListener('click', async () => {
    els.capture.disabled = true;
    try {
      await snapshot();
    } finally {
      els.capture.disabled = false;
    }
  });
  els.file.addEventListener('change', async () => {
    const file = els.file.files[0];
    els.file.value = ''; // choosing the same photo again must fire again
    if (file) await onImage(file);
  });

  return {
    start,
    stop,
    get running() {
      return stream !== null;
    },
    retranslate() {
      if (guide) els.guide.textContent = t(guide.key, guide.vars);
    },
  };
}
