// The desk page's decisions, free of the DOM so they can be tested in
// Node: which token to use, what an error means, what a scanner typed,
// what a QR check-in answer says, the header counts and the walk-in form.
// desk.js and its helpers only render these.
import { translate } from './i18n.js';
import { tokenFromHash } from './kiosk-logic.js';
import { codeFromScan, inviteUrl } from './invite-code.js';
import { normaliseStats } from './live-stats.js';
import { formatClock } from './format.js';
import { errorDetail } from './i18n-codes.js';

export const DESK_TOKEN_RE = /^dk_[A-Za-z0-9_-]{43}$/;

// Pasted text (the bare token, or the whole desk.html#token=… link the
// admin copied) → {token} or {problem: catalogue key}. The shape is
// checked here so a kiosk token pasted by mistake gets a useful message
// instead of a bare "not valid" from the server.
export function readDeskToken(text) {
  let value = String(text ?? '').trim();
  if (value.includes('#')) value = tokenFromHash(value.slice(value.indexOf('#'))) || '';
  if (DESK_TOKEN_RE.test(value)) return { token: value };
  if (value.startsWith('kt_')) return { problem: 'deskTokenIsKiosk' };
  return { problem: 'deskTokenInvalid' };
}

// location.hash → {token} | {problem} | null (no token in the fragment).
export function deskTokenFromHash(hash) {
  const raw = tokenFromHash(hash);
  return raw ? readDeskToken(raw) : null;
}

// Error codes → catalogue keys. The 401 event codes are the kiosk's
// wording for "the token is fine but its event is not open", so they
// must not send the staff back to the token form.
export const ERROR_KEYS = {
  unauthorized: 'deskErrUnauthorized',
  kiosk_event_not_open: 'deskErrEventNotOpen',
  kiosk_event_over: 'deskErrEventOver',
  forbidden: 'deskErrForbidden',
  not_found: 'deskErrNotFound',
  invitation_not_found: 'deskErrInvitationNotFound',
  invitation_expired: 'deskErrInvitationExpired',
  invitation_revoked: 'deskErrInvitationRevoked',
  checkin_closed: 'deskErrCheckinClosed',
  checkin_not_yet_open: 'deskErrCheckinNotYet',
  rate_limited: 'deskErrRateLimited',
  missing_field: 'deskErrMissingField',
  network: 'deskErrOffline',
  timeout: 'deskErrOffline',
};

// For codes this page does not know (an older or newer server).
const STATUS_KEYS = {
  0: 'deskErrOffline', 401: 'deskErrUnauthorized', 403: 'deskErrForbidden', 404: 'deskErrNotFound',
  410: 'deskErrInvitationExpired', 429: 'deskErrRateLimited', 503: 'deskErrBusy',
};

// An ApiError → {key, vars, fatal}. fatal: the token itself was refused,
// so the page must ask for a new one.
export function deskError(error, lang = 'en') {
  const status = error?.status ?? 0;
  const code = String(error?.code ?? '');
  const key = ERROR_KEYS[code] || STATUS_KEYS[status]
    || (status === 400 ? 'deskErrInvalid' : 'deskErrGeneric');
  const detail = String(errorDetail(error, lang));
  return { key, vars: { detail }, fatal: key === 'deskErrUnauthorized' };
}

export function describeDeskError(error, lang) {
  const view = deskError(error, lang);
  return { ...view, text: translate(lang, view.key, view.vars) };
}

// What a USB barcode scanner (or a person) typed into the code field →
// the invitation code, or null. Scanners "type" the text followed by Enter;
// one whose keyboard has caps lock on sends upper case, and codes are
// lower-case base32, so a second try in lower case is safe.
export function parseScannerInput(text) {
  const value = String(text ?? '').replace(/[\r\n\t]+/g, '').trim();
  if (!value) return null;
  return codeFromScan(value) || codeFromScan(value.toLowerCase());
}

// The answer of POST …/checkin/qr (or …/desk/checkins) → what the desk
// says: {kind: 'checked_in' | 'already', key, vars, personId}.
export function describeCodeCheckin(body) {
  const already = body?.status === 'already_checked_in';
  const name = String(body?.person?.name ?? '');
  return {
    kind: already ? 'already' : 'checked_in',
    key: already ? 'deskAlreadyNotice' : 'deskCheckedInNotice',
    vars: { name, time: formatClock(Number(body?.checked_in_at)) },
    personId: body?.person?.id ?? null,
    checkedInAt: Number(body?.checked_in_at) || null,
    method: body?.method || null,
  };
}

// GET …/stats → the header's two lines.
export function deskCounts(raw, lang) {
  const stats = normaliseStats(raw);
  const m = stats.by_method || { face: 0, qr: 0, manual: 0 };
  return {
    checkedIn: stats.checked_in,
    registered: stats.registered,
    byMethod: m,
    text: translate(lang, 'deskCounts', { checkedIn: stats.checked_in, registered: stats.registered }),
    methodText: translate(lang, 'deskCountsByMethod', m),
  };
}

export const WALK_IN_FIELDS = ['name', 'organisation', 'title', 'phone', 'email'];

// Deliberately loose: one @ with text around it and a dot after. The
// server stores what it is given; this only catches a phone number typed
// into the email box.
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// The walk-in form's values → {payload, errors: {field: key}}. payload is
// null while there are errors.
export function walkInPayload(values = {}) {
  const fields = Object.fromEntries(WALK_IN_FIELDS.map((f) => [f, String(values[f] ?? '').trim()]));
  const errors = {};
  if (!fields.name) errors.name = 'deskWalkInNameRequired';
  if (fields.email && !EMAIL_RE.test(fields.email)) errors.email = 'deskWalkInEmailInvalid';
  if (Object.keys(errors).length) return { payload: null, errors };
  return { payload: { ...fields, check_in: values.checkIn === true }, errors };
}

// The walk-in answer → the confirmation and the link its QR code encodes.
export function describeWalkIn(body, origin = '') {
  const invitation = body?.invitation || {};
  const name = String(body?.person?.name ?? invitation.name ?? '');
  const code = String(invitation.code ?? '');
  const url = invitation.url || (code ? inviteUrl(origin, code) : '');
  return {
    name,
    personId: body?.person?.id ?? invitation.person_id ?? null,
    checkedIn: Boolean(body?.checked_in_at),
    key: body?.checked_in_at ? 'deskWalkInAddedCheckedIn' : 'deskWalkInAdded',
    url,
    code,
  };
}
