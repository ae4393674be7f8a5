const config = require('../config')
const { KIOSK_TOKEN, freshPageWorld, renderPage, text, tap, flush } = require('./helpers')

const WELCOME = '欢迎, 张三 / Welcome, 张三'
const NOT_RECOGNISED = '未能识别，请到服务台办理 / Not recognised, please see the desk' // clients/catalogue

const face = (status, name) => ({
  box: [10, 20, 100, 120],
  status,
  ...(name ? { person: { id: 1, name, organisation: '', title: '' } } : {})
})
const answer = (...faces) => ({ faces, width: 640, height: 480, threshold: 0.5 })

let m
let page

// Load, ready and show the page, as WeChat does on navigation.
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

test('renders the camera and the scanning prompt, and uploads a photo at once', async () => {
  await open()
  expect(page.dom.querySelector('wx-camera')).toBeTruthy()
  expect(text(page, '#message')).toBe('请正对摄像头 / Please look at the camera')
  expect(page.querySelector('#retry')).toBeFalsy()
  expect(m.uploads).toHaveLength(1)
  const { opts } = m.uploads[0]
  expect(opts.url).toBe(`${config.baseUrl}/api/v1/events/7/checkin`)
  expect(opts.name).toBe('image')
  expect(opts.filePath).toBe('wxfile://tmp/photo-1.jpg')
  expect(opts.header.Authorization).toBe(`Bearer ${KIOSK_TOKEN}`)
  expect(opts.timeout).toBe(config.timeoutMs)
})

test('stops on success and welcomes the guest by name', async () => {
  await open()
  m.uploads[0].respond(200, answer())
  await flush(config.checkinIntervalMs)
  expect(m.uploads).toHaveLength(2)
  m.uploads[1].respond(200, answer(face('checked_in', '张三')))
  await flush(0)
  expect(text(page, '#message')).toBe(WELCOME)
  expect(page.querySelector('#next')).toBeTruthy()

  await flush(10000)
  expect(m.uploads).toHaveLength(2)
  expect(m.camera.takePhoto).toHaveBeenCalledTimes(2)
})

test('"Next" starts scanning for the next guest', async () => {
  await open()
  m.uploads[0].respond(200, answer(face('checked_in', '张三')))
  await flush(0)
  await tap(page, '#next')
  expect(m.uploads).toHaveLength(2)
  expect(text(page, '#message')).toBe('请正对摄像头 / Please look at the camera')
})

test('never two uploads in flight, even when answers take longer than the interval', async () => {
  await open()
  for (let i = 0; i < 5; i++) {
    // A slow server: 3 s per answer, six times the photo interval.
    await flush(3000)
    expect(m.uploads).toHaveLength(i + 1)
    expect(m.inFlight()).toBe(1)
    m.uploads[i].respond(200, answer())
    // The next photo waits a full interval after the answer, not after the
    // previous photo.
    await flush(config.checkinIntervalMs - 1)
    expect(m.uploads).toHaveLength(i + 1)
    await flush(1)
    expect(m.uploads).toHaveLength(i + 2)
  }
  expect(m.maxInFlight()).toBe(1)
})

test('a frame with several faces reports the one that checked in', async () => {
  await open()
  m.uploads[0].respond(200, answer(face('not_recognised'), face('checked_in', '张三'), face('too_small')))
  await flush(0)
  expect(text(page, '#message')).toBe(WELCOME)
})

test('already checked in: says so and stops', async () => {
  await open()
  m.uploads[0].respond(200, answer(face('already_checked_in', '张三')))
  await flush(0)
  expect(text(page, '#message')).toBe('已签到 / Already checked in')
  expect(text(page, '#detail')).toBe('张三')
  await flush(5000)
  expect(m.uploads).toHaveLength(1)
})

test('too small: asks the guest to step closer and keeps trying', async () => {
  await open()
  m.uploads[0].respond(200, answer(face('too_small')))
  await flush(0)
  expect(text(page, '#message')).toBe('请靠近摄像头 / Please step closer to the camera')
  await flush(config.checkinIntervalMs)
  expect(m.uploads).toHaveLength(2)
})

test('not recognised: keeps trying a few times, then stops with a retry button', async () => {
  await open()
  for (let i = 0; i < config.notRecognisedLimit; i++) {
    expect(m.uploads).toHaveLength(i + 1)
    m.uploads[i].respond(200, answer(face('not_recognised')))
    await flush(0)
    expect(text(page, '#message')).toBe(NOT_RECOGNISED)
    await flush(config.checkinIntervalMs)
  }
  expect(page.querySelector('#retry')).toBeTruthy()
  await flush(10000)
  expect(m.uploads).toHaveLength(config.notRecognisedLimit)

  // Retry gives the guest a fresh set of attempts.
  await tap(page, '#retry')
  expect(m.uploads).toHaveLength(config.notRecognisedLimit + 1)
  expect(page.querySelector('#retry')).toBeFalsy()
  m.lastUpload().respond(200, answer(face('checked_in', '张三')))
  await flush(0)
  expect(text(page, '#message')).toBe(WELCOME)
})

