// Test doubles for the wx APIs the pages use, plus page loading through
// miniprogram-simulate. Network calls are held until a test answers them,
// so a test decides exactly when (and whether) each response arrives.
const path = require('path')

function createWx() {
  const uploads = [] // every wx.uploadFile call, in order
  const requests = [] // every wx.request call, in order
  let inFlight = 0
  let maxInFlight = 0
  let photoCount = 0

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
    navigateTo: jest.fn()
  }

  return {
    wx,
    camera,
    uploads,
    requests,
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

// What every page test starts from: fake timers, a fresh fake wx as the
// global, the configured event 7 and no cached API state.
function freshPageWorld() {
  jest.useFakeTimers()
  const m = createWx()
  global.wx = m.wx
  require('../config').eventId = 7
  require('../utils/api')._reset()
  return m
}

module.exports = { createWx, freshPageWorld, renderPage, text, tap, flush }
