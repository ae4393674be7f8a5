// Invitation codes: where the guest page and the kiosk find one. A code is
// the credential of one guest's invitation ("iv" + 24 base32 letters), so
// anything that is not exactly that shape is ignored rather than sent.

export const INVITE_CODE_RE = /^iv[a-z2-7]{24}$/;

export function isInviteCode(text) {
  return typeof text === 'string' && INVITE_CODE_RE.test(text);
}

// The code in a URL path ending in /invite/CODE (a trailing slash is
// tolerated: people retype links). null otherwise.
export function codeFromPath(pathname) {
  const match = /\/invite\/([^/]+)\/?$/.exec(String(pathname || ''));
  if (!match) return null;
  let segment = match[1];
  try {
    segment = decodeURIComponent(segment);
  } catch {
    return null;
  }
  return isInviteCode(segment) ? segment : null;
}

// "#code=iv…": lets invite.html be opened directly (tests, a static host).
export function codeFromHash(hash) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const code = (params.get('code') || '').trim();
  return isInviteCode(code) ? code : null;
}

// The served route /invite/{code} wins over the fragment.
export function codeFromLocation({ pathname = '', hash = '' } = {}) {
  return codeFromPath(pathname) || codeFromHash(hash);
}

// What a kiosk camera decoded → a code, or null when the QR is something
// else (a Wi-Fi code, a URL of another page). Accepts a bare code or any
// absolute URL whose path ends in /invite/CODE; the server decides whether
// the code belongs to this event.
export function codeFromScan(text) {
  const value = String(text ?? '').trim();
  if (isInviteCode(value)) return value;
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return codeFromPath(url.pathname);
}

// The guest's own link, as on the printed cards: what the QR encodes.
export function inviteUrl(origin, code) {
  return `${String(origin).replace(/\/+$/, '')}/invite/${code}`;
}
