// The check-in page and liveness: a challenge's error answers, where the
// policy comes from, and a 'passive' event (no challenge, only the server's
// liveness_failed).
const config = require('../config')
const { KIOSK_TOKEN, text, tap, flush } = require('./helpers')
const { FRAME_MS } = require('../utils/challenge')
const { WELCOME, IN_VIEW, face, answer, progress, route, error, openCheckin } = require('./liveness-fixtures')

let m
let page

async function open(record) {
  ;({ m, page } = await openCheckin(record))
}

afterEach(() => {
  if (page) page.instance.onUnload()
  jest.useRealTimers()
})

test('challenge_not_found on a frame: a new challenge at once', async () => {
  await open()
  m.uploads[0].respond(200, IN_VIEW)
  await flush(0)
  m.requests[0].respond(201, progress())
  await flush(FRAME_MS)
  m.lastUpload().respond(404, error('challenge_not_found'))
  await flush(0)
  expect(route(m.lastUpload())).toBe('/api/v1/detect')
})

test('a frame over the rate limit (429 rate_limited) backs off and continues the same challenge', async () => {
  await open()
  m.uploads[0].respond(200, IN_VIEW)
  await flush(0)
  m.requests[0].respond(201, progress())
  await flush(FRAME_MS)
  m.lastUpload().respond(429, error('rate_limited'))
  await flush(0)
  expect(text(page, '#message')).toBe('请求过于频繁，请稍候再试')
  expect(page.querySelector('#progress')).toBeFalsy()
  const count = m.uploads.length
  await flush(config.busyBackoffMs - 1)
  expect(m.uploads).toHaveLength(count)
  await flush(1)
  expect(route(m.lastUpload())).toBe('/api/v1/liveness/challenges/c1/frames')
})

test('check-in closed (409) when opening the challenge stops with a retry button', async () => {
  await open()
  m.uploads[0].respond(200, IN_VIEW)
  await flush(0)
  m.requests[0].respond(409, error('checkin_closed'))
  await flush(0)
  expect(text(page, '#message')).toBe('本活动当前不在签到时间内')
  expect(page.querySelector('#retry')).toBeTruthy()
  await flush(10000)
  expect(m.uploads).toHaveLength(1)
  await tap(page, '#retry')
  expect(route(m.lastUpload())).toBe('/api/v1/detect')
})

test('hidden mid-challenge: the late answer is dropped and onShow starts over', async () => {
  await open()
  m.uploads[0].respond(200, IN_VIEW)
  await flush(0)
  m.requests[0].respond(201, progress())
  await flush(FRAME_MS)
  page.instance.onHide()
  m.lastUpload().respond(200, progress({ done: 1, next_action: 'blink' }))
  await flush(5000)
  expect(text(page, '#message')).toBe('请向左转头') // not the late "blink"
  const count = m.uploads.length
  page.instance.onShow()
  await flush(0)
  expect(m.uploads).toHaveLength(count + 1)
  expect(route(m.lastUpload())).toBe('/api/v1/detect')
})

test('the policy comes from kiosk/me and is kept with the token', async () => {
  await open({ token: KIOSK_TOKEN })
  expect(route(m.lastRequest())).toBe('/api/v1/kiosk/me')
  m.lastRequest().respond(200, { kiosk: { id: 3, event_id: 42 }, event: { id: 42, name: 'Gala', liveness: 'active' } })
  await flush(0)
  expect(m.stored('facecheck.kiosk')).toEqual({ token: KIOSK_TOKEN, eventId: 42, eventName: 'Gala', liveness: 'active' })
  expect(m.uploads.map(route)).toEqual(['/api/v1/detect'])
  m.lastUpload().respond(200, IN_VIEW)
  await flush(0)
  expect(route(m.lastRequest())).toBe('/api/v1/events/42/liveness/challenges')
})

test('an event switched to active since kiosk/me (403 liveness_required) switches the page to the challenge', async () => {
  await open({ token: KIOSK_TOKEN, eventId: 7, eventName: 'Gala', liveness: 'off' })
  expect(route(m.uploads[0])).toBe('/api/v1/events/7/checkin')
  m.uploads[0].respond(403, error('liveness_required'))
  await flush(0)
  expect(m.stored('facecheck.kiosk').liveness).toBe('active')
  expect(m.wx.reLaunch).not.toHaveBeenCalled()
  expect(route(m.lastUpload())).toBe('/api/v1/detect')
})

test('passive: plain check-in; a liveness_failed face gets a message and scanning continues', async () => {
  await open({ token: KIOSK_TOKEN, eventId: 7, eventName: 'Gala', liveness: 'passive' })
  expect(m.uploads.map(route)).toEqual(['/api/v1/events/7/checkin'])
  expect(m.uploads[0].opts.header['X-Liveness-Proof']).toBeUndefined()
  m.uploads[0].respond(200, answer(face('liveness_failed')))
  await flush(0)
  expect(text(page, '#message')).toBe('请本人看向摄像头，不要使用照片') // the shared catalogue's face_statuses.liveness_failed
  expect(page.querySelector('#retry')).toBeFalsy()
  await flush(config.checkinIntervalMs)
  expect(m.uploads).toHaveLength(2)
  expect(route(m.uploads[1])).toBe('/api/v1/events/7/checkin')
  // Someone checked in beats a liveness refusal of someone behind them.
  m.uploads[1].respond(200, answer(face('liveness_failed'), face('checked_in', '张三')))
  await flush(0)
  expect(text(page, '#message')).toBe(WELCOME)
  expect(m.requests).toHaveLength(0) // never a challenge
})
