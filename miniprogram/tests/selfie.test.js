// The guest's selfie: upload as field `image` with no token, success, and a
// refused photo explained in Chinese from the problem codes, then retaken.
const config = require('../config')
const { freshPageWorld, renderPage, text, tap, flush } = require('./helpers')

const CODE = 'ivabcdefghijklmnopqrstuvwx'
const err = (status, code, details) => [status, { error: { code, message: 'English text that must not be shown', details } }]

let m
let page

async function openWithPhoto() {
  page = renderPage('selfie')
  page.instance.onLoad({ code: CODE })
  page.instance.onReady()
  await tap(page, '#shoot')
}

beforeEach(() => {
  m = freshPageWorld(null)
})

afterEach(() => jest.useRealTimers())

test('takes a front-camera photo, uploads it as `image` with no token, and confirms', async () => {
  await openWithPhoto()
  expect(m.camera.takePhoto.mock.calls[0][0].quality).toBe('high')
  expect(page.querySelector('#preview')).toBeTruthy()
  await tap(page, '#submit')
  await tap(page, '#submit') // a second tap while uploading sends nothing
  expect(m.uploads).toHaveLength(1)
  const { opts } = m.uploads[0]
  expect(opts.url).toBe(`${config.baseUrl}/api/v1/invitations/${CODE}/face`)
  expect(opts.name).toBe('image')
  expect(opts.filePath).toBe('wxfile://tmp/photo-1.jpg')
  expect(opts.header.Authorization).toBeUndefined()

  m.uploads[0].respond(201, { face: { enrolled: true }, box: [1, 2, 3, 4], quality: {} })
  await flush(0)
  expect(text(page, '#message')).toBe('人脸登记成功！活动当天看一眼签到机即可签到。')
  await tap(page, '#finish')
  expect(m.wx.navigateBack).toHaveBeenCalled()
})

test('poor quality: lists the reasons in Chinese, and a retaken photo goes through', async () => {
  await openWithPhoto()
  await tap(page, '#submit')
  const [status, body] = err(422, 'poor_quality', { quality: { problems: ['too_dark', 'turned_away'], reasons: ['dark', 'turned'] } })
  m.uploads[0].respond(status, body)
  await flush(0)
  expect(text(page, '#message')).toBe('照片质量不合格：光线太暗，请到明亮处或面向窗户；脸没有正对镜头，请直视镜头')
  expect(text(page, '#message')).not.toMatch(/English/)

  await tap(page, '#retake')
  expect(page.dom.querySelector('wx-camera')).toBeTruthy()
  await tap(page, '#shoot')
  await tap(page, '#submit')
  expect(m.uploads[1].opts.filePath).toBe('wxfile://tmp/photo-2.jpg')
  m.uploads[1].respond(201, { face: { enrolled: true }, box: [1, 2, 3, 4], quality: {} })
  await flush(0)
  expect(page.querySelector('#finish')).toBeTruthy()
})

test.each([
  ['no face', err(422, 'no_face'), '未检测到人脸，请正对摄像头重新拍照', '#retake'],
  ['several faces', err(422, 'several_faces', { faces: [] }), '检测到多张人脸，请确保画面中只有您一人', '#retake'],
  ['looks like someone else', err(409, 'possible_duplicate'), '您可能已经注册过，请到服务台确认', '#retake'],
  ['image too large', err(413, 'image_too_large'), '照片太大，请重新拍照', '#retake'],
  ['unsupported format', err(415, 'image_unsupported_format'), '照片格式不支持，请重新拍照', '#retake'],
  ['consent missing', err(403, 'consent_required'), '请先同意使用人脸信息，再上传自拍照', '#finish'],
  ['invitation expired', err(410, 'invitation_expired'), '这份邀请已过期（活动签到时间已结束）', '#finish']
])('%s: the reason in Chinese, and the way on', async (_label, [status, body], expected, next) => {
  await openWithPhoto()
  await tap(page, '#submit')
  m.uploads[0].respond(status, body)
  await flush(0)
  expect(text(page, '#message')).toBe(expected)
  expect(page.querySelector(next)).toBeTruthy()
})

test('camera unavailable: offers the system camera instead', async () => {
  page = renderPage('selfie')
  page.instance.onLoad({ code: CODE })
  page.querySelector('.camera').dispatchEvent('error', { detail: { errMsg: 'insertCamera:fail auth deny' } })
  await flush(0)
  expect(text(page, '#message')).toBe('无法使用摄像头，请在设置中允许使用相机')
  expect(page.querySelector('#shoot')).toBeFalsy()
  m.wx.chooseMedia = jest.fn((opts) => opts.success({ tempFiles: [{ tempFilePath: 'wxfile://tmp/system.jpg' }] }))
  await tap(page, '#system-camera')
  expect(m.wx.chooseMedia.mock.calls[0][0].sourceType).toEqual(['camera'])
  await tap(page, '#submit')
  expect(m.uploads[0].opts.filePath).toBe('wxfile://tmp/system.jpg')
})

test('without a valid code there is nothing to upload to', async () => {
  page = renderPage('selfie')
  page.instance.onLoad({})
  await flush(0)
  expect(text(page, '#message')).toBe('邀请码无效，请检查二维码或链接是否完整')
  expect(page.querySelector('#shoot')).toBeFalsy()
})
