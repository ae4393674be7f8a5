// The start page: launch with an invitation code (Mini Program code `scene`,
// shared card `code`), a bad code, a code kept from last time, and the
// choice between the guest's app and kiosk mode.
const { KIOSK_TOKEN, freshPageWorld, renderPage, text, tap, flush } = require('./helpers')

const CODE = 'ivabcdefghijklmnopqrstuvwx'
const INVALID = '邀请码无效，请检查二维码或链接是否完整'

let m
let page

function open(query) {
  page = renderPage('index')
  page.instance.onLoad(query)
  return flush(0)
}

beforeEach(() => {
  m = freshPageWorld(null) // a guest's phone: no kiosk token
})

afterEach(() => jest.useRealTimers())

test('launched from a Mini Program code: the scene is decoded and opens the invitation', async () => {
  await open({ scene: encodeURIComponent(CODE) })
  expect(m.wx.redirectTo).toHaveBeenCalledWith({ url: `/pages/guest/index?code=${CODE}` })
})

test('launched from a shared card: ?code= opens the invitation', async () => {
  await open({ code: CODE })
  expect(m.wx.redirectTo).toHaveBeenCalledWith({ url: `/pages/guest/index?code=${CODE}` })
})

test('a malformed code is refused on the phone, without asking the server', async () => {
  await open({ scene: encodeURIComponent('iv-not-a-code') })
  expect(text(page, '#message')).toBe(INVALID)
  expect(m.wx.redirectTo).not.toHaveBeenCalled()
  expect(m.requests).toHaveLength(0)
  expect(page.querySelector('#scan')).toBeTruthy()
})

test('reopening the app with a stored invitation shows the guest\'s status', async () => {
  m.wx.setStorageSync('facecheck.invitation', CODE)
  await open({})
  expect(m.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/guest/index' })
})

test('?menu=1 shows the choice even with a stored invitation', async () => {
  m.wx.setStorageSync('facecheck.invitation', CODE)
  await open({ menu: '1' })
  expect(m.wx.redirectTo).not.toHaveBeenCalled()
  await tap(page, '#mine')
  expect(m.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/guest/index' })
})

test('scanning an invitation QR code (a URL) opens that invitation', async () => {
  await open({})
  expect(page.querySelector('#mine')).toBeFalsy()
  await tap(page, '#scan')
  m.scans[0].scan(`https://checkin.example.com/invite/${CODE}`)
  await flush(0)
  expect(m.wx.navigateTo).toHaveBeenCalledWith({ url: `/pages/guest/index?code=${CODE}` })
})

test('scanning something that is not an invitation says so', async () => {
  await open({})
  await tap(page, '#scan')
  m.scans[0].scan('https://example.org/lunch-menu')
  await flush(0)
  expect(text(page, '#message')).toBe(INVALID)
  expect(m.wx.navigateTo).not.toHaveBeenCalled()
})

test('kiosk mode: to the setup page without a token, to the kiosk home with one', async () => {
  await open({})
  await tap(page, '#kiosk')
  expect(m.wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/kiosk-setup/index' })

  m.wx.setStorageSync('facecheck.kiosk', { token: KIOSK_TOKEN, eventId: 7 })
  await tap(page, '#kiosk')
  expect(m.wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/kiosk/index' })
})
