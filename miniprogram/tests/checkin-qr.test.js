// The check-in page in the kiosk's other cases: a token the server refuses
// (back to setup) and guests who check in with their invitation QR code.
const config = require('../config')
const { KIOSK_TOKEN, freshPageWorld, renderPage, text, tap, flush, sent } = require('./helpers')

const face = (status) => ({ box: [10, 20, 100, 120], status })
const answer = (...faces) => ({ faces, width: 640, height: 480, threshold: 0.5 })

let m
let page

async function open() {
  page = renderPage('checkin')
  page.instance.onLoad({})
  page.instance.onReady()
  page.instance.onShow()
  await flush(0)
}

beforeEach(() => {
  m = freshPageWorld()
})

afterEach(() => {
  if (page) page.instance.onUnload()
  jest.useRealTimers()
})

const CODE = 'ivabcdefghijklmnopqrstuvwx'

test.each([
  ['unauthorized', undefined],
  ['kiosk_event_not_open', KIOSK_TOKEN],
  ['kiosk_event_over', KIOSK_TOKEN]
])('a 401 %s stops the loop and sends the kiosk back to its setup page', async (code, tokenLeft) => {
  await open()
  m.uploads[0].respond(401, { error: { code, message: 'no' } })
  await flush(0)
  expect(m.wx.reLaunch).toHaveBeenCalledWith({ url: `/pages/kiosk-setup/index?reason=${code}` })
  expect((m.stored('facecheck.kiosk') || {}).token).toBe(tokenLeft)
  await flush(10000)
  expect(m.uploads).toHaveLength(1)
})

test('no token on this device: straight to setup, nothing uploaded', async () => {
  m = freshPageWorld(null)
  await open()
  expect(m.uploads).toHaveLength(0)
  expect(m.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/kiosk-setup/index?reason=no_token' })
})

test('QR check-in: pauses the face loop, posts the code from the invitation URL, welcomes the guest', async () => {
  await open()
  m.uploads[0].respond(200, answer())
  await tap(page, '#scan-qr')
  expect(page.querySelector('#scan-qr')).toBeFalsy()
  m.scans[0].scan(`https://checkin.example.com/invite/${CODE}`)
  await flush(0)
  const call = m.lastRequest()
  expect(call.opts.url).toBe(`${config.baseUrl}/api/v1/events/7/checkin/qr`)
  expect(call.opts.method).toBe('POST')
  expect(sent(call)).toEqual({ code: CODE })
  expect(call.opts.header.Authorization).toBe(`Bearer ${KIOSK_TOKEN}`)
  await flush(5000)
  expect(m.uploads).toHaveLength(1) // no face photos meanwhile
  call.respond(200, {
    status: 'checked_in',
    person: { id: 5, name: '李四', organisation: '', title: '' },
    checked_in_at: 1750000000,
    method: 'qr'
  })
  await flush(0)
  expect(text(page, '#message')).toBe('欢迎, 李四 / Welcome, 李四')

  // "Next" goes back to face check-in.
  await tap(page, '#next')
  expect(m.uploads).toHaveLength(2)
})

test('QR check-in: a bare code, already checked in', async () => {
  await open()
  await tap(page, '#scan-qr')
  m.scans[0].scan(CODE)
  await flush(0)
  m.lastRequest().respond(200, { status: 'already_checked_in', person: { id: 5, name: '李四' }, checked_in_at: 1, method: 'qr' })
  await flush(0)
  expect(text(page, '#message')).toBe('已签到 / Already checked in')
  expect(text(page, '#detail')).toBe('李四')
})

test('QR check-in: a face answer still in flight does not overwrite the QR result', async () => {
  await open()
  await tap(page, '#scan-qr')
  m.scans[0].scan(CODE)
  await flush(0)
  m.lastRequest().respond(200, { status: 'checked_in', person: { id: 5, name: '李四' }, checked_in_at: 1, method: 'qr' })
  await flush(0)
  m.uploads[0].respond(200, answer(face('not_recognised')))
  await flush(0)
  expect(text(page, '#message')).toBe('欢迎, 李四 / Welcome, 李四')
})

test('QR check-in: not an invitation code, or an expired one, says so; cancel resumes face check-in', async () => {
  await open()
  m.uploads[0].respond(200, answer())
  await tap(page, '#scan-qr')
  m.scans[0].scan('https://example.org/lunch')
  await flush(0)
  expect(text(page, '#message')).toBe('邀请码无效，请检查二维码或链接是否完整')
  expect(m.requests).toHaveLength(0)

  await tap(page, '#scan-qr')
  m.scans[1].scan(CODE)
  await flush(0)
  m.lastRequest().respond(410, { error: { code: 'invitation_expired', message: 'expired' } })
  await flush(0)
  expect(text(page, '#message')).toBe('这份邀请已过期（活动签到时间已结束）')
  expect(page.querySelector('#retry')).toBeTruthy()

  await tap(page, '#scan-qr')
  m.scans[2].cancel()
  await flush(0)
  expect(text(page, '#message')).toBe('请正对摄像头 / Please look at the camera')
  expect(m.uploads).toHaveLength(2)
})
