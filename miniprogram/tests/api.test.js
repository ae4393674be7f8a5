const config = require('../config')
const api = require('../utils/api')
const { describe: describeError } = require('../utils/messages')
const { createWx, renderPage, text, flush } = require('./helpers')

let m

beforeEach(() => {
  m = createWx()
  global.wx = m.wx
  config.eventId = null
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

test('a configured event id needs no request', async () => {
  config.eventId = 3
  await expect(api.eventId()).resolves.toBe(3)
  expect(m.requests).toHaveLength(0)
})

test('messages: every error becomes a sentence', () => {
  expect(describeError({ kind: 'network' })).toBe('网络连接失败，请重试')
  expect(describeError({ kind: 'timeout' })).toBe('请求超时，请重试')
  expect(describeError({ kind: 'http', status: 422, code: 'poor_quality', serverMessage: '' })).toBe(
    '照片质量不合格：请在光线充足处正对摄像头'
  )
  expect(describeError({ kind: 'http', status: 418, code: '' })).toBe('服务器出错，请稍后重试')
  expect(describeError({ kind: 'bad_response' })).toBe('服务器出错，请稍后重试')
  expect(describeError(new Error('anything'))).toBe('服务器出错，请稍后重试')
  expect(describeError(null)).toBe('服务器出错，请稍后重试')
})

test('start page shows the event this token belongs to, or why it cannot', async () => {
  jest.useFakeTimers()
  try {
    let page = renderPage('index')
    page.instance.onLoad({})
    m.requests[0].respond(200, { kiosk: { id: 1, name: 'Door', event_id: 9 }, event: { id: 9, name: 'Gala 2025' } })
    await flush(0)
    expect(text(page, '#event')).toBe('活动：Gala 2025')

    page = renderPage('index')
    page.instance.onLoad({})
    m.requests[1].respond(401, { error: { code: 'unauthorized', message: 'unknown token' } })
    await flush(0)
    expect(text(page, '#event')).toBe('设备未授权，请联系管理员检查 kiosk token')
  } finally {
    jest.useRealTimers()
  }
})
