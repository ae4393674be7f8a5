// The guest's invitation: event and own name, the consent question, and then
// their status (invited, face enrolled, checked in) with the way to delete
// their face again. The invitation code is the only credential; it is kept
// on the phone once the server has confirmed it, so reopening the app lands
// here. The selfie itself is taken on pages/selfie.
const guestApi = require('../../utils/guest-api')
const invite = require('../../utils/invite')
const { hhmm, eventWhen } = require('../../utils/time')
const { describe, defaultConsent, INVALID_CODE, GUEST } = require('../../utils/messages')

// These answers mean the code will never work again: forget it, so the app
// opens on the start page next time instead of on this error.
const DEAD = ['invitation_not_found', 'invitation_expired', 'invitation_revoked']

Component({
  data: {
    view: 'loading', // loading | error | consent | status
    message: GUEST.loading,
    tone: '',
    busy: false,
    canRetry: false, // error view: a network-type failure, the code may still work
    eventName: '',
    eventInfo: '',
    attendee: '',
    consentText: '',
    consentState: 'pending',
    enrolled: false,
    rows: {}
  },

  methods: {
    onLoad(query) {
      const fromQuery = invite.codeFromQuery(query || {})
      this.code = fromQuery !== null ? fromQuery : invite.savedCode()
      if (!this.code) return this.fail(GUEST.noCode)
      if (!invite.isValidCode(this.code)) return this.fail(INVALID_CODE)
    },
    // Also runs when the guest comes back from the selfie page.
    onShow() {
      if (invite.isValidCode(this.code)) this.load()
    },
    onUnload() {
      this.unloaded = true
    },

    fail(message) {
      this.code = null
      this.setData({ view: 'error', message, tone: 'error', canRetry: false })
    },

    // note: a sentence to show once the invitation is on screen again.
    async load(note) {
      if (this.loading) return
      this.loading = true
      try {
        const view = await guestApi.invitation(this.code)
        invite.saveCode(this.code)
        this.render(view, note || '')
      } catch (err) {
        this.failed(err, true)
      } finally {
        this.loading = false
      }
    },

    render(inv, message, tone) {
      if (this.unloaded) return
      this.invitation = inv
      const state = inv.consent.state
      const enrolled = !!inv.face.enrolled
      const showConsent = state === 'pending' || this.reconsidering
      let note = message
      if (!note && !showConsent) {
        note = enrolled ? GUEST.enrolled : state === 'declined' ? GUEST.declined : GUEST.accepted
      }
      this.setData({
        view: showConsent ? 'consent' : 'status',
        busy: false,
        message: note,
        tone: tone || (message ? 'warn' : enrolled ? 'ok' : ''),
        eventName: inv.event.name || '',
        eventInfo: [eventWhen(inv.event.starts_at, inv.event.ends_at), inv.event.venue].filter(Boolean).join(' · '),
        attendee: inv.attendee.name || '',
        consentText: inv.consent.text || defaultConsent(inv.event.name),
        consentState: state,
        enrolled,
        rows: {
          invited: GUEST.invited(inv.attendee.name || ''),
          face: GUEST.face(enrolled, state === 'declined'),
          checkin: GUEST.checkin(hhmm(inv.checked_in_at))
        }
      })
    },

    // whole: no invitation on screen yet, so the error replaces the page.
    failed(err, whole) {
      if (this.unloaded) return
      const dead = err.kind === 'http' && DEAD.indexOf(err.code) >= 0
      if (dead) invite.forgetCode(this.code)
      if (whole || dead) {
        this.setData({ view: 'error', busy: false, message: describe(err), tone: 'error', canRetry: !dead })
      } else {
        this.setData({ busy: false, message: describe(err), tone: 'error' })
      }
    },

    accept() {
      this.answer(true)
    },
    // Declining is a full answer, not a dead end: the status page then says
    // how to check in without a face.
    decline() {
      this.answer(false)
    },

    async answer(accepted) {
      if (this.data.busy) return
      this.setData({ busy: true })
      let view
      try {
        view = await guestApi.answerConsent(this.code, accepted, this.invitation.consent.version)
      } catch (err) {
        // The organiser changed the text while the guest was reading it:
        // show the new text and let them answer that one.
        if (err.kind === 'http' && err.code === 'consent_version_changed') {
          this.setData({ busy: false })
          return this.load(describe(err))
        }
        return this.failed(err)
      }
      this.reconsidering = false
      this.render(view)
      if (accepted && !view.face.enrolled) this.takeSelfie()
    },

    takeSelfie() {
      wx.navigateTo({ url: `/pages/selfie/index?code=${this.code}` })
    },

    // "I'd like face check-in after all": show the consent text again.
    reconsider() {
      this.reconsidering = true
      this.render(this.invitation)
    },

    withdraw() {
      if (this.data.busy) return
      wx.showModal({
        title: GUEST.confirmTitle,
        content: GUEST.confirmText,
        confirmText: '删除',
        confirmColor: '#a02020',
        cancelText: '取消',
        success: (res) => {
          if (res.confirm) this.doWithdraw()
        }
      })
    },

    // With a face enrolled: DELETE it (the server also records the
    // withdrawal). Consent given but no face yet: answering "no" is the
    // withdrawal.
    async doWithdraw() {
      this.setData({ busy: true })
      const inv = this.invitation
      try {
        if (inv.face.enrolled) {
          await guestApi.deleteFace(this.code)
          const answered = Math.floor(Date.now() / 1000)
          const consent = Object.assign({}, inv.consent, { state: 'declined', answered_at: answered })
          this.render(Object.assign({}, inv, { consent, face: { enrolled: false } }), GUEST.withdrawn, 'ok')
        } else {
          const view = await guestApi.answerConsent(this.code, false, inv.consent.version)
          this.render(view, GUEST.withdrawn, 'ok')
        }
      } catch (err) {
        this.failed(err)
      }
    },

    refresh() {
      this.load()
    },

    home() {
      wx.reLaunch({ url: '/pages/index/index?menu=1' })
    }
  }
})
