// The kiosk's face boxes: drawn over the (mirrored) video from a check-in
// answer, cleared after a moment. Moved out of kiosk.js unchanged.
import { scaleBox, clipToView } from './box-scaling.js';
import { boxTone } from './kiosk-logic.js';

const BOX_TTL_MS = 1500; // boxes from an old answer would float over nobody
const COLOURS = { ok: '#2ecc71', info: '#4aa3ff', bad: '#ff5c5c', neutral: '#f5f5f5' };

export function createOverlay(canvas, video) {
  let timer = null;

  function clear() {
    const ctx = canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
  }

  function draw(response) {
    const view = { width: canvas.clientWidth, height: canvas.clientHeight };
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(view.width * dpr);
    canvas.height = Math.round(view.height * dpr);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, view.width, view.height);
    // kiosk.css decides object-fit and mirroring; the boxes follow it.
    const frame = { width: response.width, height: response.height };
    const options = {
      fit: getComputedStyle(video).objectFit || 'cover',
      mirror: video.dataset.mirror !== 'false',
    };
    ctx.lineWidth = 4;
    ctx.font = '600 20px system-ui, sans-serif';
    ctx.textBaseline = 'bottom';
    for (const face of response.faces || []) {
      if (!Array.isArray(face.box)) continue;
      const rect = clipToView(scaleBox(face.box, frame, view, options), view);
      if (!rect) continue;
      ctx.strokeStyle = ctx.fillStyle = COLOURS[boxTone(face.status)];
      ctx.strokeRect(rect.x, rect.y, rect.width, rect.height);
      if (face.person?.name) ctx.fillText(face.person.name, rect.x, Math.max(22, rect.y - 6));
    }
    clearTimeout(timer);
    timer = setTimeout(clear, BOX_TTL_MS);
  }

  return { draw, clear };
}
