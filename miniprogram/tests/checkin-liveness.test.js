// The check-in page at an event whose liveness is 'active' (docs/api.md,
// "Liveness challenges"): a challenge before each check-in, its proof sent
// with the check-in photo.
const config = require('../config')
const { KIOSK_TOKEN, text, tap, flush } = require('./helpers')
const { FRAME_MS, SETTLE_MS, HOLD_MS, LOCKED_MS, RESTART_MS } = require('../utils/challenge')
const { WELCOME, SCANNING, IN_VIEW, EMPTY, face, answer, progress, route, error, openCheckin } = require('./liveness-fixtures')

let m
let page

async function open(record) {
  ;({ m, page } = await openCheckin(record))
}

// From the pending face check (/detect) to a passed challenge c1 whose
// check-in upload is then pending.
async function passChallenge(proof = 'lp_1') {
  m.lastUpload().respond(200, IN_VIEW)
  await flush(0)
  m.lastRequest().respond(201, progress())
  await flush(FRAME_MS)
  m.lastUpload().respond(200, progress({ done: 1, next_action: 'blink' }))
  await flush(FRAME_MS)
  m.lastUpload().respond(200, progress({ done: 2, state: 'passed', next_action: undefined, proof }))
  await flush(SETTLE_MS)
}

afterEach(() => {
  if (page) page.instance.onUnload()
  jest.useRealTimers()
})

test('active: face check, challenge, frames with the prompts in order, then check-in with the proof', async () => {
  await open()
  // Nobody in view yet: small frames to /detect, no challenge.
  expect(m.uploads.map(route)).toEqual(['/api/v1/detect'])
  expect(m.camera.takePhoto.mock.calls[0][0].quality).toBe('low')
  m.uploads[0].respond(200, EMPTY)
  await flush(config.checkinIntervalMs)
  expect(m.requests).toHaveLength(0)
  expect(text(page, '#message')).toBe(SCANNING)

  m.uploads[1].respond(200, IN_VIEW)
  await flush(0)
  const openCall = m.requests[0]
  expect(route(openCall)).toBe('/api/v1/events/7/liveness/challenges')
  expect(openCall.opts.method).toBe('POST')
  expect(openCall.opts.header.Authorization).toBe(`Bearer ${KIOSK_TOKEN}`)
  openCall.respond(201, progress({ actions: ['turn_left', 'blink'] }))
  await flush(0)
  expect(text(page, '#message')).toBe('请向左转头')
  expect(text(page, '#progress')).toBe('已完成 0/2，剩余 10 秒')

  const frames = ['请向左转头']
  const answers = [
    progress({ reason: 'no_face', expires_in_ms: 9700 }),
    progress({ reason: 'not_frontal', expires_in_ms: 9400 }),
    progress({ reason: 'still_frame', expires_in_ms: 9100 }),
    progress({ done: 1, next_action: 'blink', expires_in_ms: 8800 }),
    progress({ done: 2, state: 'passed', next_action: undefined, proof: 'lp_secret', expires_in_ms: 8500 })
  ]
  const hints = []
  for (const a of answers) {
    await flush(FRAME_MS)
    const call = m.lastUpload()
    expect(route(call)).toBe('/api/v1/liveness/challenges/c1/frames')
    expect(call.opts.name).toBe('image')
    call.respond(200, a)
    await flush(0)
    frames.push(text(page, '#message'))
    hints.push(text(page, '#detail'))
  }
  expect(frames).toEqual(['请向左转头', '请向左转头', '请向左转头', '请向左转头', '请眨眼', '验证通过，请保持正对摄像头'])
  expect(hints).toEqual(['未检测到人脸，请正对摄像头', '请先正对摄像头，再按提示做动作', null, null, null])
  expect(text(page, '#progress')).toBe('已完成 2/2')

  // One check-in photo (normal quality) with the proof as a header.
  const before = m.uploads.length
  await flush(SETTLE_MS - 1)
  expect(m.uploads).toHaveLength(before)
  await flush(1)
  const checkin = m.lastUpload()
  expect(route(checkin)).toBe('/api/v1/events/7/checkin')
  expect(checkin.opts.header['X-Liveness-Proof']).toBe('lp_secret')
  expect(checkin.opts.header.Authorization).toBe(`Bearer ${KIOSK_TOKEN}`)
  expect(m.camera.takePhoto.mock.calls.at(-1)[0].quality).toBe('normal')
  checkin.respond(200, answer(face('checked_in', '张三')))
  await flush(0)
  expect(text(page, '#message')).toBe(WELCOME)
  expect(page.querySelector('#progress')).toBeFalsy()
  expect(page.querySelector('#next')).toBeTruthy()
  await flush(10000)
  expect(m.uploads).toHaveLength(before + 1)
  expect(m.maxInFlight()).toBe(1)

  // "Next": a new guest, a new face check and a new challenge.
  await tap(page, '#next')
  expect(route(m.lastUpload())).toBe('/api/v1/detect')
})

