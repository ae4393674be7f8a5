// The desk's guest search, free of the DOM: when to ask the server, the
// line under the search box, each result row's texts and its one button,
// and updating a row after a check-in or an undo without a new search.
import { translate } from './i18n.js';
import { formatClock } from './format.js';
import { parseScannerInput } from './desk-logic.js';

// One request per pause in typing: staff type fast, and every keystroke
// would otherwise be a search of the whole guest list.
export const SEARCH_DEBOUNCE_MS = 250;
// The server refuses a search longer than 200 bytes (UTF-8); a CJK
// character is 3 bytes, so this is counted in bytes, not characters.
export const SEARCH_MAX_BYTES = 200;

const encoder = new TextEncoder();

function clip(text, maxBytes) {
  let out = '';
  for (const ch of text) {
    if (encoder.encode(out + ch).length > maxBytes) break;
    out += ch;
  }
  return out;
}

// What the search box holds → {action, query?, code?}:
//   'clear'  nothing to search: empty the results;
//   'code'   a scanner typed an invitation into the search box (focus was
//            there): do not search for it, Enter checks the guest in;
//   'skip'   the same query as the last one sent (e.g. a trailing space);
//   'search' ask the server for `query`.
export function searchPlan(text, lastQuery = null) {
  const trimmed = String(text ?? '').trim();
  if (!trimmed) return { action: 'clear' };
  const code = parseScannerInput(trimmed);
  if (code) return { action: 'code', code };
  const query = clip(trimmed, SEARCH_MAX_BYTES);
  if (query === lastQuery) return { action: 'skip', query };
  return { action: 'search', query };
}

const realTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
};

// fn runs delayMs after the last call(), with that call's arguments.
// flush() runs a pending call at once (Enter in the search box); cancel()
// drops it.
export function createDebouncer(fn, delayMs = SEARCH_DEBOUNCE_MS, timers = realTimers) {
  let timer = null;
  let pending = null;
  const run = () => {
    timer = null;
    const args = pending;
    pending = null;
    if (args) fn(...args);
  };
  return {
    call(...args) {
      pending = args;
      if (timer !== null) timers.clearTimeout(timer);
      timer = timers.setTimeout(run, delayMs);
    },
    flush() {
      if (timer !== null) timers.clearTimeout(timer);
      run();
    },
    cancel() {
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      pending = null;
    },
    get pending() {
      return pending !== null;
    },
  };
}

export function resultsFrom(response) {
  const attendees = Array.isArray(response?.attendees) ? response.attendees : [];
  const total = Number.isFinite(Number(response?.total)) ? Number(response.total) : attendees.length;
  return { attendees, total: Math.max(total, attendees.length) };
}

const CONSENT_KEYS = {
  accepted: 'deskConsentAccepted', declined: 'deskConsentDeclined',
  pending: 'deskConsentPending', not_invited: 'deskConsentNotInvited',
};
const METHOD_KEYS = { face: 'deskMethodFace', qr: 'deskMethodQr', manual: 'deskMethodManual' };

export function consentLabel(consent, lang) {
  return translate(lang, CONSENT_KEYS[consent] || CONSENT_KEYS.not_invited);
}

// An unknown method (a newer server) is shown as it came, not hidden.
export function methodLabel(method, lang) {
  if (!method) return '';
  return METHOD_KEYS[method] ? translate(lang, METHOD_KEYS[method]) : String(method);
}

// One attendee of the search → the row's texts, flags (data attributes)
// and its button: 'checkin' when not checked in, 'undo' when checked in.
export function deskRow(a, lang) {
  const t = (key, vars) => translate(lang, key, vars);
  const name = String(a?.name ?? '');
  const checkedInAt = Number(a?.checked_in_at) || null;
  const consent = CONSENT_KEYS[a?.consent] ? a.consent : 'not_invited';
  const method = checkedInAt ? (a?.method || null) : null;
  const time = checkedInAt ? formatClock(checkedInAt) : '';
  const methodText = methodLabel(method, lang);
  const action = checkedInAt ? 'undo' : 'checkin';
  return {
    personId: a?.person_id ?? null,
    name,
    organisation: String(a?.organisation ?? ''),
    title: String(a?.title ?? ''),
    phone: String(a?.phone ?? ''),
    email: String(a?.email ?? ''),
    faceEnrolled: a?.face_enrolled === true,
    faceText: t(a?.face_enrolled === true ? 'deskFaceYes' : 'deskFaceNo'),
    consent,
    consentText: consentLabel(consent, lang),
    checkedIn: Boolean(checkedInAt),
    method,
    time,
    checkedInText: checkedInAt
      ? (methodText ? t('deskCheckedInAt', { time, method: methodText }) : time)
      : t('deskNotCheckedIn'),
    action,
    actionText: t(action === 'undo' ? 'deskUndo' : 'deskCheckIn'),
    actionLabel: t(action === 'undo' ? 'deskUndoLabel' : 'deskCheckInLabel', { name }),
  };
}

// A check-in (at = unix seconds, method) or an undo (at = null) seen by
// this desk → the rows with that person updated. Same array when nobody
// matched, so the caller can skip a re-render.
export function applyCheckin(rows, personId, at, method = null) {
  let changed = false;
  const next = (rows || []).map((a) => {
    if (a.person_id !== personId) return a;
    changed = true;
    return { ...a, checked_in_at: at || null, method: at ? method : null };
  });
  return changed ? next : rows;
}

// The line under the search box → {key, vars}.
// state: 'idle' | 'code' | 'loading' | 'done'.
export function searchStatus({ state, query = '', shown = 0, total = 0 }) {
  if (state === 'code') return { key: 'deskSearchIsCode', vars: {} };
  if (state === 'loading') return { key: 'deskSearching', vars: {} };
  if (state !== 'done') return { key: 'deskSearchHint', vars: {} };
  if (shown === 0) return { key: 'deskSearchNone', vars: { query } };
  if (total > shown) return { key: 'deskSearchTruncated', vars: { shown, total } };
  return { key: 'deskSearchCount', vars: { total } };
}