test('network failure: shows the retry message, stops, and recovers on retry', async () => {
  await open()
  m.uploads[0].fail('uploadFile:fail Unable to resolve host')
  await flush(0)
  expect(text(page, '#message')).toBe('网络连接失败，请重试')
  expect(page.querySelector('#retry')).toBeTruthy()
  await flush(5000)
  expect(m.uploads).toHaveLength(1)

  await tap(page, '#retry')
  expect(m.uploads).toHaveLength(2)
  expect(text(page, '#message')).toBe('请正对摄像头 / Please look at the camera')
  m.uploads[1].respond(200, answer(face('checked_in', '张三')))
  await flush(0)
  expect(text(page, '#message')).toBe(WELCOME)
})

test('timeout: shows the timeout message with a retry button', async () => {
  await open()
  m.uploads[0].fail('uploadFile:fail timeout')
  await flush(0)
  expect(text(page, '#message')).toBe('请求超时，请重试')
  expect(page.querySelector('#retry')).toBeTruthy()
})

test('server busy (503): says so and keeps trying after a back-off', async () => {
  await open()
  m.uploads[0].respond(503, { error: { code: 'busy', message: 'engines busy' } })
  await flush(0)
  expect(text(page, '#message')).toBe('服务器繁忙，请稍候')
  await flush(config.busyBackoffMs - 1)
  expect(m.uploads).toHaveLength(1)
  await flush(1)
  expect(m.uploads).toHaveLength(2)
})

test('check-in closed (409): shows the reason and stops', async () => {
  await open()
  m.uploads[0].respond(409, { error: { code: 'checkin_closed', message: 'Check-in for this event has closed' } })
  await flush(0)
  expect(text(page, '#message')).toBe('本活动当前不在签到时间内')
  expect(page.querySelector('#retry')).toBeTruthy()
})

test('a camera that is still starting gets a few seconds, then the page says it is unusable', async () => {
  page = renderPage('checkin')
  m.camera.failures = 1
  page.instance.onLoad({})
  page.instance.onShow()
  await flush(0)
  expect(text(page, '#message')).toBe('正在启动摄像头… / Starting camera…')
  await flush(1000)
  expect(m.uploads).toHaveLength(1) // second photo worked

  m.camera.failures = 4
  m.uploads[0].respond(200, answer())
  await flush(config.checkinIntervalMs + 3 * 1000)
  expect(text(page, '#message')).toBe('无法使用摄像头，请在设置中允许使用相机')
  expect(page.querySelector('#retry')).toBeTruthy()
  expect(m.uploads).toHaveLength(1)
})

test('a camera that never answers does not freeze the page', async () => {
  page = renderPage('checkin')
  m.camera.takePhoto.mockImplementation(() => {}) // no callback, ever
  page.instance.onLoad({})
  page.instance.onShow()
  await flush(4 * 5000 + 3 * 1000)
  expect(text(page, '#message')).toBe('无法使用摄像头，请在设置中允许使用相机')
  expect(page.querySelector('#retry')).toBeTruthy()
})

test('camera permission refused (<camera binderror>) stops at once', async () => {
  await open()
  page.querySelector('.camera').dispatchEvent('error', { detail: { errMsg: 'insertCamera:fail auth deny' } })
  await flush(0)
  expect(text(page, '#message')).toBe('无法使用摄像头，请在设置中允许使用相机')
  m.uploads[0].respond(200, answer()) // a late answer changes nothing
  await flush(5000)
  expect(m.uploads).toHaveLength(1)
  expect(text(page, '#message')).toBe('无法使用摄像头，请在设置中允许使用相机')
})

test('onHide stops the loop (also mid-upload) and onShow resumes it', async () => {
  await open()
  page.instance.onHide()
  m.uploads[0].respond(200, answer())
  await flush(5000)
  expect(m.uploads).toHaveLength(1)

  page.instance.onShow()
  await flush(0)
  expect(m.uploads).toHaveLength(2)
})

test('hide and show during one upload do not start a second one', async () => {
  await open()
  page.instance.onHide()
  page.instance.onShow()
  await flush(2000)
  expect(m.uploads).toHaveLength(1)
  m.uploads[0].respond(200, answer())
  await flush(config.checkinIntervalMs)
  expect(m.uploads).toHaveLength(2)
  expect(m.maxInFlight()).toBe(1)
})

test('onUnload stops the loop for good', async () => {
  await open()
  m.uploads[0].respond(200, answer())
  page.instance.onUnload()
  await flush(10000)
  expect(m.uploads).toHaveLength(1)
  page = null
})

test('asks the server for the event id when the stored token has none yet', async () => {
  m = freshPageWorld({ token: KIOSK_TOKEN })
  await open()
  expect(m.uploads).toHaveLength(0)
  expect(m.lastRequest().opts.url).toBe(`${config.baseUrl}/api/v1/kiosk/me`)
  m.lastRequest().respond(200, { kiosk: { id: 3, name: 'Door A', event_id: 42 }, event: { id: 42 } })
  await flush(0)
  expect(m.uploads[0].opts.url).toBe(`${config.baseUrl}/api/v1/events/42/checkin`)
})
