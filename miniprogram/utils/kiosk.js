// The kiosk's credential, kept on the device (wx storage), never in the
// package: the operator scans or types it on pages/kiosk-setup. Stored as one
// record { token, eventId, eventName, liveness } so that a new token can never
// be paired with the previous token's event (or its liveness policy).
const KEY = 'facecheck.kiosk'
const SETUP_PAGE = '/pages/kiosk-setup/index'

// kt_ + base64url (the server makes 43 characters; accept any sane length so
// a future server change does not lock kiosks out).
const TOKEN = /^kt_[A-Za-z0-9_-]{16,}$/

function load() {
  const record = wx.getStorageSync(KEY)
  return record && typeof record === 'object' && record.token ? record : null
}

function token() {
  const record = load()
  return record ? record.token : ''
}

// liveness is the event's policy as kiosk/me last said ('off' | 'passive' |
// 'active'); left out while unknown (an older server), which reads as 'off'.
function save(record) {
  const value = {
    token: record.token,
    eventId: record.eventId || null,
    eventName: record.eventName || ''
  }
  if (record.liveness) value.liveness = record.liveness
  wx.setStorageSync(KEY, value)
}

// Called when kiosk/me told us the event; ignored if the token changed
// meanwhile, so a late answer cannot attach an event to the wrong token.
function rememberEvent(forToken, eventId, eventName, liveness) {
  const record = load()
  if (!record || record.token !== forToken) return
  save({ token: forToken, eventId, eventName: eventName || record.eventName, liveness: liveness || record.liveness })
}

// The stored event's liveness policy. The check-in page reads it before each
// attempt, so a policy learnt meanwhile (kiosk/me, or a 403
// liveness_required) applies at once.
function liveness() {
  const record = load()
  return (record && record.liveness) || 'off'
}

function rememberLiveness(policy) {
  const record = load()
  if (record) save(Object.assign({}, record, { liveness: policy }))
}

function forget() {
  wx.removeStorageSync(KEY)
}

// What the operator typed or scanned -> a token, or null. Accepts the bare
// token or a URL carrying it as "#token=kt_..." (what the server prints for
// the web kiosk, and what the admin page's QR codes hold).
function tokenFrom(text) {
  let candidate = String(text || '').trim()
  const hash = candidate.indexOf('#')
  if (hash >= 0) {
    const pair = candidate
      .slice(hash + 1)
      .split('&')
      .find((p) => p.indexOf('token=') === 0)
    candidate = pair ? safeDecode(pair.slice('token='.length)).trim() : ''
  }
  return TOKEN.test(candidate) ? candidate : null
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s)
  } catch (e) {
    return s
  }
}

// A kiosk error that only the operator can fix: no token on this device, or
// the server refused it (401 unauthorized / kiosk_event_not_open /
// kiosk_event_over). Everything else stays on the page that hit it.
function needsSetup(err) {
  return !!err && (err.kind === 'no_token' || (err.kind === 'http' && err.status === 401))
}

// Sends the kiosk to the setup page, saying why. reLaunch, not navigateTo:
// the pages behind it cannot work with this token, so none stays on the stack.
// Returns true when it did (the caller should stop what it was doing).
function backToSetup(err) {
  if (!needsSetup(err)) return false
  const reason = err.kind === 'no_token' ? 'no_token' : err.code || 'unauthorized'
  // An unknown or revoked token never works again; a token whose event is
  // not open yet / over may work once the organiser reopens it, so keep it.
  if (reason === 'unauthorized') forget()
  wx.reLaunch({ url: `${SETUP_PAGE}?reason=${reason}` })
  return true
}

// For the setup page: show that a token is stored without showing all of it.
function masked(t) {
  return t ? `${t.slice(0, 7)}…${t.slice(-4)}` : ''
}

module.exports = {
  KEY,
  SETUP_PAGE,
  load,
  token,
  save,
  rememberEvent,
  liveness,
  rememberLiveness,
  forget,
  tokenFrom,
  needsSetup,
  backToSetup,
  masked
}
