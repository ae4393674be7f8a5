// What the guest page shows for an invitation and for each refusal, kept
// free of the DOM so every state can be tested. invite.js renders these.
import { translate } from './i18n.js';
import { formatClock } from './format.js';
import { errorDetail } from './i18n-codes.js';

// Steps (invite.html's body[data-step]):
//   consent     pending: read the text, accept or decline
//   declined    QR code / desk; the guest may still change their mind
//   selfie      accepted, no face yet: take the photo
//   enrolled    face registered
//   checked_in  done (a face may still be registered: it can be deleted)
export const STEPS = ['loading', 'error', 'consent', 'declined', 'selfie', 'enrolled', 'checked_in'];

// invitation: the JSON of GET /invitations/{code}.
// ui.reviewConsent: a guest who declined asked to see the text again.
// → {step, statusKey, statusVars, consent, enrolled, checkedIn, canWithdraw}
export function guestView(invitation, { reviewConsent = false } = {}) {
  const consent = invitation?.consent?.state || 'pending';
  const enrolled = invitation?.face?.enrolled === true;
  const checkedInAt = Number(invitation?.checked_in_at) || null;
  let step;
  if (checkedInAt) step = 'checked_in';
  else if (consent === 'accepted') step = enrolled ? 'enrolled' : 'selfie';
  else if (consent === 'declined' && !reviewConsent) step = 'declined';
  else step = 'consent';
  let statusKey = 'statusInvited';
  let statusVars = {};
  if (checkedInAt) {
    statusKey = 'statusCheckedIn';
    statusVars = { time: formatClock(checkedInAt) };
  } else if (enrolled) {
    statusKey = 'statusEnrolled';
  }
  return {
    step,
    statusKey,
    statusVars,
    consent,
    enrolled,
    checkedIn: Boolean(checkedInAt),
    // Withdrawing means something only while there is consent or a face.
    canWithdraw: consent === 'accepted' || enrolled,
  };
}

// The event's own consent text, or the catalogue's default when it is
// empty, as paragraphs (blank lines separate them). Plain text only: it is
// rendered as text nodes, never as HTML.
export function consentParagraphs(text, lang) {
  const own = String(text ?? '').trim();
  const source = own || translate(lang, 'consentDefault');
  return source.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
}

const PROBLEM_KEYS = {
  too_small: 'problemTooSmall',
  out_of_frame: 'problemOutOfFrame',
  blurry: 'problemBlurry',
  too_dark: 'problemTooDark',
  too_bright: 'problemTooBright',
  turned_away: 'problemTurnedAway',
  tilted: 'problemTilted',
};

// details.quality.problems codes → sentences in the guest's language.
// Unknown codes are dropped: a newer server may add one, and the heading
// ("not good enough") still says what happened.
export function problemSentences(problems, lang) {
  const list = Array.isArray(problems) ? problems : [];
  const keys = [...new Set(list.map((p) => PROBLEM_KEYS[p]).filter(Boolean))];
  return keys.map((key) => translate(lang, key));
}

const CODE_KEYS = {
  invitation_not_found: ['errNotFound', 'fatal'],
  invitation_expired: ['errExpired', 'fatal'],
  invitation_revoked: ['errRevoked', 'fatal'],
  rate_limited: ['errRateLimited', 'retry'],
  consent_version_changed: ['errConsentChanged', 'reload'],
  consent_required: ['errConsentRequired', 'reload'],
  no_face: ['errNoFace', 'retake'],
  several_faces: ['errSeveralFaces', 'retake'],
  poor_quality: ['errPoorQuality', 'retake'],
  possible_duplicate: ['errDuplicate', 'stop'],
};

const STATUS_KEYS = { 404: 'invitation_not_found', 429: 'rate_limited' };

// A failed request (ApiError) → {key, action, text, problems}.
//   action: fatal  the invitation is unusable: show only the message
//           reload fetch the invitation again (consent changed or missing)
//           retake stay on the selfie step and ask for another photo
//           stop   keep the page, offer no retry (see the desk)
//           retry  a passing problem (network, rate limit, server error)
//   problems: sentences for poor_quality (empty otherwise)
export function guestError(error, lang) {
  const status = error?.status ?? 0;
  let code = error?.code ?? '';
  if (!(code in CODE_KEYS) && STATUS_KEYS[status]) code = STATUS_KEYS[status];
  if (!(code in CODE_KEYS) && status === 410) code = 'invitation_expired';
  let key;
  let action;
  if (code in CODE_KEYS) [key, action] = CODE_KEYS[code];
  else if (status === 0) [key, action] = ['errOffline', 'retry'];
  else [key, action] = ['errGeneric', 'retry'];
  const detail = errorDetail(error, lang);
  const problems = code === 'poor_quality'
    ? problemSentences(error?.details?.quality?.problems, lang) : [];
  return { key, action, text: translate(lang, key, { detail }), problems };
}

// The event's date line in the guest's language and time zone: one date
// when it starts and ends on the same day.
export function eventWhen(event, lang) {
  const start = Number(event?.starts_at);
  const end = Number(event?.ends_at);
  if (!Number.isFinite(start) || start <= 0) return '';
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' });
  if (!Number.isFinite(end) || end <= start) return format.format(new Date(start * 1000));
  return format.formatRange(new Date(start * 1000), new Date(end * 1000));
}
