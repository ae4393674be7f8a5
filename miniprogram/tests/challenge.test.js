// utils/challenge.js: the active liveness challenge as a state machine, fed
// the server's answers (docs/api.md, "Liveness challenges"), without wx.
const config = require('../config')
const { createChallenge, FRAME_MS, SETTLE_MS, HOLD_MS, LOCKED_MS, RESTART_MS } = require('../utils/challenge')
const { describe: describeError, LIVENESS, SCANNING } = require('../utils/messages')

// An answer of open / frames, as the server shapes it.
const progress = (extra) =>
  Object.assign(
    { id: 'c1', actions: ['turn_left', 'blink'], done: 0, next_action: 'turn_left', state: 'in_progress', reason: 'none', expires_in_ms: 10000 },
    extra
  )
const httpError = (status, code) => Object.assign(new Error(code), { kind: 'http', status, code })

// A machine that has seen a face and opened challenge c1.
function opened(extra) {
  const m = createChallenge()
  m.feed({ faces: [{ box: [1, 2, 3, 4], score: 0.9 }] })
  m.feed(progress(extra))
  return m
}

test('starts by looking for a face; an empty frame keeps looking at the usual pace', () => {
  const m = createChallenge()
  expect(m.action).toBe('detect')
  expect(m.feed({ faces: [] })).toEqual({
    view: { message: SCANNING, detail: '', tone: '', progress: '' },
    waitMs: config.checkinIntervalMs
  })
  expect(m.feed({})).toMatchObject({ waitMs: config.checkinIntervalMs })
  expect(m.action).toBe('detect')
})

test('a face in view opens a challenge at once, leaving the screen as it is', () => {
  const m = createChallenge()
  expect(m.feed({ faces: [{ box: [1, 2, 3, 4] }] })).toEqual({ view: null, waitMs: 0 })
  expect(m.action).toBe('open')
  expect(m.id).toBeNull()
})

test('the opened challenge: its id is kept and the first action is asked for', () => {
  const m = opened()
  expect(m.action).toBe('frame')
  expect(m.id).toBe('c1')
  expect(m.proof).toBeNull()
})

test.each([
  ['turn_left', '请向左转头'],
  ['turn_right', '请向右转头'],
  ['nod', '请点头'],
  ['blink', '请眨眼'],
  ['smile', '请按提示做动作'] // an action this client does not know
])('prompt for %s: %s, with progress and time left', (action, text) => {
  const m = opened({ next_action: action })
  const d = m.feed(progress({ next_action: action, done: 1, expires_in_ms: 6200 }))
  expect(d).toEqual({ view: { message: text, detail: '', tone: '', progress: '已完成 1/2，剩余 7 秒' }, waitMs: FRAME_MS })
})

test.each([
  ['no_face', '未检测到人脸，请正对摄像头'],
  ['not_frontal', '请先正对摄像头，再按提示做动作'],
  ['still_frame', ''],
  ['none', '']
])('a frame answered %s continues the challenge (hint: "%s")', (reason, hint) => {
  const m = opened()
  const d = m.feed(progress({ reason }))
  expect(d.view.detail).toBe(hint)
  expect(d.view.message).toBe('请向左转头')
  expect(d.waitMs).toBe(FRAME_MS)
  expect(m.action).toBe('frame')
  expect(m.id).toBe('c1')
})

test('progress without a time left just counts the actions', () => {
  const m = opened()
  expect(m.feed(progress({ expires_in_ms: undefined })).view.progress).toBe('已完成 0/2')
  expect(m.feed(progress({ expires_in_ms: 0 })).view.progress).toBe('已完成 0/2')
})

