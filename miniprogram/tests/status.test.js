const config = require('../config')
const { KIOSK_TOKEN, freshPageWorld, renderPage, text, flush } = require('./helpers')

let m
let page

const stats = (checkedIn) => ({
  registered: 120,
  enrolled: 100,
  checked_in: checkedIn,
  not_yet: 120 - checkedIn,
  per_10_minutes: []
})

beforeEach(() => {
  m = freshPageWorld()
  page = renderPage('status')
  page.instance.onLoad({})
  page.instance.onShow()
})

afterEach(() => {
  page.instance.onUnload()
  jest.useRealTimers()
})

test('shows the checked-in count from the stats route', async () => {
  await flush(0)
  expect(text(page, '#count')).toBe('—')
  expect(m.requests).toHaveLength(1)
  const { opts } = m.requests[0]
  expect(opts.url).toBe(`${config.baseUrl}/api/v1/events/7/stats`)
  expect(opts.method).toBe('GET')
  expect(opts.header.Authorization).toBe(`Bearer ${KIOSK_TOKEN}`)
  m.requests[0].respond(200, stats(42))
  await flush(0)
  expect(text(page, '#count')).toBe('42')
  expect(text(page, '#summary')).toBe('已签到 / checked in（共 120 人，未到 78 人）')
  expect(text(page, '#updated')).toMatch(/^更新于 \d\d:\d\d:\d\d$/)
})

test('refreshes every few seconds while visible, never two requests at once', async () => {
  await flush(0)
  m.requests[0].respond(200, stats(1))
  await flush(config.statsIntervalMs)
  expect(m.requests).toHaveLength(2)
  await flush(config.statsIntervalMs * 3) // slow answer: no pile-up
  expect(m.requests).toHaveLength(2)
  m.requests[1].respond(200, stats(2))
  await flush(0)
  expect(text(page, '#count')).toBe('2')
  expect(m.maxInFlight()).toBe(1)
})

test('stops refreshing when hidden and resumes when shown', async () => {
  await flush(0)
  m.requests[0].respond(200, stats(1))
  page.instance.onHide()
  await flush(config.statsIntervalMs * 5)
  expect(m.requests).toHaveLength(1)
  page.instance.onShow()
  await flush(0)
  expect(m.requests).toHaveLength(2)
})

test('an error keeps the last count, says why, and the next refresh recovers', async () => {
  await flush(0)
  m.requests[0].respond(200, stats(5))
  await flush(config.statsIntervalMs)
  m.requests[1].fail('request:fail net::ERR_INTERNET_DISCONNECTED')
  await flush(0)
  expect(text(page, '#count')).toBe('5')
  expect(text(page, '#message')).toBe('网络连接失败，请重试')
  await flush(config.statsIntervalMs)
  m.requests[2].respond(200, stats(6))
  await flush(0)
  expect(text(page, '#count')).toBe('6')
  expect(text(page, '#message')).toBeNull()
})

test('a refused token stops the refresh and sends the kiosk back to setup', async () => {
  await flush(0)
  m.requests[0].respond(401, { error: { code: 'kiosk_event_over', message: 'over' } })
  await flush(0)
  expect(m.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/kiosk-setup/index?reason=kiosk_event_over' })
  await flush(config.statsIntervalMs * 3)
  expect(m.requests).toHaveLength(1)
})
