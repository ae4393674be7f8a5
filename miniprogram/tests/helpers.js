// Test doubles for the wx APIs the pages use, plus page loading through
// miniprogram-simulate. Network calls are held until a test answers them,
// so a test decides exactly when (and whether) each response arrives.
const path = require('path')

// A token of the server's shape (kt_ + 43 base64url characters).
const KIOSK_TOKEN = 'kt_test0123456789abcdefghijklmnopqrstuvwxyzABCDE'

function createWx() {
  const uploads = [] // every wx.uploadFile call, in order
  const requests = [] // every wx.request call, in order
  let inFlight = 0
  let maxInFlight = 0
  let photoCount = 0
  const storage = {} // wx.*StorageSync, as JSON would store it
  const modals = [] // wx.showModal calls, answered with .confirm() / .cancel()
  const scans = [] // wx.scanCode calls, answered with .scan(text) / .cancel()

  // Wrap a call's callbacks so the test can settle it later, once.
  function pending(list, opts) {
    inFlight += 1
    maxInFlight = Math.max(maxInFlight, inFlight)
    const call = { opts, settled: false }
    const settle = (fn) => {
      if (call.settled) throw new Error('call already settled')
      call.settled = true
      inFlight -= 1
      fn()
    }
    call.respond = (statusCode, body) =>
      settle(() => opts.success({ statusCode, data: list === uploads ? JSON.stringify(body) : body }))
    call.fail = (errMsg) => settle(() => opts.fail({ errMsg }))
    list.push(call)
    return { abort: jest.fn(), onProgressUpdate: jest.fn() }
  }

  const camera = {
    failures: 0, // how many of the next photos fail
    takePhoto: jest.fn((opts) => {
      if (camera.failures > 0) {
        camera.failures -= 1
        opts.fail({ errMsg: 'takePhoto:fail camera not ready' })
        return
      }
      photoCount += 1
      opts.success({ tempImagePath: `wxfile://tmp/photo-${photoCount}.jpg` })
    })
  }

  const wx = {
    createCameraContext: jest.fn(() => camera),
    uploadFile: jest.fn((opts) => pending(uploads, opts)),
    request: jest.fn((opts) => pending(requests, opts)),
    getWindowInfo: () => ({ pixelRatio: 2 }),
    navigateTo: jest.fn(),
    redirectTo: jest.fn(),
    reLaunch: jest.fn(),
    navigateBack: jest.fn(),
    getStorageSync: jest.fn((key) => (key in storage ? JSON.parse(storage[key]) : '')),
    setStorageSync: jest.fn((key, value) => {
      storage[key] = JSON.stringify(value)
    }),
    removeStorageSync: jest.fn((key) => {
      delete storage[key]
    }),
    showModal: jest.fn((opts) => {
      modals.push({
        opts,
        confirm: () => opts.success({ confirm: true, cancel: false }),
        cancel: () => opts.success({ confirm: false, cancel: true })
      })
    }),
    scanCode: jest.fn((opts) => {
      scans.push({
        opts,
        scan: (result, extra) => opts.success(Object.assign({ result, scanType: 'QR_CODE' }, extra)),
        cancel: () => opts.fail({ errMsg: 'scanCode:fail cancel' })
      })
    })
  }

  return {
    wx,
    camera,
    uploads,
    requests,
    modals,
    scans,
    stored: (key) => (key in storage ? JSON.parse(storage[key]) : undefined),
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    lastUpload: () => uploads[uploads.length - 1],
    lastRequest: () => requests[requests.length - 1]
  }
}

// simulate.load runs the page's js once per test file (jest ignores the
// require.cache deletion simulate relies on), so load each page once and
// render a fresh instance per test.
const loaded = {}
function renderPage(name) {
  const simulate = require('miniprogram-simulate')
  if (!loaded[name]) loaded[name] = simulate.load(path.join(__dirname, '..', 'pages', name, 'index'))
  const page = simulate.render(loaded[name])
  page.attach(document.createElement('parent-wrapper'))
  return page
}

// Text of the first node matching selector, or null when it is not rendered.
function text(page, selector) {
  const node = page.querySelector(selector)
  return node ? node.dom.textContent.trim() : null
}

// j-component delivers events on a timer, so let them (and the handler's
// first await) run before returning.
async function tap(page, selector) {
  const node = page.querySelector(selector)
  if (!node) throw new Error(`nothing to tap at ${selector}`)
  node.dispatchEvent('tap')
  await flush(0)
}

// Let pending promise callbacks run (and any timers due within ms).
async function flush(ms = 0) {
  await jest.advanceTimersByTimeAsync(ms)
}

// What every kiosk page test starts from: fake timers, a fresh fake wx as
// the global, a kiosk token of event 7 set up on the device and no cached
// API state. kioskRecord overrides the stored record (null: none stored).
function freshPageWorld(kioskRecord) {
  jest.useFakeTimers()
  const m = createWx()
  global.wx = m.wx
  const record = kioskRecord === undefined ? { token: KIOSK_TOKEN, eventId: 7, eventName: 'Gala' } : kioskRecord
  if (record) m.wx.setStorageSync('facecheck.kiosk', record)
  require('../utils/api')._reset()
  return m
}

// The JSON body a wx.request call sent (wx.request takes an object).
function sent(call) {
  return call.opts.data
}

module.exports = { KIOSK_TOKEN, createWx, freshPageWorld, renderPage, text, tap, flush, sent }
