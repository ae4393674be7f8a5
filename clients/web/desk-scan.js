// The desk's invitation codes: the "Scan QR" camera and the code field a
// USB barcode scanner types into (text, then Enter). Both check the guest
// in through POST /events/{id}/checkin/qr.
import { byId, busy } from './dom.js';
import { cameraErrorKey } from './camera.js';
import { deskError, parseScannerInput, describeCodeCheckin } from './desk-logic.js';
import { createDeskCamera } from './desk-camera.js';

const CAMERA_KEYS = { cameraDenied: 'deskCameraDenied', cameraMissing: 'deskCameraMissing' };

// ctx: {t, api(), eventId(), onFatal(), onCheckedIn(view), refreshCounts()}.
export function initScan(ctx) {
  let note = null; // {kind, key, vars}: re-rendered on a language switch

  function renderNote() {
    const box = byId('scan-result');
    box.hidden = !note;
    if (!note) return;
    box.dataset.kind = note.kind;
    box.dataset.key = note.key;
    box.textContent = ctx.t(note.key, note.vars);
  }

  function say(kind, key, vars = {}) {
    note = { kind, key, vars };
    renderNote();
  }

  async function checkInByCode(code) {
    say('sending', 'deskScanChecking');
    try {
      const body = await ctx.api().post(`/events/${ctx.eventId()}/checkin/qr`,
        { json: { code }, timeoutMs: 10000 });
      const view = describeCodeCheckin(body);
      say(view.kind, view.key, view.vars);
      ctx.onCheckedIn(view);
      ctx.refreshCounts();
    } catch (error) {
      const view = deskError(error, ctx.lang());
      say('error', view.key, view.vars);
      if (view.fatal) ctx.onFatal();
    }
  }

  const camera = createDeskCamera({
    video: byId('scan-video'), canvas: byId('scan-canvas'), onCode: checkInByCode,
    onEnded: () => renderButton(),
  });

  function renderButton() {
    const button = byId('scan-toggle');
    button.dataset.scanning = String(camera.running);
    button.textContent = ctx.t(camera.running ? 'deskScanStop' : 'deskScanStart');
    byId('scan-view').hidden = !camera.running;
  }

  async function toggleCamera() {
    if (camera.running) {
      camera.stop();
    } else {
      try {
        await camera.start();
      } catch (error) {
        say('camera', CAMERA_KEYS[cameraErrorKey(error)] || 'deskCameraError',
          { detail: error?.message || error?.name || '?' });
      }
    }
    renderButton();
  }

  byId('code-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = byId('code-input');
    const code = parseScannerInput(input.value);
    input.value = ''; // ready for the next guest's scan
    input.focus();
    if (code) checkInByCode(code);
    else say('error', 'deskScanNotInvite');
  });
  byId('scan-toggle').addEventListener('click', (e) => busy(e.currentTarget, toggleCamera));

  return {
    checkInByCode,
    stop() {
      camera.stop();
      renderButton();
    },
    applyLanguage() {
      renderNote();
      renderButton();
    },
  };
}
