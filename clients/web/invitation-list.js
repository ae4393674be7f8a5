// The admin's view of invitations: table cells, counts and the printable
// subset, kept free of the DOM for tests. admin-invitations.js and
// invite-cards.js render them.
import { translate } from './i18n.js';
import { formatDateTime } from './format.js';
import { inviteUrl } from './invite-code.js';

export function invitationsFrom(response) {
  return Array.isArray(response) ? response : (response?.invitations ?? []);
}

const CONSENT_KEYS = { accepted: 'consentAccepted', declined: 'consentDeclined', pending: 'consentPending' };

// 'active' | 'revoked' | 'expired'. now: unix seconds.
export function invitationState(inv, now = Date.now() / 1000) {
  if (inv?.revoked_at) return 'revoked';
  if (Number(inv?.expires_at) > 0 && Number(inv.expires_at) <= now) return 'expired';
  return 'active';
}

// The link guests open: the server's url, or one built from the code.
export function invitationLink(inv, origin) {
  return inv?.url || inviteUrl(origin, inv?.code);
}

// One table row's texts and flags (the flags become data attributes).
export function invitationRow(inv, lang, { now = Date.now() / 1000, origin = '' } = {}) {
  const t = (key, vars) => translate(lang, key, vars);
  const consent = CONSENT_KEYS[inv?.consent] ? inv.consent : 'pending';
  const state = invitationState(inv, now);
  const stateText = {
    active: t('invActive', { date: formatDateTime(inv?.expires_at) }),
    revoked: t('invRevokedAt', { date: formatDateTime(inv?.revoked_at) }),
    expired: t('invExpiredAt', { date: formatDateTime(inv?.expires_at) }),
  }[state];
  return {
    code: String(inv?.code ?? ''),
    personId: inv?.person_id ?? null,
    name: String(inv?.name ?? ''),
    email: String(inv?.email ?? ''),
    consent,
    consentText: t(CONSENT_KEYS[consent]),
    faceEnrolled: inv?.face_enrolled === true,
    faceText: t(inv?.face_enrolled === true ? 'invFaceYes' : 'invFaceNo'),
    checkedIn: Boolean(inv?.checked_in_at),
    checkedInText: inv?.checked_in_at ? formatDateTime(inv.checked_in_at) : '—',
    state,
    stateText,
    canRevoke: state === 'active',
    link: invitationLink(inv, origin),
  };
}

export function invitationSummary(list, now = Date.now() / 1000) {
  const counts = { total: 0, active: 0, accepted: 0, declined: 0, pending: 0, enrolled: 0, checkedIn: 0 };
  for (const inv of list || []) {
    counts.total += 1;
    if (invitationState(inv, now) === 'active') counts.active += 1;
    const consent = CONSENT_KEYS[inv?.consent] ? inv.consent : 'pending';
    counts[consent] += 1;
    if (inv?.face_enrolled === true) counts.enrolled += 1;
    if (inv?.checked_in_at) counts.checkedIn += 1;
  }
  return counts;
}

// The cards worth printing: active invitations, by name (the order the
// desk hands them out in).
export function printableInvitations(list, now = Date.now() / 1000) {
  return (list || [])
    .filter((inv) => invitationState(inv, now) === 'active')
    .sort((a, b) => String(a.name ?? '').localeCompare(String(b.name ?? '')));
}

// A live check-in seen on the stream: mark the guest's invitation, so the
// table does not need a reload. Returns a new list (unchanged when nobody matched).
export function markInvitationCheckedIn(list, personId, at) {
  let changed = false;
  const next = (list || []).map((inv) => {
    if (inv.person_id !== personId || inv.checked_in_at) return inv;
    changed = true;
    return { ...inv, checked_in_at: at };
  });
  return changed ? next : list;
}
