// The guest's invitation page: load with the code alone (no token), consent
// accept / decline / changed text, status with the check-in time, deleting
// the face, and the dead-invitation answers.
const config = require('../config')
const { freshPageWorld, renderPage, text, tap, flush, sent } = require('./helpers')

const CODE = 'ivabcdefghijklmnopqrstuvwx'
const URL = `${config.baseUrl}/api/v1/invitations/${CODE}`
const at = (h, min) => new Date(2025, 5, 1, h, min).getTime() / 1000

// The server's view of an invitation (GET and POST consent answer with it).
function view({ consent = {}, face = {}, ...rest } = {}) {
  return {
    event: { id: 3, name: '年会 2025', venue: '国际会议中心', starts_at: at(9, 0), ends_at: at(17, 0) },
    attendee: { name: '李四' },
    consent: { text: '', version: 2, state: 'pending', answered_at: null, ...consent },
    face: { enrolled: false, ...face },
    checked_in_at: null,
    expires_at: at(23, 0),
    ...rest
  }
}
const accepted = (over = {}) => view({ ...over, consent: { state: 'accepted', answered_at: at(8, 0) } })
const err = (code) => ({ error: { code, message: 'English text that must not be shown', details: null } })

let m
let page

async function open(query, answer) {
  page = renderPage('guest')
  page.instance.onLoad(query)
  page.instance.onShow()
  await flush(0)
  if (answer) {
    m.lastRequest().respond(answer[0], answer[1])
    await flush(0)
  }
}

beforeEach(() => {
  m = freshPageWorld(null) // a guest's phone: no kiosk token anywhere
})

afterEach(() => jest.useRealTimers())

test('loads the invitation with the code alone and shows event, name and the default consent', async () => {
  await open({ code: CODE })
  expect(text(page, '#loading')).toBe('正在读取邀请…')
  const { opts } = m.requests[0]
  expect(opts.url).toBe(URL)
  expect(opts.method).toBe('GET')
  expect(opts.header.Authorization).toBeUndefined()
  m.requests[0].respond(200, view())
  await flush(0)
  expect(text(page, '#event-name')).toBe('年会 2025')
  expect(text(page, '#event-info')).toBe('6月1日 09:00–17:00 · 国际会议中心')
  expect(text(page, '#attendee')).toBe('李四，您好')
  expect(text(page, '#consent-text')).toContain('不是照片本身')
  expect(page.querySelector('#accept')).toBeTruthy()
  expect(text(page, '#decline')).toBe('不同意：我用二维码或在服务台签到')
  expect(m.stored('facecheck.invitation')).toBe(CODE) // reopening the app comes back here
})

test('the organiser\'s own consent text wins over the default', async () => {
  await open({ scene: encodeURIComponent(CODE) }, [200, view({ consent: { text: '主办方的说明' } })])
  expect(text(page, '#consent-text')).toBe('主办方的说明')
})

test('a malformed code never reaches the server', async () => {
  await open({ code: 'IVABCDEFGHIJKLMNOPQRSTUVWX' })
  expect(m.requests).toHaveLength(0)
  expect(text(page, '#message')).toBe('邀请码无效，请检查二维码或链接是否完整')
})

test('accepting posts the answer for this version and opens the selfie page', async () => {
  await open({ code: CODE }, [200, view()])
  await tap(page, '#accept')
  const { opts } = m.requests[1]
  expect(opts.url).toBe(`${URL}/consent`)
  expect(opts.method).toBe('POST')
  expect(sent(m.requests[1])).toEqual({ accepted: true, version: 2 })
  expect(opts.header.Authorization).toBeUndefined()
  m.requests[1].respond(200, accepted())
  await flush(0)
  expect(m.wx.navigateTo).toHaveBeenCalledWith({ url: `/pages/selfie/index?code=${CODE}` })
  expect(page.querySelector('#selfie')).toBeTruthy() // and, when they come back, the way to it
})

test('declining is a full answer: the status page says how to check in without a face', async () => {
  await open({ code: CODE }, [200, view()])
  await tap(page, '#decline')
  expect(sent(m.requests[1])).toEqual({ accepted: false, version: 2 })
  m.requests[1].respond(200, view({ consent: { state: 'declined', answered_at: at(8, 0) } }))
  await flush(0)
  expect(m.wx.navigateTo).not.toHaveBeenCalled()
  expect(text(page, '#message')).toBe('您选择了不使用刷脸签到。活动当天请出示邀请二维码，或到服务台签到。')
  expect(text(page, '#row-face')).toBe('· 人脸：未登记（您选择了不使用刷脸）')
  expect(page.querySelector('#withdraw')).toBeFalsy()

  // Changing one's mind later shows the consent again.
  await tap(page, '#reconsider')
  expect(page.querySelector('#accept')).toBeTruthy()
})

