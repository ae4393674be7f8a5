// Check-in kiosk: photograph the guest every ~500 ms until the server
// recognises them. One attempt (photo + upload) at a time: the poller only
// takes the next photo after the previous answer has arrived. A guest who
// declined face check-in shows their invitation QR code instead ("scan
// invitation" button, POST /events/{id}/checkin/qr).
//
// At an event whose liveness is 'active' each attempt is a challenge instead
// (utils/challenge.js decides; this page only takes the photos, makes the
// requests and shows what it is told): wait for a face, open a challenge,
// send frames while the guest does the two actions, then one check-in photo
// with the proof. 'passive' and 'off' events work as without liveness.
//
// Built with Component() rather than Page(): WeChat supports this for pages,
// and it lets miniprogram-simulate load the real files in tests.
const config = require('../../config')
const api = require('../../utils/api')
const kiosk = require('../../utils/kiosk')
const invite = require('../../utils/invite')
const { takePhoto } = require('../../utils/camera')
const { createPoller } = require('../../utils/poller')
const { createChallenge, HOLD_MS } = require('../../utils/challenge')
const { describe, FACE_STATUS, INVALID_CODE, LIVENESS, SCANNING } = require('../../utils/messages')

const CAMERA_RETRIES = 3

// When one frame holds several faces, report the most useful one: a new
// check-in beats a liveness refusal of someone behind.
const PRIORITY = ['checked_in', 'already_checked_in', 'liveness_failed', 'liveness_mismatch', 'not_recognised', 'too_small']
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
    progress: '', // an active liveness challenge's progress, '' otherwise
    cameraPosition: config.cameraPosition
  },

  methods: {
    onLoad() {
      this.misses = 0
      this.cameraMisses = 0
      this.poller = createPoller(() => this.attempt(), config.checkinIntervalMs)
      this.challenge = createChallenge()
    },
    onReady() {
      this.camera = wx.createCameraContext()
    },
    onShow() {
      if (this.data.state === 'scanning') this.poller.start()
    },
    onHide() {
      this.poller.stop()
      // A challenge does not survive the guest walking off; onShow starts
      // with a face check and a new one.
      this.challenge = createChallenge()
    },
    onUnload() {
      this.poller.stop()
      this.unloaded = true
    },

    // One photo, one upload. Returns what the poller should do next. The
    // policy is read each time: kiosk/me (or a 403) may have just told it.
    async attempt() {
      if (!this.camera) this.camera = wx.createCameraContext()
      let eventId
      let result
      try {
        eventId = await api.eventId()
      } catch (err) {
        return this.failed(err)
      }
      if (kiosk.liveness() === 'active') return this.challengeStep(eventId)
      try {
        const photo = await takePhoto(this.camera, 'normal')
        this.cameraMisses = 0
        result = await api.checkIn(eventId, photo)
      } catch (err) {
        return this.failed(err)
      }
      return this.show(pickFace(result.faces))
    },

    // One step of an active challenge: at most one photo and one request.
    // Frames are small ('low'); the check-in photo is the usual one.
    async challengeStep(eventId) {
      const machine = this.challenge
      const action = machine.action
      const started = Date.now()
      let answer
      try {
        const photo = action === 'open' ? null : await takePhoto(this.camera, action === 'checkin' ? 'normal' : 'low')
        if (photo) this.cameraMisses = 0
        answer = await this.send(action, eventId, photo, machine)
      } catch (err) {
        if (machine !== this.challenge) return this.stale()
        const decision = machine.fail(err)
        if (decision) return this.render(decision, started)
        if (!this.ignoring()) this.setData({ progress: '' })
        return this.failed(err)
      }
      if (machine !== this.challenge) return this.stale()
      if (action !== 'checkin') return this.render(machine.feed(answer), started)
      // The proof is spent whatever the answer: another try needs a new
      // challenge. Hold a refusal long enough to be read.
      this.challenge = createChallenge()
      if (!this.ignoring()) this.setData({ progress: '' })
      return this.show(pickFace(answer.faces)) && HOLD_MS
    },

    send(action, eventId, photo, machine) {
      switch (action) {
        case 'detect':
          return api.detect(photo)
        case 'open':
          return api.openChallenge(eventId)
        case 'frame':
          return api.challengeFrame(machine.id, photo)
        default:
          return api.checkIn(eventId, photo, machine.proof)
      }
    },

    // waitMs counts from the start of the step, so frames stay 250 ms apart
    // however long each upload took (and never closer).
    render(decision, started) {
      if (this.ignoring()) return false
      if (decision.view) this.setData(decision.view)
      return Math.max(0, decision.waitMs - (Date.now() - started))
    },

    // The answer of an attempt that was replaced meanwhile (hidden, retried):
    // dropped; the new attempt goes on at once if the loop still runs.
    stale() {
      return this.ignoring() ? false : 0
    },

    // An answer that arrives after the page was unloaded or stopped (camera
    // error), or a face answer still in flight when the QR scanner took over,
    // must not overwrite what the page now says.
    ignoring() {
      return this.unloaded || this.data.state === 'stopped' || this.qrActive
    },

    welcome(status, name) {
      if (status === 'already_checked_in') {
        this.setData({ state: 'done', tone: 'ok', message: FACE_STATUS.already_checked_in, detail: name })
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
          this.setData({ message: FACE_STATUS.too_small, detail: '', tone: '' })
          return true
        case 'liveness_failed': // passive: looked like a photo or a screen
          this.setData({ tone: 'warn', message: LIVENESS.livenessFailed, detail: '' })
          return true
        case 'liveness_mismatch': // active: not the face that took the challenge
          this.setData({ tone: 'warn', message: LIVENESS.mismatch, detail: LIVENESS.retrying })
          return true
        default: // not_recognised
          this.misses += 1
          this.setData({ tone: 'warn', message: FACE_STATUS.not_recognised })
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
      // The event has wanted an active challenge since kiosk/me was read:
      // switch to it at once.
      if (err.kind === 'http' && err.code === 'liveness_required') {
        kiosk.rememberLiveness('active')
        this.challenge = createChallenge()
        this.setData({ tone: '', message: SCANNING, detail: '' })
        return 0
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
      this.challenge = createChallenge()
      this.setData({ state: 'scanning', message: SCANNING, detail: '', tone: '', progress: '' })
      this.poller.start()
    },

    // The face loop pauses while the guest's invitation QR code is read; the
    // scanner is WeChat's own full-screen camera.
    scanQr() {
      if (this.data.state === 'qr') return
      this.poller.stop()
      this.qrActive = true
      this.setData({ state: 'qr', tone: '', message: '请出示邀请二维码 / Show your invitation QR code', detail: '', progress: '' })
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
