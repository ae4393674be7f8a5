// Start page. Most people opening the Mini Program are guests: they arrive
// with an invitation code (Mini Program code, shared card, scanned link) and
// go straight to their invitation; reopening the app later shows their status
// again, from the code kept on the phone. Venue staff choose kiosk mode.
const invite = require('../../utils/invite')
const kiosk = require('../../utils/kiosk')
const { INVALID_CODE } = require('../../utils/messages')

const GUEST_PAGE = '/pages/guest/index'

Component({
  data: { message: '', tone: '', hasInvite: false },

  methods: {
    // query: the page's own query, the same as App's options.query on launch.
    // ?menu=1 (from the guest page's Home button) shows the choice even when
    // an invitation is stored.
    onLoad(query) {
      query = query || {}
      const code = invite.codeFromQuery(query)
      if (code !== null) {
        if (invite.isValidCode(code)) {
          wx.redirectTo({ url: `${GUEST_PAGE}?code=${code}` })
          return
        }
        this.setData({ message: INVALID_CODE, tone: 'error' })
      } else if (invite.savedCode() && !query.menu) {
        wx.redirectTo({ url: GUEST_PAGE })
        return
      }
      this.setData({ hasInvite: !!invite.savedCode() })
    },

    myInvitation() {
      wx.navigateTo({ url: GUEST_PAGE })
    },

    // A printed or e-mailed invitation QR code: "https://host/invite/CODE",
    // the bare code, or a Mini Program code of this app.
    scanInvitation() {
      wx.scanCode({
        scanType: ['qrCode', 'wxCode'],
        success: (res) => {
          const code = invite.codeFromScan(res)
          if (!invite.isValidCode(code)) {
            this.setData({ message: INVALID_CODE, tone: 'error' })
            return
          }
          this.setData({ message: '', tone: '' })
          wx.navigateTo({ url: `${GUEST_PAGE}?code=${code}` })
        },
        fail: () => {} // cancelled: nothing to say
      })
    },

    kioskMode() {
      wx.navigateTo({ url: kiosk.token() ? '/pages/kiosk/index' : kiosk.SETUP_PAGE })
    }
  }
})