test('frames start at most 4 a second, however fast the server answers', async () => {
  await open()
  const starts = []
  const upload = m.wx.uploadFile.getMockImplementation()
  m.wx.uploadFile.mockImplementation((opts) => {
    starts.push(Date.now())
    return upload(opts)
  })
  m.uploads[0].respond(200, IN_VIEW)
  await flush(0)
  m.requests[0].respond(201, progress({ expires_in_ms: 10000 }))
  await flush(FRAME_MS)
  for (let i = 0; i < 12; i++) {
    // Some answers are slow (100 ms), some instant: the next frame still
    // starts 250 ms after this one started, not 250 ms after its answer.
    if (i % 2) await flush(100)
    const count = m.uploads.length
    m.lastUpload().respond(200, progress())
    while (m.uploads.length === count) await flush(10)
  }
  const gaps = starts.slice(1).map((t, i) => t - starts[i])
  expect(gaps).toHaveLength(12)
  for (const gap of gaps) expect(gap).toBe(FRAME_MS)
  expect(m.maxInFlight()).toBe(1)
})

test('a failed challenge (expired) says why, then starts again with a new one', async () => {
  await open()
  m.uploads[0].respond(200, IN_VIEW)
  await flush(0)
  m.requests[0].respond(201, progress())
  await flush(FRAME_MS)
  m.lastUpload().respond(200, progress({ state: 'failed', reason: 'expired', next_action: undefined, expires_in_ms: 0 }))
  await flush(0)
  expect(text(page, '#message')).toBe('验证超时，请按提示重新做动作')
  expect(text(page, '#detail')).toBe('马上重新开始验证…')
  expect(page.querySelector('#retry')).toBeFalsy() // it retries by itself

  const count = m.uploads.length
  await flush(HOLD_MS - 1)
  expect(m.uploads).toHaveLength(count)
  expect(text(page, '#message')).toBe('验证超时，请按提示重新做动作')
  await flush(1)
  expect(route(m.lastUpload())).toBe('/api/v1/detect')
  m.lastUpload().respond(200, IN_VIEW)
  await flush(0)
  expect(m.requests).toHaveLength(2)
  expect(route(m.requests[1])).toBe('/api/v1/events/7/liveness/challenges')
  m.requests[1].respond(201, progress({ id: 'c2', next_action: 'nod', actions: ['nod', 'turn_right'] }))
  await flush(FRAME_MS)
  expect(text(page, '#message')).toBe('请点头')
  expect(route(m.lastUpload())).toBe('/api/v1/liveness/challenges/c2/frames')
})

test('liveness_mismatch on the check-in: says so and restarts with a new challenge', async () => {
  await open()
  await passChallenge()
  m.lastUpload().respond(200, answer(face('liveness_mismatch')))
  await flush(0)
  expect(text(page, '#message')).toBe('与完成动作验证的不是同一人，请本人重新验证')
  expect(page.querySelector('#next')).toBeFalsy()
  const count = m.uploads.length
  await flush(HOLD_MS)
  expect(m.uploads).toHaveLength(count + 1)
  expect(route(m.lastUpload())).toBe('/api/v1/detect')

  // The second round carries the second proof, never the spent first one.
  await passChallenge('lp_2')
  expect(m.lastUpload().opts.header['X-Liveness-Proof']).toBe('lp_2')
  m.lastUpload().respond(200, answer(face('checked_in', '张三')))
  await flush(0)
  expect(text(page, '#message')).toBe(WELCOME)
})

test('liveness_locked: says so, waits 30 s, then tries again', async () => {
  await open()
  m.uploads[0].respond(200, IN_VIEW)
  await flush(0)
  m.requests[0].respond(429, error('liveness_locked'))
  await flush(0)
  expect(text(page, '#message')).toBe('验证失败次数过多，请稍候约 30 秒再试，或到服务台签到')
  const count = m.uploads.length
  await flush(LOCKED_MS - 1)
  expect(m.uploads).toHaveLength(count)
  expect(m.requests).toHaveLength(1)
  await flush(1)
  expect(route(m.lastUpload())).toBe('/api/v1/detect')
  m.lastUpload().respond(200, IN_VIEW)
  await flush(0)
  expect(m.requests).toHaveLength(2)
})

test.each(['liveness_proof_invalid', 'liveness_required'])('a check-in answered 403 %s runs a new challenge', async (code) => {
  await open()
  await passChallenge()
  m.lastUpload().respond(403, error(code))
  await flush(0)
  expect(text(page, '#message')).toBe('动作验证已失效，请重新验证')
  await flush(RESTART_MS)
  expect(route(m.lastUpload())).toBe('/api/v1/detect')
  expect(m.wx.reLaunch).not.toHaveBeenCalled() // a 403 about liveness is not about the token
})
