// Promise wrappers around wx.request / wx.uploadFile for the v1 API.
// Every failure becomes an Error named ApiError with a `kind` the pages branch on:
//   'network' (no connection, DNS, TLS, aborted), 'timeout',
//   'http' (server answered non-2xx; carries status, code, serverMessage, details),
//   'bad_response' (2xx but not the JSON we expect).
const config = require('../config')

// A plain Error with fields, not a subclass: DevTools' ES5 build of
// `class extends Error` is unreliable on older base libraries.
function apiError(kind, message, extra) {
  return Object.assign(new Error(message), { name: 'ApiError', kind }, extra)
}

function url(path) {
  return config.baseUrl.replace(/\/+$/, '') + path
}

function headers() {
  return { Authorization: 'Bearer ' + config.kioskToken }
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

// Calls a wx network API (request or uploadFile) with the shared options
// and turns its callbacks into a promise of the parsed answer.
function call(apiName, options) {
  return new Promise((resolve, reject) => {
    wx[apiName](Object.assign({}, options, {
      header: headers(),
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

function get(path) {
  return call('request', { url: url(path), method: 'GET' })
}

// Multipart upload of a local file as field `image`, plus text fields.
function upload(path, filePath, formData) {
  return call('uploadFile', {
    url: url(path),
    filePath,
    name: 'image',
    formData: formData || {}
  })
}

// The token is bound to one event, so the server can tell us which one.
// Cached once it succeeds; a failure is not cached so a retry asks again.
let eventIdPromise = null
function eventId() {
  if (config.eventId) return Promise.resolve(config.eventId)
  if (!eventIdPromise) {
    eventIdPromise = kioskInfo().then(
      (info) => info.kiosk.event_id,
      (err) => {
        eventIdPromise = null
        throw err
      }
    )
  }
  return eventIdPromise
}

function kioskInfo() {
  return get('/api/v1/kiosk/me').then((info) => {
    if (!info.kiosk || !info.kiosk.event_id) {
      throw apiError('bad_response', 'kiosk/me has no event_id')
    }
    return info
  })
}

module.exports = {
  apiError,
  get,
  upload,
  eventId,
  kioskInfo,
  checkIn: (id, filePath) => upload(`/api/v1/events/${id}/checkin`, filePath),
  selfRegister: (id, filePath, fields) => upload(`/api/v1/events/${id}/self-register`, filePath, fields),
  detect: (filePath) => upload('/api/v1/detect', filePath),
  stats: (id) => get(`/api/v1/events/${id}/stats`),
  // for tests: forget the cached event id
  _reset: () => {
    eventIdPromise = null
  }
}
