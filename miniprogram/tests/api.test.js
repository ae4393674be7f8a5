const api = require('../utils/api')
const kiosk = require('../utils/kiosk')
const { describe: describeError } = require('../utils/messages')
const { KIOSK_TOKEN, createWx, renderPage, text, flush } = require('./helpers')

let m

// A kiosk token is set up on the device, its event not known yet.
beforeEach(() => {
  m = createWx()
  global.wx = m.wx
  kiosk.save({ token: KIOSK_TOKEN })
  api._reset()
})

// Run a promise-returning call and hand back its error (or fail the test).
async function errorOf(promise) {
  try {
    await promise
  } catch (e) {
    return e
  }
  throw new Error('expected a rejection')
}

test('uploadFile: parses the JSON string body of a 2xx', async () => {
  const p = api.detect('wxfile://a.jpg')
  m.uploads[0].respond(200, { width: 1, height: 1, faces: [] })
  await expect(p).resolves.toEqual({ width: 1, height: 1, faces: [] })
})

test('HTTP errors carry status, code, server message and details', async () => {
  const p = api.selfRegister(7, 'wxfile://a.jpg', { name: 'x' })
  m.uploads[0].respond(422, { error: { code: 'several_faces', message: '2 faces', details: { faces: [] } } })
  const e = await errorOf(p)
  expect(e).toMatchObject({ kind: 'http', status: 422, code: 'several_faces', serverMessage: '2 faces', details: { faces: [] } })
})

test('a 2xx that is not JSON is a bad response, a non-JSON error is still an http error', async () => {
  const p1 = api.detect('wxfile://a.jpg')
  m.uploads[0].opts.success({ statusCode: 200, data: 'success' }) // e.g. a legacy route
  expect((await errorOf(p1)).kind).toBe('bad_response')

  const p2 = api.stats(7)
  m.requests[0].respond(502, '<html>Bad Gateway</html>')
  expect(await errorOf(p2)).toMatchObject({ kind: 'http', status: 502, code: '' })
})

test.each([
  ['request:fail timeout', 'timeout'],
  ['uploadFile:fail socket time out', 'timeout'],
  ['request:fail net::ERR_CONNECTION_REFUSED', 'network'],
  ['uploadFile:fail url not in domain list', 'network']
])('failure "%s" is a %s error', async (errMsg, kind) => {
  const p = api.stats(7)
  m.requests[0].fail(errMsg)
  expect((await errorOf(p)).kind).toBe(kind)
})

test('the event id comes from kiosk/me once, and a failure is not remembered', async () => {
  const first = api.eventId()
  m.requests[0].fail('request:fail offline')
  await expect(first).rejects.toMatchObject({ kind: 'network' })

  const second = api.eventId()
  expect(m.requests).toHaveLength(2)
  m.requests[1].respond(200, { kiosk: { id: 1, name: 'Door', event_id: 9 }, event: { id: 9, name: 'Gala' } })
  await expect(second).resolves.toBe(9)
  await expect(api.eventId()).resolves.toBe(9)
  expect(m.requests).toHaveLength(2)
})

test('a stored event id needs no request', async () => {
  kiosk.save({ token: KIOSK_TOKEN, eventId: 3 })
  await expect(api.eventId()).resolves.toBe(3)
  expect(m.requests).toHaveLength(0)
})

test('the event learnt from kiosk/me is stored with the token', async () => {
  const p = api.eventId()
  m.requests[0].respond(200, { kiosk: { id: 1, name: 'Door', event_id: 9 }, event: { id: 9, name: 'Gala' } })
  await p
  expect(m.stored(kiosk.KEY)).toEqual({ token: KIOSK_TOKEN, eventId: 9, eventName: 'Gala' })
})

test("the event's liveness policy from kiosk/me is stored with the token (absent: off)", async () => {
  expect(kiosk.liveness()).toBe('off')
  const p = api.eventId()
  m.requests[0].respond(200, { kiosk: { id: 1, event_id: 9 }, event: { id: 9, name: 'Gala', liveness: 'passive' } })
  await p
  expect(m.stored(kiosk.KEY)).toEqual({ token: KIOSK_TOKEN, eventId: 9, eventName: 'Gala', liveness: 'passive' })
  expect(kiosk.liveness()).toBe('passive')
  kiosk.rememberLiveness('active')
  expect(kiosk.liveness()).toBe('active')
  // A new token never inherits the previous token's policy.
  kiosk.save({ token: KIOSK_TOKEN.replace('kt_test', 'kt_next') })
  expect(kiosk.liveness()).toBe('off')
})

