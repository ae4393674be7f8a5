// Promise wrappers around wx.request / wx.uploadFile for the v1 API, and the
// kiosk's routes. Every failure becomes an Error named ApiError with a `kind`
// the pages branch on:
//   'network' (no connection, DNS, TLS, aborted), 'timeout',
//   'http' (server answered non-2xx; carries status, code, serverMessage, details),
//   'bad_response' (2xx but not the JSON we expect),
//   'no_token' (kiosk route, but no kiosk token stored on this device).
// The guest's routes are in utils/guest-api.js; they send no token at all.
const config = require('../config')
const kiosk = require('./kiosk')

// A plain Error with fields, not a subclass: DevTools' ES5 build of
// `class extends Error` is unreliable on older base libraries.
function apiError(kind, message, extra) {
  return Object.assign(new Error(message), { name: 'ApiError', kind }, extra)
}

function url(path) {
  return config.baseUrl.replace(/\/+$/, '') + path
}

// wx.uploadFile always hands back a string; wx.request parses JSON itself
// unless the body is not JSON. Accept both.
function parse(data) {
  if (typeof data !== 'string') return data
  if (data === '') return null
  try {
    return JSON.parse(data)
  } catch (e) {
    return undefined
  }
}

function fromResponse(res) {
  const body = parse(res.data)
  const status = res.statusCode
  if (status === 204) return null // delete routes: no body by design
  if (status >= 200 && status < 300) {
    if (body === undefined || body === null || typeof body !== 'object') {
      throw apiError('bad_response', 'response is not a JSON object', { status })
    }
    return body
  }
  const error = (body && body.error) || {}
  throw apiError('http', error.message || 'HTTP ' + status, {
    status,
    code: error.code || '',
    serverMessage: error.message || '',
    details: error.details || null
  })
}

// errMsg is the only signal wx gives: "request:fail timeout",
// "uploadFile:fail socket timeout", "request:fail ..." for everything else.
function fromFailure(err) {
  const msg = (err && err.errMsg) || String(err)
  if (/time(d)?\s*out/i.test(msg)) return apiError('timeout', msg)
  return apiError('network', msg)
}

// Calls a wx network API (request or uploadFile) and turns its callbacks into
// a promise of the parsed answer. `token` is sent as a Bearer credential when
// given; guest calls pass none.
function call(apiName, options, token) {
  const header = Object.assign({}, options.header)
  if (token) header.Authorization = 'Bearer ' + token
  return new Promise((resolve, reject) => {
    wx[apiName](Object.assign({}, options, {
      header,
      timeout: config.timeoutMs,
      success: (res) => {
        try {
          resolve(fromResponse(res))
        } catch (e) {
          reject(e)
        }
      },
      fail: (err) => reject(fromFailure(err))
    }))
  })
}

// Kiosk calls use the stored token unless one is given (the setup page checks
// a candidate token before storing it).
function kioskCall(apiName, options, token) {
  const t = token || kiosk.token()
  if (!t) return Promise.reject(apiError('no_token', 'no kiosk token on this device'))
  return call(apiName, options, t)
}

function get(path, token) {
  return kioskCall('request', { url: url(path), method: 'GET' }, token)
}

function postJson(path, body) {
  return kioskCall('request', {
    url: url(path),
    method: 'POST',
    data: body,
    header: { 'content-type': 'application/json' }
  })
}

// Multipart upload of a local file as field `image`, plus text fields and
// extra headers (the liveness proof).
function upload(path, filePath, formData, header) {
  return kioskCall('uploadFile', {
    url: url(path),
    filePath,
    name: 'image',
    formData: formData || {},
    header: header || {}
  })
}

function kioskInfo(token) {
  return get('/api/v1/kiosk/me', token).then((info) => {
    if (!info.kiosk || !info.kiosk.event_id) {
      throw apiError('bad_response', 'kiosk/me has no event_id')
    }
    return info
  })
}

// The token is bound to one event; the setup page stores which one. If it
// is not stored (yet), ask the server once and keep the answer with the token.
// Concurrent callers share one request; a failure is not kept, so a retry asks again.
let pending = null
function eventId() {
  const record = kiosk.load()
  if (!record) return Promise.reject(apiError('no_token', 'no kiosk token on this device'))
  if (record.eventId) return Promise.resolve(record.eventId)
  if (!pending) {
    pending = kioskInfo(record.token).then(
      (info) => {
        pending = null
        const event = info.event || {}
        kiosk.rememberEvent(record.token, info.kiosk.event_id, event.name, event.liveness)
        return info.kiosk.event_id
      },
      (err) => {
        pending = null
        throw err
      }
    )
  }
  return pending
}

module.exports = {
  apiError,
  url,
  call,
  get,
  upload,
  eventId,
  kioskInfo,
  // proof: a passed liveness challenge's, for events whose liveness is
  // 'active' (docs/api.md); sent as a header so it never lands in form logs.
  checkIn: (id, filePath, proof) =>
    upload(`/api/v1/events/${id}/checkin`, filePath, null, proof ? { 'X-Liveness-Proof': proof } : null),
  // Active liveness: open a challenge (201, no body needed), then one frame
  // per call until its state is passed or failed.
  openChallenge: (id) => postJson(`/api/v1/events/${id}/liveness/challenges`, {}),
  challengeFrame: (challengeId, filePath) =>
    upload(`/api/v1/liveness/challenges/${encodeURIComponent(challengeId)}/frames`, filePath),
  // The invitation QR code a guest shows at the kiosk (code already extracted).
  checkInQr: (id, code) => postJson(`/api/v1/events/${id}/checkin/qr`, { code }),
  selfRegister: (id, filePath, fields) => upload(`/api/v1/events/${id}/self-register`, filePath, fields),
  detect: (filePath) => upload('/api/v1/detect', filePath),
  stats: (id) => get(`/api/v1/events/${id}/stats`),
  // for tests: forget a shared in-flight kiosk/me
  _reset: () => {
    pending = null
  }
}