test('passed: the proof is kept and the check-in photo follows after a moment', () => {
  const m = opened()
  const d = m.feed(progress({ done: 2, state: 'passed', next_action: undefined, proof: 'lp_abc' }))
  expect(d).toEqual({
    view: { message: '验证通过，请保持正对摄像头', detail: '', tone: 'ok', progress: '已完成 2/2' },
    waitMs: SETTLE_MS
  })
  expect(m.action).toBe('checkin')
  expect(m.proof).toBe('lp_abc')
  // The check-in's answer is the page's to read.
  expect(() => m.feed({ faces: [] })).toThrow(/checkin/)
})

test.each([
  ['repeated_frame', '检测到重复画面，请本人正对摄像头重新验证'],
  ['face_changed', '验证过程中人脸发生了变化，请本人重新验证'],
  ['too_many_frames', '验证未完成，请按提示重新做动作'],
  ['expired', '验证超时，请按提示重新做动作'],
  ['something_new', '动作验证未通过，请重新验证']
])('failed (%s): says why, holds the message, then looks for a face again', (reason, text) => {
  const m = opened()
  const d = m.feed(progress({ done: 1, state: 'failed', reason, next_action: undefined }))
  expect(d).toEqual({ view: { message: text, detail: '马上重新开始验证…', tone: 'warn', progress: '' }, waitMs: HOLD_MS })
  expect(m.action).toBe('detect')
  expect(m.id).toBeNull()
})

test('the challenge may end on the answer of open itself', () => {
  const m = createChallenge()
  m.feed({ faces: [{}] })
  expect(m.feed(progress({ state: 'failed', reason: 'expired' })).waitMs).toBe(HOLD_MS)
  expect(m.action).toBe('detect')
})

test('liveness_locked: says so and waits 30 s before looking again', () => {
  const m = createChallenge()
  m.feed({ faces: [{}] })
  expect(m.fail(httpError(429, 'liveness_locked'))).toEqual({
    view: { message: LIVENESS.locked, detail: '', tone: 'warn', progress: '' },
    waitMs: LOCKED_MS
  })
  expect(LOCKED_MS).toBe(30000)
  expect(m.action).toBe('detect')
})

test.each(['liveness_required', 'liveness_proof_invalid'])('%s on the check-in: a new challenge after a beat', (code) => {
  const m = opened()
  m.feed(progress({ state: 'passed', done: 2, proof: 'lp_abc' }))
  const d = m.fail(httpError(403, code))
  expect(d.view.message).toBe('动作验证已失效，请重新验证')
  expect(d.waitMs).toBe(RESTART_MS)
  expect(m.action).toBe('detect')
  expect(m.proof).toBeNull()
})

test('challenge_not_found (the server ended it): start over at once', () => {
  const m = opened()
  expect(m.fail(httpError(404, 'challenge_not_found'))).toEqual({ view: null, waitMs: 0 })
  expect(m.action).toBe('detect')
  expect(m.id).toBeNull()
})

test.each([
  ['network', Object.assign(new Error('x'), { kind: 'network' })],
  ['camera', Object.assign(new Error('x'), { kind: 'camera' })],
  ['rate_limited', httpError(429, 'rate_limited')],
  ['busy', httpError(503, 'busy')],
  ['checkin_closed', httpError(409, 'checkin_closed')],
  ['unauthorized', httpError(401, 'unauthorized')],
  ['nothing', undefined]
])('%s is not a liveness matter: left to the page, the step stays as it was', (_name, err) => {
  const m = opened()
  expect(m.fail(err)).toBeNull()
  expect(m.action).toBe('frame')
  expect(m.id).toBe('c1')
})

test('other pages meeting the liveness codes get a Chinese sentence too', () => {
  expect(describeError(httpError(429, 'liveness_locked'))).toBe(LIVENESS.locked)
  expect(describeError(httpError(403, 'liveness_required'))).toBe('本活动需要先完成动作验证，请重新验证')
  expect(describeError(httpError(403, 'liveness_proof_invalid'))).toBe('动作验证已失效，请重新验证')
  expect(describeError(httpError(404, 'challenge_not_found'))).toBe('动作验证已失效，请重新验证')
})
