// What the kiosk shows for each server answer, kept free of the DOM so it
// can be tested without a camera. kiosk.js only renders these decisions.
import { translate, bilingualGreeting } from './i18n.js';
import { backoffMs } from './frame-scheduler.js';
import { errorDetail } from './i18n-codes.js';

export const WELCOME_MS = 4000;
export const ALREADY_MS = 3000;

// When several people are in frame, the most important news wins: a new
// check-in deserves the welcome card even if someone behind is unknown.
const PRIORITY = ['checked_in', 'already_checked_in', 'liveness_failed', 'liveness_mismatch',
  'not_recognised', 'too_small'];

function names(faces, lang) {
  return faces.map((f) => f.person?.name).filter(Boolean).join(translate(lang, 'listSeparator'));
}

// response: the JSON of POST /events/{id}/checkin.
// quiet(personId) → true for people just welcomed: their "already checked
// in" is not news to them while they are still walking past the camera.
// Returns {kind, title, text, people, holdMs}:
//   kind: 'welcome' | 'already' | 'not_recognised' | 'too_small' | 'idle'
//   holdMs: pause sending frames this long (the card stays up meanwhile),
//           or 0 to keep scanning.
export function describeCheckin(response, lang, { quiet = () => false } = {}) {
  const faces = (Array.isArray(response?.faces) ? response.faces : [])
    .filter((f) => !(f.status === 'already_checked_in' && f.person && quiet(f.person.id)));
  const status = PRIORITY.find((s) => faces.some((f) => f.status === s));
  const matching = faces.filter((f) => f.status === status);
  const people = matching.map((f) => f.person).filter(Boolean);
  switch (status) {
    case 'checked_in':
      return { kind: 'welcome', title: bilingualGreeting(lang), text: names(matching, lang),
        detail: translate(lang, 'checkedIn'), people, holdMs: WELCOME_MS };
    case 'already_checked_in':
      return { kind: 'already', title: names(matching, lang),
        text: translate(lang, 'already', { name: names(matching, lang) }),
        detail: '', people, holdMs: ALREADY_MS };
    case 'liveness_failed':
    case 'liveness_mismatch':
      return { kind: 'liveness', title: '',
        text: translate(lang, status === 'liveness_failed' ? 'livenessFailed' : 'livenessMismatch'),
        detail: '', people: [], holdMs: 0 };
    case 'not_recognised':
      return { kind: 'not_recognised', title: '', text: translate(lang, 'notRecognised'),
        detail: '', people: [], holdMs: 0 };
    case 'too_small':
      return { kind: 'too_small', title: '', text: translate(lang, 'tooSmall'),
        detail: '', people: [], holdMs: 0 };
    default:
      return { kind: 'idle', title: '', text: translate(lang, 'idle'), detail: '', people: [],
        holdMs: 0 };
  }
}

// A failed request → {kind, text, retryMs, fatal}. failures counts the
// consecutive failures so far (1 for the first), for back-off.
// fatal means retrying cannot help (the token was revoked): stop and ask.
export function describeError(error, lang, failures = 1) {
  const status = error?.status ?? 0;
  const code = error?.code ?? '';
  if (status === 0) {
    return { kind: 'offline', text: translate(lang, 'offline'), retryMs: backoffMs(failures),
      fatal: false };
  }
  // Liveness refusals are about the guest, not the kiosk's token.
  if (code === 'liveness_locked') {
    return { kind: 'liveness', text: translate(lang, 'livenessLocked'), retryMs: 30000,
      fatal: false };
  }
  if (code === 'liveness_required' || code === 'liveness_proof_invalid') {
    return { kind: 'liveness', text: translate(lang, 'challengeFailed'), retryMs: 1000,
      fatal: false };
  }
  if (code === 'kiosk_event_over' || code === 'kiosk_event_not_open') {
    // The token is fine but its event is not open (a draft, closed, or past
    // its window); an admin may still open it, so wait slowly, keep the token.
    const key = code === 'kiosk_event_over' ? 'checkinClosed' : 'checkinNotYet';
    return { kind: 'closed', text: translate(lang, key), retryMs: 30000, fatal: false };
  }
  if (status === 401 || status === 403) {
    return { kind: 'auth', text: translate(lang, 'tokenRejected'), retryMs: 0, fatal: true };
  }
  if (status === 429 || status === 503) {
    return { kind: 'busy', text: translate(lang, 'busy'),
      retryMs: Math.max(2000, backoffMs(failures)), fatal: false };
  }
  if (code === 'checkin_not_yet_open' || code === 'checkin_closed') {
    // The window may open later (or an admin may reopen the event), so keep
    // checking, but slowly.
    const key = code === 'checkin_closed' ? 'checkinClosed' : 'checkinNotYet';
    return { kind: 'closed', text: translate(lang, key), retryMs: 30000, fatal: false };
  }
  const detail = errorDetail(error, lang);
  return { kind: 'error', text: translate(lang, 'error', { detail }),
    retryMs: backoffMs(failures), fatal: false };
}

// The colour class for a box on the overlay.
export function boxTone(status) {
  switch (status) {
    case 'checked_in': return 'ok';
    case 'already_checked_in': return 'info';
    case 'not_recognised': return 'bad';
    default: return 'neutral';
  }
}

// A face turning towards the camera is often unrecognised for one frame;
// telling the guest to see the desk for that would be wrong, so the kiosk
// waits until the same verdict repeats `required` frames in a row.
export function createStreak(required = 2) {
  let last = null;
  let count = 0;
  return {
    push(kind) {
      count = kind === last ? count + 1 : 1;
      last = kind;
      return count >= required;
    },
    reset() {
      last = null;
      count = 0;
    },
  };
}

// Remembers ids for ttlMs (the people just welcomed). `now` is injectable
// for tests.
export function createRecentMemory(ttlMs, now = () => Date.now()) {
  const until = new Map();
  return {
    remember(ids) {
      for (const id of ids) if (id !== undefined && id !== null) until.set(id, now() + ttlMs);
    },
    has(id) {
      const t = until.get(id);
      if (t === undefined) return false;
      if (t > now()) return true;
      until.delete(id);
      return false;
    },
  };
}

// "#token=kt_..." (the fragment never reaches the server's logs) → token.
export function tokenFromHash(hash) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const token = (params.get('token') || '').trim();
  return token || null;
}
