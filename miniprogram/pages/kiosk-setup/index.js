// Kiosk setup: the operator scans (or types) the kiosk token the admin page
// showed when it created the kiosk. The token is checked with the server
// (kiosk/me) before it is stored, so a typo or a revoked token is caught
// here, not in front of the first guest. Other kiosk pages come back here
// with ?reason=<code> when the server refuses the stored token (401).
const api = require('../../utils/api')
const kiosk = require('../../utils/kiosk')
const { describe, SETUP_REASONS, BAD_TOKEN } = require('../../utils/messages')

const KIOSK_HOME = '/pages/kiosk/index'

Component({
  data: { input: '', stored: '', busy: false, message: '', tone: '' },

  methods: {
    onLoad(query) {
      const reason = query && query.reason
      const message = SETUP_REASONS[reason] || (reason ? SETUP_REASONS.unauthorized : '')
      this.setData({ message, tone: message ? 'error' : '', stored: kiosk.masked(kiosk.token()) })
    },

    onInput(e) {
      this.setData({ input: e.detail.value })
    },

    save() {
      this.use(this.data.input)
    },

    // The admin page's QR code holds the kiosk URL with "#token=kt_...";
    // a QR code of the bare token works too.
    scan() {
      if (this.data.busy) return
      wx.scanCode({
        onlyFromCamera: true,
        scanType: ['qrCode'],
        success: (res) => this.use(res.result),
        fail: () => {} // cancelled
      })
    },

    // After a 401 for a closed event the token is still stored: once the
    // organiser reopens the event, one tap checks it again.
    checkAgain() {
      this.use(kiosk.token())
    },

    forget() {
      kiosk.forget()
      this.setData({ stored: '', input: '', tone: 'ok', message: '已删除本设备保存的 token' })
    },

    async use(text) {
      if (this.data.busy) return
      const token = kiosk.tokenFrom(text)
      if (!token) {
        this.setData({ tone: 'error', message: BAD_TOKEN })
        return
      }
      this.setData({ busy: true, tone: '', message: '正在检查 token…' })
      try {
        const info = await api.kioskInfo(token)
        const event = info.event || {}
        kiosk.save({ token, eventId: info.kiosk.event_id, eventName: event.name, liveness: event.liveness })
        api._reset()
      } catch (err) {
        // A 401 here is about the candidate token, not the stored one: say
        // why, keep whatever was stored before.
        const message = err.kind === 'http' && err.status === 401 ? SETUP_REASONS[err.code] || SETUP_REASONS.unauthorized : describe(err)
        this.setData({ busy: false, tone: 'error', message })
        return
      }
      this.setData({ busy: false, input: '' })
      wx.reLaunch({ url: KIOSK_HOME })
    }
  }
})
