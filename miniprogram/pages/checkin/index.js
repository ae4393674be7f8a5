// Check-in kiosk: photograph the guest every ~500 ms until the server
// recognises them. One attempt (photo + upload) at a time: the poller only
// takes the next photo after the previous answer has arrived. A guest who
// declined face check-in shows their invitation QR code instead ("scan
// invitation" button, POST /events/{id}/checkin/qr).
//
// Built with Component() rather than Page(): WeChat supports this for pages,
// and it lets miniprogram-simulate load the real files in tests.
const config = require('../../config')
const api = require('../../utils/api')
const kiosk = require('../../utils/kiosk')
const invite = require('../../utils/invite')
const { takePhoto } = require('../../utils/camera')
const { createPoller } = require('../../utils/poller')
const { describe, INVALID_CODE } = require('../../utils/messages')

const SCANNING = '请正对摄像头 / Please look at the camera'
const CAMERA_RETRIES = 3

// When one frame holds several faces, report the most useful one.
const PRIORITY = ['checked_in', 'already_checked_in', 'not_recognised', 'too_small']
function pickFace(faces) {
  let best = null
  for (const face of faces || []) {
    const rank = PRIORITY.indexOf(face.status)
    if (rank < 0) continue
    if (!best || rank < PRIORITY.indexOf(best.status)) best = face
  }
  return best
}

Component({
  data: {
    // scanning: loop running; done: someone checked in; stopped: needs a tap;
    // qr: the QR scanner is open or its check-in is on its way
    state: 'scanning',
    message: SCANNING,
    detail: '',
    tone: '',
    cameraPosition: config.cameraPosition
  },

  methods: {
    onLoad() {
      this.misses = 0
      this.cameraMisses = 0
      this.poller = createPoller(() => this.attempt(), config.checkinIntervalMs)
    },
    onReady() {
      this.camera = wx.createCameraContext()
    },
    onShow() {
      if (this.data.state === 'scanning') this.poller.start()
    },
    onHide() {
      this.poller.stop()
    },
    onUnload() {
      this.poller.stop()
      this.unloaded = true
    },

    // One photo, one upload. Returns what the poller should do next.
    async attempt() {
      if (!this.camera) this.camera = wx.createCameraContext()
      let result
      try {
        const photo = await takePhoto(this.camera, 'normal')
        this.cameraMisses = 0
        const eventId = await api.eventId()
        result = await api.checkIn(eventId, photo)
      } catch (err) {
        return this.failed(err)
      }
      return this.show(pickFace(result.faces))
    },

    // An answer that arrives after the page was unloaded or stopped (camera
    // error), or a face answer still in flight when the QR scanner took over,
    // must not overwrite what the page now says.
    ignoring() {
      return this.unloaded || this.data.state === 'stopped' || this.qrActive
    },

    welcome(status, name) {
      if (status === 'already_checked_in') {
        this.setData({ state: 'done', tone: 'ok', message: '已签到 / Already checked in', detail: name })
      } else {
        this.setData({ state: 'done', tone: 'ok', message: `欢迎, ${name} / Welcome, ${name}`, detail: '' })
      }
    },

    show(face) {
      if (this.ignoring()) return false
      if (!face) {
        this.setData({ message: SCANNING, detail: '', tone: '' })
        return true
      }
      const name = (face.person && face.person.name) || ''
      switch (face.status) {
        case 'checked_in':
        case 'already_checked_in':
          this.welcome(face.status, name)
          return false
        case 'too_small':
          this.setData({ message: '请靠近一点 / Please step closer', detail: '', tone: '' })
          return true
        default: // not_recognised
          this.misses += 1
          this.setData({ tone: 'warn', message: '未识别，请到服务台 / Not recognised, please see the desk' })
          if (this.misses < config.notRecognisedLimit) {
            this.setData({ detail: '正在重试… / Trying again…' })
            return true
          }
          this.setData({ state: 'stopped', detail: '' })
          return false
      }
    },

    failed(err) {
      if (this.ignoring()) return false
      // The server no longer takes this kiosk's token: only the operator can
      // fix that, on the setup page.
      if (kiosk.backToSetup(err)) {
        this.setData({ state: 'stopped', tone: 'error', message: describe(err), detail: '' })
        return false
      }
      // Right after the page opens the camera may not be ready yet: give it
      // a few seconds before calling it broken.
      if (err.kind === 'camera' && this.cameraMisses < CAMERA_RETRIES) {
        this.cameraMisses += 1
        this.setData({ message: '正在启动摄像头… / Starting camera…', detail: '', tone: '' })
        return 1000
      }
      // Server busy or rate-limited: keep going, just slower.
      if (err.kind === 'http' && (err.status === 429 || err.status === 503)) {
        this.setData({ tone: 'warn', message: describe(err), detail: '' })
        return config.busyBackoffMs
      }
      // Network, timeout, camera, closed event, bad token: stop and offer a
      // retry button, so the page is never stuck on a stale "scanning".
      this.setData({ state: 'stopped', tone: 'error', message: describe(err), detail: '' })
      return false
    },

    retry() {
      this.qrActive = false
      this.misses = 0
      this.cameraMisses = 0
      this.setData({ state: 'scanning', message: SCANNING, detail: '', tone: '' })
      this.poller.start()
    },

    // The face loop pauses while the guest's invitation QR code is read; the
    // scanner is WeChat's own full-screen camera.
    scanQr() {
      if (this.data.state === 'qr') return
      this.poller.stop()
      this.qrActive = true
      this.setData({ state: 'qr', tone: '', message: '请出示邀请二维码 / Show your invitation QR code', detail: '' })
      wx.scanCode({
        onlyFromCamera: true,
        scanType: ['qrCode'],
        success: (res) => this.checkInByCode(invite.codeFromScan(res)),
        fail: () => {
          if (!this.unloaded) this.retry() // cancelled: back to face check-in
        }
      })
    },

    async checkInByCode(code) {
      if (this.unloaded) return
      // Checked before any request: a random QR code must not cost a
      // round trip (or count against the kiosk's rate limit).
      if (!invite.isValidCode(code)) {
        this.setData({ state: 'stopped', tone: 'error', message: INVALID_CODE, detail: '' })
        return
      }
      this.setData({ message: '正在签到… / Checking in…' })
      let result
      try {
        result = await api.checkInQr(await api.eventId(), code)
      } catch (err) {
        if (this.unloaded || kiosk.backToSetup(err)) return
        this.setData({ state: 'stopped', tone: 'error', message: describe(err), detail: '' })
        return
      }
      if (this.unloaded) return
      this.welcome(result.status, (result.person && result.person.name) || '')
    },

    // <camera binderror>: permission refused or no camera; retrying won't help
    // until the user changes the setting.
    onCameraError() {
      this.poller.stop()
      this.setData({ state: 'stopped', tone: 'error', message: describe({ kind: 'camera' }), detail: '' })
    }
  }
})
