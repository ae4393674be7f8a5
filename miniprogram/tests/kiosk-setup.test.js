// Kiosk setup: the token is entered at run time (typed or scanned), checked
// with the server, and kept in wx storage; the reason for coming back here
// after a 401 is shown.
const config = require('../config')
const { KIOSK_TOKEN, freshPageWorld, renderPage, text, tap, flush } = require('./helpers')

const KIOSK_ME = { kiosk: { id: 4, name: 'Door A', event_id: 12 }, event: { id: 12, name: 'Gala' } }

let m
let page

async function open(query) {
  page = renderPage('kiosk-setup')
  page.instance.onLoad(query || {})
  await flush(0)
}

async function type(value) {
  page.querySelector('#token').dispatchEvent('input', { detail: { value } })
  await flush(0)
}

beforeEach(() => {
  m = freshPageWorld(null) // a fresh device
})

afterEach(() => jest.useRealTimers())

test('config.js holds no credential', () => {
  expect(Object.keys(config).sort()).toEqual(
    ['baseUrl', 'busyBackoffMs', 'cameraPosition', 'checkinIntervalMs', 'notRecognisedLimit', 'statsIntervalMs', 'timeoutMs'].sort()
  )
  expect(JSON.stringify(config)).not.toMatch(/kt_|ak_|iv[a-z2-7]{24}/)
})

test('a typed token is checked with the server, stored, and the kiosk starts', async () => {
  await open()
  await type(` ${KIOSK_TOKEN} `)
  await tap(page, '#save')
  const { opts } = m.requests[0]
  expect(opts.url).toBe(`${config.baseUrl}/api/v1/kiosk/me`)
  expect(opts.header.Authorization).toBe(`Bearer ${KIOSK_TOKEN}`)
  expect(m.stored('facecheck.kiosk')).toBeUndefined() // not before the server said yes
  m.requests[0].respond(200, KIOSK_ME)
  await flush(0)
  expect(m.stored('facecheck.kiosk')).toEqual({ token: KIOSK_TOKEN, eventId: 12, eventName: 'Gala' })
  expect(m.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/kiosk/index' })
})

test("the event's liveness policy is stored with the token, for the check-in page", async () => {
  await open()
  await type(KIOSK_TOKEN)
  await tap(page, '#save')
  m.requests[0].respond(200, { kiosk: KIOSK_ME.kiosk, event: Object.assign({ liveness: 'active' }, KIOSK_ME.event) })
  await flush(0)
  expect(m.stored('facecheck.kiosk')).toEqual({ token: KIOSK_TOKEN, eventId: 12, eventName: 'Gala', liveness: 'active' })
})

test('a scanned kiosk URL (#token=...) works the same', async () => {
  await open()
  await tap(page, '#scan')
  expect(m.scans[0].opts.onlyFromCamera).toBe(true)
  m.scans[0].scan(`https://checkin.example.com/kiosk.html#token=${KIOSK_TOKEN}`)
  await flush(0)
  expect(m.requests[0].opts.header.Authorization).toBe(`Bearer ${KIOSK_TOKEN}`)
  m.requests[0].respond(200, KIOSK_ME)
  await flush(0)
  expect(m.stored('facecheck.kiosk').token).toBe(KIOSK_TOKEN)
})

test('something that is not a token is refused without a request', async () => {
  await open()
  await type('ak_0123456789abcdefghijklmnopqrstuv')
  await tap(page, '#save')
  expect(m.requests).toHaveLength(0)
  expect(text(page, '#message')).toBe('这不是有效的 kiosk token（应以 kt_ 开头），请重新扫描或输入')
})

test('a token the server refuses is not stored, and the page says why', async () => {
  await open()
  await type(KIOSK_TOKEN)
  await tap(page, '#save')
  m.requests[0].respond(401, { error: { code: 'kiosk_event_not_open', message: 'draft' } })
  await flush(0)
  expect(text(page, '#message')).toBe('此 token 所属的活动尚未开放，请管理员开放活动后再试')
  expect(m.stored('facecheck.kiosk')).toBeUndefined()
  expect(m.wx.reLaunch).not.toHaveBeenCalled()
})

test.each([
  ['unauthorized', 'kiosk token 无效或已被撤销，请向管理员索取新的 token'],
  ['kiosk_event_over', '此 token 所属的活动已结束或签到时间已过，请联系管理员'],
  ['kiosk_event_not_open', '此 token 所属的活动尚未开放，请管理员开放活动后再试'],
  ['no_token', '本设备尚未设置 kiosk token，请扫描或输入管理员提供的 token']
])('sent back with reason %s: says why', async (reason, expected) => {
  await open({ reason })
  expect(text(page, '#message')).toBe(expected)
})

test('a kept token can be checked again, or forgotten', async () => {
  m.wx.setStorageSync('facecheck.kiosk', { token: KIOSK_TOKEN, eventId: 7 })
  await open({ reason: 'kiosk_event_over' })
  expect(text(page, '#stored')).toBe('本设备已保存：kt_test…BCDE')
  await tap(page, '#check')
  expect(m.requests[0].opts.header.Authorization).toBe(`Bearer ${KIOSK_TOKEN}`)
  m.requests[0].fail('request:fail timeout')
  await flush(0)
  expect(text(page, '#message')).toBe('请求超时，请重试')

  await tap(page, '#forget')
  expect(m.stored('facecheck.kiosk')).toBeUndefined()
  expect(page.querySelector('#stored')).toBeFalsy()
})