test('consent_version_changed: reloads and shows the new text to answer', async () => {
  await open({ code: CODE }, [200, view({ consent: { text: '旧版说明' } })])
  await tap(page, '#accept')
  m.requests[1].respond(409, err('consent_version_changed'))
  await flush(0)
  expect(m.requests[2].opts.url).toBe(URL)
  m.requests[2].respond(200, view({ consent: { text: '新版说明', version: 3 } }))
  await flush(0)
  expect(text(page, '#consent-text')).toBe('新版说明')
  expect(text(page, '#message')).toBe('同意书内容已更新，请重新阅读后再选择')
  expect(m.wx.navigateTo).not.toHaveBeenCalled()

  await tap(page, '#accept')
  expect(sent(m.requests[3])).toEqual({ accepted: true, version: 3 })
})

test('status: face enrolled and the check-in time in local HH:MM', async () => {
  await open({ code: CODE }, [200, accepted({ face: { enrolled: true }, checked_in_at: at(9, 5) })])
  expect(text(page, '#row-invited')).toBe('✓ 已受邀：李四')
  expect(text(page, '#row-face')).toBe('✓ 人脸：已登记')
  expect(text(page, '#row-checkin')).toBe('签到：已于 09:05 签到')
  expect(page.querySelector('#withdraw')).toBeTruthy()
})

test('reopening the app: the stored code shows the status again', async () => {
  m.wx.setStorageSync('facecheck.invitation', CODE)
  await open({}, [200, accepted()])
  expect(m.requests[0].opts.url).toBe(URL)
  expect(text(page, '#row-checkin')).toBe('签到：尚未签到')
})

test('delete my face: confirm, DELETE, and the status shows no face', async () => {
  await open({ code: CODE }, [200, accepted({ face: { enrolled: true } })])
  await tap(page, '#withdraw')
  expect(m.modals).toHaveLength(1)
  expect(m.modals[0].opts.content).toContain('删除您登记的人脸信息')
  expect(m.requests).toHaveLength(1) // nothing before the guest confirms
  m.modals[0].confirm()
  await flush(0)
  const { opts } = m.requests[1]
  expect(opts.url).toBe(`${URL}/face`)
  expect(opts.method).toBe('DELETE')
  expect(opts.header.Authorization).toBeUndefined()
  m.requests[1].respond(204, '')
  await flush(0)
  expect(text(page, '#row-face')).toBe('· 人脸：未登记（您选择了不使用刷脸）')
  expect(text(page, '#message')).toBe('您的人脸信息已删除，同意已撤回。您仍可用邀请二维码或在服务台签到。')
  expect(page.querySelector('#withdraw')).toBeFalsy()
})

test('delete cancelled in the dialog: nothing is sent', async () => {
  await open({ code: CODE }, [200, accepted({ face: { enrolled: true } })])
  await tap(page, '#withdraw')
  m.modals[0].cancel()
  await flush(0)
  expect(m.requests).toHaveLength(1)
  expect(text(page, '#row-face')).toBe('✓ 人脸：已登记')
})

test('withdrawing consent before any selfie answers "no" to the consent', async () => {
  await open({ code: CODE }, [200, accepted()])
  await tap(page, '#withdraw')
  m.modals[0].confirm()
  await flush(0)
  expect(m.requests[1].opts.url).toBe(`${URL}/consent`)
  expect(sent(m.requests[1])).toEqual({ accepted: false, version: 2 })
})

test.each([
  ['invitation_expired', 410, '这份邀请已过期（活动签到时间已结束）'],
  ['invitation_revoked', 410, '这份邀请已被主办方撤销，如有疑问请联系主办方'],
  ['invitation_not_found', 404, '未找到这份邀请，请检查二维码，或联系主办方']
])('%s: says so in Chinese and forgets the code', async (code, status, expected) => {
  m.wx.setStorageSync('facecheck.invitation', CODE)
  await open({}, [status, err(code)])
  expect(text(page, '#message')).toBe(expected)
  expect(m.stored('facecheck.invitation')).toBeUndefined()
  expect(page.querySelector('#retry')).toBeFalsy()
  await tap(page, '#home')
  expect(m.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index?menu=1' })
})

test('a network failure keeps the code and offers a retry', async () => {
  m.wx.setStorageSync('facecheck.invitation', CODE)
  await open({})
  m.requests[0].fail('request:fail net::ERR_INTERNET_DISCONNECTED')
  await flush(0)
  expect(text(page, '#message')).toBe('网络连接失败，请重试')
  expect(m.stored('facecheck.invitation')).toBe(CODE)
  await tap(page, '#retry')
  m.requests[1].respond(200, accepted())
  await flush(0)
  expect(page.querySelector('#row-face')).toBeTruthy()
})

test('rate limited while answering: says so and stays on the consent', async () => {
  await open({ code: CODE }, [200, view()])
  await tap(page, '#accept')
  m.requests[1].respond(429, err('rate_limited'))
  await flush(0)
  expect(text(page, '#message')).toBe('请求过于频繁，请稍候再试')
  expect(page.querySelector('#accept')).toBeTruthy()
})
