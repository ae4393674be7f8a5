// Kiosk home: shows which event the stored kiosk token belongs to (the
// quickest check that baseUrl, token and legal domains are right) and leads
// to the kiosk's pages. A refused or missing token sends it to the setup page.
const api = require('../../utils/api')
const kiosk = require('../../utils/kiosk')
const { describe } = require('../../utils/messages')

Component({
  data: { eventText: '正在连接服务器…', tone: '' },

  methods: {
    async onLoad() {
      try {
        const info = await api.kioskInfo()
        const name = (info.event && info.event.name) || `#${info.kiosk.event_id}`
        const event = info.event || {}
        kiosk.rememberEvent(kiosk.token(), info.kiosk.event_id, event.name, event.liveness)
        this.setData({ eventText: `活动：${name}`, tone: 'ok' })
      } catch (err) {
        if (kiosk.backToSetup(err)) return
        this.setData({ eventText: describe(err), tone: 'error' })
      }
    },
    go(e) {
      wx.navigateTo({ url: e.currentTarget.dataset.url })
    }
  }
})
