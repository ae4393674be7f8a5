// Enrol a face for one person, from a file or a webcam snapshot, and show
// the server's quality verdict (or its refusal, word for word).
import { byId, el, busy, replaceChildren } from './dom.js';
import { startCamera, stopStream, captureJpeg, cameraErrorKey } from './camera.js';
import { enrolReport } from './enrol-report.js';

const CAMERA_MESSAGES = {
  cameraDenied: 'Camera access was denied (or the page is not served over https/localhost).',
  cameraMissing: 'No camera was found.',
  cameraError: 'The camera could not be started.',
};

export function initEnrol(ctx) {
  const dialog = byId('enrol-dialog');
  const video = byId('enrol-video');
  let person = null;
  let stream = null;
  let lastImage = null; // kept for "enrol anyway" after a duplicate warning
  let enrolledAny = false;

  const api = {
    onEnrolled: null, // set by admin.js: refresh the table and the counts
    open,
    close,
  };

  function open(p) {
    person = p;
    lastImage = null;
    enrolledAny = false;
    byId('enrol-person').textContent = p.name;
    byId('enrol-file').value = '';
    byId('enrol-face-index').value = '';
    byId('enrol-face-choice').hidden = true;
    byId('enrol-anyway').hidden = true;
    byId('enrol-result').hidden = true;
    dialog.showModal();
  }

  function stopCamera() {
    stopStream(stream);
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    byId('enrol-snapshot').disabled = true;
    byId('enrol-camera').textContent = 'Start camera';
  }

  function close() {
    stopCamera();
    if (dialog.open) dialog.close();
  }

  function renderReport(report) {
    const box = byId('enrol-result');
    box.dataset.kind = report.kind;
    replaceChildren(box,
      el('h3', {}, report.title),
      el('p', { class: report.ok ? 'ok' : 'error', dataset: { testid: 'enrol-message' } }, report.message),
      report.reasons.length ? el('ul', { dataset: { testid: 'enrol-reasons' } }, report.reasons.map((r) => el('li', {}, r))) : null,
      report.quality.length ? el('dl', { class: 'quality' },
        report.quality.map((q) => [el('dt', {}, q.label), el('dd', {}, q.value)])) : null,
      report.hint ? el('p', { class: 'hint', dataset: { testid: 'enrol-hint' } }, report.hint) : null);
    box.hidden = false;
    byId('enrol-anyway').hidden = !report.canOverride;
    byId('enrol-face-choice').hidden = !(report.faceCount > 1) && byId('enrol-face-index').value === '';
    if (report.faceCount > 1) byId('enrol-face-index').max = String(report.faceCount);
  }

  async function send(image, { allowDuplicate = false } = {}) {
    lastImage = image;
    const form = new FormData();
    form.append('image', image, image.name || 'snapshot.jpg');
    const label = byId('enrol-label').value.trim();
    if (label) form.append('label', label);
    const index = Number(byId('enrol-face-index').value);
    if (Number.isInteger(index) && index >= 1) form.append('face_index', String(index - 1));
    if (allowDuplicate) form.append('allow_duplicate', 'true');
    let outcome;
    try {
      outcome = { ok: true, value: await ctx.api.post(`/people/${person.id}/faces`, { body: form }) };
    } catch (error) {
      if (error.status === 401) return;
      outcome = { ok: false, error };
    }
    renderReport(enrolReport(outcome));
    if (outcome.ok) {
      enrolledAny = true;
      api.onEnrolled?.();
    }
  }

  async function toggleCamera() {
    if (stream) return stopCamera();
    try {
      video.hidden = false;
      stream = await startCamera(video, { width: 1280, height: 720 });
      byId('enrol-snapshot').disabled = false;
      byId('enrol-camera').textContent = 'Stop camera';
    } catch (error) {
      stopCamera();
      renderReport({ ok: false, kind: 'camera', title: 'Camera unavailable',
        message: `${CAMERA_MESSAGES[cameraErrorKey(error)]} ${error?.message || ''}`.trim(),
        reasons: [], quality: [], canOverride: false, faceCount: 0 });
    }
    return undefined;
  }

  // Choosing a photo enrols it at once; the button re-sends it (e.g. after
  // picking which face).
  const uploadChosen = () => {
    const file = byId('enrol-file').files[0];
    if (!file) {
      renderReport({ ok: false, kind: 'error', title: 'No photo', message: 'Choose a photo file first.',
        reasons: [], quality: [], canOverride: false, faceCount: 0 });
      return;
    }
    const button = byId('enrol-upload');
    if (!button.disabled) busy(button, () => send(file));
  };
  byId('enrol-upload').addEventListener('click', uploadChosen);
  byId('enrol-file').addEventListener('change', () => {
    if (byId('enrol-file').files.length) uploadChosen();
  });
  byId('enrol-camera').addEventListener('click', (e) => busy(e.currentTarget, toggleCamera));
  byId('enrol-snapshot').addEventListener('click', (e) => busy(e.currentTarget, async () => {
    const blob = await captureJpeg(video, byId('enrol-canvas'), { maxWidth: 1280, quality: 0.92 });
    if (blob) await send(blob);
  }));
  byId('enrol-anyway').addEventListener('click', (e) => {
    if (lastImage) busy(e.currentTarget, () => send(lastImage, { allowDuplicate: true }));
  });
  byId('enrol-close').addEventListener('click', close);
  // Esc closes the dialog without our close(): release the camera anyway.
  dialog.addEventListener('close', () => {
    stopCamera();
    if (enrolledAny) ctx.notify(`Face enrolled for ${person?.name}.`);
  });

  return api;
}
