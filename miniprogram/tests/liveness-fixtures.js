// Shared by the check-in page's liveness tests: server answers of the shape
// docs/api.md gives, and the page opened as WeChat opens it.
const config = require('../config')
const { KIOSK_TOKEN, freshPageWorld, renderPage, flush } = require('./helpers')

const WELCOME = '欢迎, 张三 / Welcome, 张三'
const SCANNING = '请正对摄像头 / Please look at the camera'
const ACTIVE = { token: KIOSK_TOKEN, eventId: 7, eventName: 'Gala', liveness: 'active' }
// /detect answers
const IN_VIEW = { width: 640, height: 480, scale: 1, faces: [{ box: [10, 20, 100, 120], score: 0.9 }] }
const EMPTY = { width: 640, height: 480, scale: 1, faces: [] }

const face = (status, name) => ({
  box: [10, 20, 100, 120],
  status,
  ...(name ? { person: { id: 1, name, organisation: '', title: '' } } : {})
})
const answer = (...faces) => ({ faces, width: 640, height: 480, threshold: 0.5 })
// An answer of open or frames: challenge c1, turn left then blink.
const progress = (extra) =>
  Object.assign(
    { id: 'c1', actions: ['turn_left', 'blink'], done: 0, next_action: 'turn_left', state: 'in_progress', reason: 'none', expires_in_ms: 10000 },
    extra
  )
const route = (call) => call.opts.url.slice(config.baseUrl.length)
const error = (code) => ({ error: { code, message: code } })

// A fresh device holding `record` (default: a kiosk of active event 7), the
// check-in page loaded, ready and shown. Returns { m, page }.
async function openCheckin(record) {
  const m = freshPageWorld(record === undefined ? ACTIVE : record)
  const page = renderPage('checkin')
  page.instance.onLoad({})
  page.instance.onReady()
  page.instance.onShow()
  await flush(0)
  return { m, page }
}

module.exports = { WELCOME, SCANNING, ACTIVE, IN_VIEW, EMPTY, face, answer, progress, route, error, openCheckin }
