const config = require('../config')
const { KIOSK_TOKEN, freshPageWorld, renderPage, text, tap, flush } = require('./helpers')

let m
let page

async function openWithPhoto(name) {
  page = renderPage('register')
  page.instance.onReady()
  await tap(page, '#shoot')
  if (name !== undefined) {
    // what the <input> emits as the guest types
    page.querySelector('#name').dispatchEvent('input', { detail: { value: name } })
    await flush(0)
  }
}

beforeEach(() => {
  m = freshPageWorld()
})

afterEach(() => jest.useRealTimers())

test('renders the camera, the name field and the shutter button', () => {
  page = renderPage('register')
  expect(page.dom.querySelector('wx-camera')).toBeTruthy()
  expect(page.querySelector('#name')).toBeTruthy()
  expect(page.querySelector('#shoot')).toBeTruthy()
  expect(page.querySelector('#submit')).toBeFalsy()
})

test('taking a photo shows the preview with register and retake buttons', async () => {
  await openWithPhoto()
  expect(m.camera.takePhoto.mock.calls[0][0].quality).toBe('high')
  expect(page.dom.querySelector('wx-camera')).toBeFalsy()
  expect(page.querySelector('#preview')).toBeTruthy()
  expect(page.instance.data.photo).toBe('wxfile://tmp/photo-1.jpg')
  expect(page.querySelector('#submit')).toBeTruthy()

  await tap(page, '#reshoot')
  expect(page.dom.querySelector('wx-camera')).toBeTruthy()
  expect(page.querySelector('#submit')).toBeFalsy()
})

test('asks for a name before uploading', async () => {
  await openWithPhoto('   ')
  await tap(page, '#submit')
  expect(text(page, '#message')).toBe('请输入姓名')
  expect(m.uploads).toHaveLength(0)
})

test('uploads photo and name, and confirms the registration', async () => {
  await openWithPhoto(' 张三 ')
  await tap(page, '#submit')
  await tap(page, '#submit') // a second tap while busy must not upload twice
  expect(m.uploads).toHaveLength(1)
  const { opts } = m.uploads[0]
  expect(opts.url).toBe(`${config.baseUrl}/api/v1/events/7/self-register`)
  expect(opts.name).toBe('image')
  expect(opts.filePath).toBe('wxfile://tmp/photo-1.jpg')
  expect(opts.formData).toEqual({ name: '张三' })
  expect(opts.header.Authorization).toBe(`Bearer ${KIOSK_TOKEN}`)

  m.uploads[0].respond(201, { person: { id: 5, name: '张三' }, template_id: 9 })
  await flush(0)
  expect(text(page, '#message')).toBe('注册成功：张三，现在可以刷脸签到了')
  expect(page.instance.data.done).toBe(true)

  // The same button now starts the next guest's registration.
  expect(text(page, '#reshoot')).toBe('下一位 / Next')
  await tap(page, '#reshoot')
  expect(page.dom.querySelector('wx-camera')).toBeTruthy()
  expect(page.instance.data.name).toBe('')
  expect(text(page, '#message')).toBeNull()
})

const err = (code, message, details) => ({ error: { code, message, ...(details ? { details } : {}) } })

test.each([
  ['no face', 422, err('no_face', 'No face was found'), '未检测到人脸，请正对摄像头重新拍照'],
  ['several faces', 422, err('several_faces', '2 faces were found', { faces: [] }), '检测到多张人脸，请确保画面中只有您一人'],
  [
    'poor quality (built from the problem codes, never the English sentence)',
    422,
    err('poor_quality', 'Face is too dark (brightness 31 of 255, need 60); turn on a light or face a window', {
      quality: { problems: ['too_dark'], reasons: ['Face is too dark'] }
    }),
    '照片质量不合格：光线太暗，请到明亮处或面向窗户'
  ],
  ['self-registration switched off', 403, err('self_register_disabled', 'Self-registration is off'), '本活动未开放现场注册，请到服务台'],
  ['possible duplicate', 409, err('possible_duplicate', 'This face looks like person 3'), '您可能已经注册过，请到服务台确认'],
  ['event closed', 409, err('event_closed', 'This event is closed'), '本活动已结束，无法注册'],
  ['photo too large', 413, err('too_large', 'Image is too large'), '照片太大，请重新拍照'],
  ['unsupported format', 415, err('unsupported_format', 'HEIC is not supported'), '照片格式不支持，请重新拍照'],
  ['unknown 422 code', 422, err('something_new', 'whatever'), '照片无法使用，请重新拍照'],
  ['server crash with a non-JSON body', 500, '<html>oops</html>', '服务器出错，请稍后重试']
])('shows the refusal reason: %s', async (_label, status, body, expected) => {
  await openWithPhoto('张三')
  await tap(page, '#submit')
  m.uploads[0].respond(status, body)
  await flush(0)
  expect(text(page, '#message')).toBe(expected)
  // The guest can fix the photo and try again.
  expect(page.instance.data.busy).toBe(false)
  expect(page.querySelector('#reshoot')).toBeTruthy()
})

test.each([
  ['network failure', 'uploadFile:fail ssl hand shake error', '网络连接失败，请重试'],
  ['timeout', 'uploadFile:fail timeout', '请求超时，请重试']
])('%s shows the retry message and the same photo can be sent again', async (_label, errMsg, expected) => {
  await openWithPhoto('张三')
  await tap(page, '#submit')
  m.uploads[0].fail(errMsg)
  await flush(0)
  expect(text(page, '#message')).toBe(expected)

  await tap(page, '#submit')
  expect(m.uploads).toHaveLength(2)
  m.uploads[1].respond(201, { person: { id: 5, name: '张三' }, template_id: 9 })
  await flush(0)
  expect(text(page, '#message')).toBe('注册成功：张三，现在可以刷脸签到了')
})

test.each([
  ['unauthorized', ''],
  ['kiosk_event_over', KIOSK_TOKEN]
])('a 401 %s sends the kiosk back to its setup page', async (code, tokenLeft) => {
  await openWithPhoto('张三')
  await tap(page, '#submit')
  m.uploads[0].respond(401, err(code, 'no'))
  await flush(0)
  expect(m.wx.reLaunch).toHaveBeenCalledWith({ url: `/pages/kiosk-setup/index?reason=${code}` })
  // A revoked token is dropped; one whose event is over may work again if reopened.
  expect((m.stored('facecheck.kiosk') || {}).token || '').toBe(tokenLeft)
})
