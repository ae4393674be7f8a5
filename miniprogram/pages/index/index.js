// Start page: shows which event this kiosk token belongs to, which is also
// the quickest check that config.js (URL, token, legal domains) is right.
const api = require('../../utils/api')
const { describe } = require('../../utils/messages')

Component({
  data: { eventText: '正在连接服务器…', tone: '' },

  methods: {
    async onLoad() {
      try {
        const info = await api.kioskInfo()
        const name = (info.event && info.event.name) || `#${info.kiosk.event_id}`
        this.setData({ eventText: `活动：${name}`, tone: 'ok' })
      } catch (err) {
        this.setData({ eventText: describe(err), tone: 'error' })
      }
    },
    go(e) {
      wx.navigateTo({ url: e.currentTarget.dataset.url })
    }
  }
})