test('liveness routes: open a challenge, send a frame, check in with the proof as a header', async () => {
  const opened = api.openChallenge(7)
  expect(m.requests[0].opts).toMatchObject({ url: 'https://checkin.example.com/api/v1/events/7/liveness/challenges', method: 'POST' })
  m.requests[0].respond(201, { id: 'c1', state: 'in_progress' })
  await expect(opened).resolves.toMatchObject({ id: 'c1' })

  api.challengeFrame('c1/x', 'wxfile://f.jpg')
  expect(m.uploads[0].opts).toMatchObject({
    url: 'https://checkin.example.com/api/v1/liveness/challenges/c1%2Fx/frames',
    filePath: 'wxfile://f.jpg',
    name: 'image'
  })
  api.checkIn(7, 'wxfile://p.jpg', 'lp_1')
  expect(m.uploads[1].opts.header).toEqual({ 'X-Liveness-Proof': 'lp_1', Authorization: `Bearer ${KIOSK_TOKEN}` })
  api.checkIn(7, 'wxfile://p.jpg')
  expect(m.uploads[2].opts.header).toEqual({ Authorization: `Bearer ${KIOSK_TOKEN}` })
})

test('kiosk routes send the stored token; with none stored they fail without a request', async () => {
  const p = api.stats(7)
  expect(m.requests[0].opts.header.Authorization).toBe(`Bearer ${KIOSK_TOKEN}`)
  m.requests[0].respond(200, {})
  await p
  kiosk.forget()
  await expect(api.stats(7)).rejects.toMatchObject({ kind: 'no_token' })
  await expect(api.detect('wxfile://a.jpg')).rejects.toMatchObject({ kind: 'no_token' })
  expect(m.requests).toHaveLength(1)
  expect(m.uploads).toHaveLength(0)
})

test('messages: every error becomes a sentence', () => {
  expect(describeError({ kind: 'network' })).toBe('网络连接失败，请重试')
  expect(describeError({ kind: 'timeout' })).toBe('请求超时，请重试')
  expect(describeError({ kind: 'http', status: 422, code: 'poor_quality', serverMessage: '' })).toBe(
    '照片质量不合格：请在光线充足处正对摄像头'
  )
  expect(
    describeError({ kind: 'http', status: 422, code: 'poor_quality', details: { quality: { problems: ['too_dark', 'tilted', 'too_dark', 'new_code'] } } })
  ).toBe('照片质量不合格：光线太暗，请到明亮处或面向窗户；头部歪斜，请保持头部端正')
  expect(describeError({ kind: 'http', status: 403, code: 'self_register_disabled' })).toBe('本活动未开放现场注册，请到服务台')
  expect(describeError({ kind: 'http', status: 418, code: '' })).toBe('服务器出错，请稍后重试')
  expect(describeError({ kind: 'bad_response' })).toBe('服务器出错，请稍后重试')
  expect(describeError(new Error('anything'))).toBe('服务器出错，请稍后重试')
  expect(describeError(null)).toBe('服务器出错，请稍后重试')
})

test('kiosk home shows the event this token belongs to; a refused token goes back to setup', async () => {
  jest.useFakeTimers()
  try {
    let page = renderPage('kiosk')
    page.instance.onLoad({})
    expect(m.requests[0].opts.header.Authorization).toBe(`Bearer ${KIOSK_TOKEN}`)
    m.requests[0].respond(200, { kiosk: { id: 1, name: 'Door', event_id: 9 }, event: { id: 9, name: 'Gala 2025' } })
    await flush(0)
    expect(text(page, '#event')).toBe('活动：Gala 2025')
    expect(kiosk.liveness()).toBe('off') // not in the answer: an older server

    page = renderPage('kiosk')
    page.instance.onLoad({})
    m.lastRequest().respond(200, { kiosk: { id: 1, event_id: 9 }, event: { id: 9, name: 'Gala 2025', liveness: 'active' } })
    await flush(0)
    expect(kiosk.liveness()).toBe('active') // the check-in page reads it from here

    page = renderPage('kiosk')
    page.instance.onLoad({})
    m.lastRequest().respond(401, { error: { code: 'unauthorized', message: 'unknown token' } })
    await flush(0)
    expect(m.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/kiosk-setup/index?reason=unauthorized' })
    expect(kiosk.token()).toBe('') // a revoked token is of no further use
  } finally {
    jest.useRealTimers()
  }
})
