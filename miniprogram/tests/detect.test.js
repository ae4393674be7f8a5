const config = require('../config')
const { KIOSK_TOKEN, createWx, renderPage, text, tap, flush } = require('./helpers')

let m
let page
let ctx

// A stand-in for the type="2d" canvas node: records what is drawn.
function fakeCanvas(cssWidth, cssHeight) {
  ctx = {
    calls: [],
    scale: jest.fn(),
    clearRect: jest.fn(),
    drawImage: jest.fn(),
    strokeRect: jest.fn(),
    fillText: jest.fn()
  }
  const canvas = {
    width: 0,
    height: 0,
    getContext: jest.fn(() => ctx),
    createImage: () => {
      const img = {}
      Object.defineProperty(img, 'src', {
        set(value) {
          img._src = value
          Promise.resolve().then(() => img.onload())
        }
      })
      return img
    }
  }
  // What this.createSelectorQuery().select('#c').fields({node, size}).exec() yields.
  const query = {
    select: jest.fn(() => query),
    fields: jest.fn(() => query),
    exec: (cb) => cb([{ node: canvas, width: cssWidth, height: cssHeight }])
  }
  page.instance.createSelectorQuery = () => query
  return { canvas, query }
}

beforeEach(() => {
  jest.useFakeTimers()
  m = createWx()
  m.wx.chooseMedia = jest.fn((opts) => opts.success({ tempFiles: [{ tempFilePath: 'wxfile://tmp/pick.jpg' }] }))
  global.wx = m.wx
  m.wx.setStorageSync('facecheck.kiosk', { token: KIOSK_TOKEN, eventId: 7 })
  page = renderPage('detect')
})

afterEach(() => jest.useRealTimers())

test('renders a type="2d" canvas and the choose button', () => {
  expect(page.dom.querySelector('wx-canvas')).toBeTruthy()
  expect(page.querySelector('#choose')).toBeTruthy()
})

test('uploads the chosen photo and draws the boxes scaled and letterboxed', async () => {
  const { canvas, query } = fakeCanvas(320, 400)
  await tap(page, '#choose')
  expect(m.wx.chooseMedia.mock.calls[0][0].mediaType).toEqual(['image'])
  expect(m.uploads).toHaveLength(1)
  expect(m.uploads[0].opts.url).toBe(`${config.baseUrl}/api/v1/detect`)
  expect(m.uploads[0].opts.filePath).toBe('wxfile://tmp/pick.jpg')
  expect(text(page, '#message')).toBe('正在检测…')

  m.uploads[0].respond(200, {
    width: 640,
    height: 480,
    faces: [
      { box: [100, 60, 200, 240], score: 0.98 },
      { box: [400, 100, 80, 80], score: 0.7 }
    ]
  })
  await flush(0)

  expect(query.select).toHaveBeenCalledWith('#c')
  expect(query.fields).toHaveBeenCalledWith({ node: true, size: true })
  // backed by device pixels (pixelRatio 2), drawn in CSS pixels
  expect(canvas.width).toBe(640)
  expect(canvas.height).toBe(800)
  expect(ctx.scale).toHaveBeenCalledWith(2, 2)
  // 640x480 into 320x400: scale 0.5, 80 px bar on top
  expect(ctx.drawImage).toHaveBeenCalledWith(expect.anything(), 0, 80, 320, 240)
  expect(ctx.strokeRect.mock.calls).toEqual([
    [50, 110, 100, 120],
    [200, 130, 40, 40]
  ])
  expect(ctx.fillText.mock.calls.map((c) => c[0])).toEqual(['0.98', '0.70'])
  expect(text(page, '#message')).toBe('检测到 2 张人脸')
})

test('says when there is no face', async () => {
  fakeCanvas(320, 400)
  await tap(page, '#choose')
  m.uploads[0].respond(200, { width: 640, height: 480, faces: [] })
  await flush(0)
  expect(ctx.strokeRect).not.toHaveBeenCalled()
  expect(text(page, '#message')).toBe('未检测到人脸')
})

test('a failed upload shows the reason and the button works again', async () => {
  fakeCanvas(320, 400)
  await tap(page, '#choose')
  m.uploads[0].fail('uploadFile:fail timeout')
  await flush(0)
  expect(text(page, '#message')).toBe('请求超时，请重试')
  expect(page.instance.data.busy).toBe(false)
  await tap(page, '#choose')
  expect(m.uploads).toHaveLength(2)
})

test('cancelling the picker uploads nothing', async () => {
  m.wx.chooseMedia = jest.fn((opts) => opts.fail({ errMsg: 'chooseMedia:fail cancel' }))
  await tap(page, '#choose')
  expect(m.uploads).toHaveLength(0)
  expect(text(page, '#message')).toBeNull()
})
