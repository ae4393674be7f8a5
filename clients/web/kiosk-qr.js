// The kiosk's QR check-in decisions, free of the DOM and the camera: when
// a frame may be scanned, which decoded strings are worth a request, and
// how the answer is shown (as if it were a face check-in).
import { translate } from './i18n.js';
import { codeFromScan } from './invite-code.js';
import { createRecentMemory, describeError } from './kiosk-logic.js';

// At most ~4 scans a second: decoding runs on the main thread, and the
// face loop must keep its own cadence.
export const QR_SCAN_INTERVAL_MS = 250;
// A guest holds their phone up for a few seconds; one request per code in
// that time, whatever the answer was.
export const QR_DEDUPE_MS = 6000;

// Scan only when the kiosk is running, visible, not waiting for a face
// check-in or a QR check-in, and not in the middle of a liveness challenge
// (whose frames are the guest's, and whose answer would be lost).
export function shouldScan({
  running = false, hidden = false, faceInFlight = false, qrInFlight = false, challengeActive = false,
} = {}) {
  return running && !hidden && !faceInFlight && !qrInFlight && !challengeActive;
}

// Decoded text → the code to check in, or null (not an invitation, or the
// same code was just tried). Remembers the code it returns.
export function createQrGate({ dedupeMs = QR_DEDUPE_MS, now = () => Date.now() } = {}) {
  const seen = createRecentMemory(dedupeMs, now);
  return {
    accept(text) {
      const code = codeFromScan(text);
      if (!code || seen.has(code)) return null;
      seen.remember([code]);
      return code;
    },
  };
}

// The QR route's answer → the shape of a face check-in answer, so the
// kiosk's welcome card (describeCheckin) shows it the same way.
export function qrCheckinResponse(body) {
  const status = body?.status === 'already_checked_in' ? 'already_checked_in' : 'checked_in';
  return {
    method: 'qr',
    faces: body?.person ? [{ status, person: body.person, checked_in_at: body.checked_in_at }] : [],
  };
}

const QR_ERRORS = {
  invitation_not_found: ['qr_not_found', 'qrNotFound'],
  invitation_expired: ['qr_expired', 'qrExpired'],
  invitation_revoked: ['qr_revoked', 'qrRevoked'],
};

// A failed QR check-in → {kind, text, fatal}. Invitation refusals are about
// the guest's code, so they only change the status line; everything else
// (offline, revoked kiosk token, closed event) means what it means for a
// face check-in.
export function describeQrError(error, lang) {
  const known = QR_ERRORS[error?.code];
  if (known) return { kind: known[0], text: translate(lang, known[1]), fatal: false };
  if (error?.status === 404 || error?.status === 410) {
    return { kind: 'qr_not_found', text: translate(lang, 'qrNotFound'), fatal: false };
  }
  const view = describeError(error, lang);
  return { kind: view.kind, text: view.text, fatal: view.fatal };
}
