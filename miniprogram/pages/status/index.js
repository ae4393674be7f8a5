// The event's check-in count, refreshed every few seconds while the page is
// visible. Errors are shown but the refresh goes on: a wall display should
// come back by itself when the network does (but not from a refused token).
const config = require('../../config')
const api = require('../../utils/api')
const kiosk = require('../../utils/kiosk')
const { createPoller } = require('../../utils/poller')
const { describe } = require('../../utils/messages')

function clock(date) {
  const two = (n) => (n < 10 ? '0' : '') + n
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
}

Component({
  data: { checkedIn: null, registered: null, notYet: null, message: '', updatedAt: '' },

  methods: {
    onLoad() {
      this.poller = createPoller(() => this.refresh(), config.statsIntervalMs)
    },
    onShow() {
      this.poller.start()
    },
    onHide() {
      this.poller.stop()
    },
    onUnload() {
      this.poller.stop()
    },

    async refresh() {
      try {
        const stats = await api.stats(await api.eventId())
        this.setData({
          checkedIn: stats.checked_in,
          registered: stats.registered,
          notYet: stats.not_yet,
          message: '',
          updatedAt: clock(new Date())
        })
      } catch (err) {
        // A refused token will not come back by itself: stop and go to setup.
        if (kiosk.backToSetup(err)) return false
        // Keep the last count on screen; say why it may be stale.
        this.setData({ message: describe(err) })
      }
      return true
    }
  }
})
