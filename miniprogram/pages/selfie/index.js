// The guest's selfie: take a photo (the <camera> component, or the system
// camera through wx.chooseMedia when the component cannot start), look at
// it, upload it to POST /invitations/{code}/face. A refused photo says why in
// Chinese (the quality problems, one by one) and the guest retakes it.
const guestApi = require('../../utils/guest-api')
const invite = require('../../utils/invite')
const { takePhoto } = require('../../utils/camera')
const { describe, INVALID_CODE, CAMERA, GUEST } = require('../../utils/messages')

// Refusals no other photo can fix: the way out is back to the invitation
// (which then shows the consent again, or why the invitation is dead).
const NOT_THE_PHOTO = ['consent_required', 'invitation_not_found', 'invitation_expired', 'invitation_revoked']

function systemCamera() {
  return new Promise((resolve, reject) => {
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['camera'],
      camera: 'front',
      sizeType: ['compressed'],
      success: (res) => resolve(res.tempFiles[0].tempFilePath),
      fail: reject
    })
  })
}

Component({
  data: {
    photo: '',
    busy: false,
    done: false,
    stuck: false,
    cameraBroken: false,
    message: '',
    tone: '',
    invalid: false
  },

  methods: {
    onLoad(query) {
      this.code = (query && query.code) || invite.savedCode()
      if (!invite.isValidCode(this.code)) this.setData({ invalid: true, tone: 'error', message: INVALID_CODE })
    },
    onReady() {
      this.camera = wx.createCameraContext()
    },
    onUnload() {
      this.unloaded = true
    },

    async shoot() {
      if (this.data.busy) return
      if (!this.camera) this.camera = wx.createCameraContext()
      this.setData({ busy: true, message: '', tone: '' })
      try {
        // This photo becomes the guest's reference: ask for the best quality.
        const photo = await takePhoto(this.camera, 'high')
        this.setData({ photo, busy: false })
      } catch (err) {
        this.setData({ busy: false, cameraBroken: true, tone: 'error', message: describe(err) })
      }
    },

    async shootWithSystemCamera() {
      if (this.data.busy) return
      try {
        const photo = await systemCamera()
        this.setData({ photo, message: '', tone: '' })
      } catch (e) {
        // cancelled: keep what the page says
      }
    },

    retake() {
      this.setData({ photo: '', message: '', tone: '' })
    },

    async submit() {
      if (this.data.busy || !this.data.photo || this.data.invalid) return
      this.setData({ busy: true, tone: '', message: GUEST.uploading })
      let done = false
      let stuck = false
      let message
      try {
        await guestApi.uploadFace(this.code, this.data.photo)
        done = true
        message = GUEST.uploaded
      } catch (err) {
        message = describe(err)
        stuck = err.kind === 'http' && NOT_THE_PHOTO.indexOf(err.code) >= 0
      }
      if (this.unloaded) return
      this.setData({ busy: false, done, stuck, tone: done ? 'ok' : 'error', message })
    },

    // Back to the invitation, which reloads and shows the new status.
    finish() {
      wx.navigateBack({
        fail: () => wx.redirectTo({ url: `/pages/guest/index?code=${this.code}` })
      })
    },

    onCameraError() {
      this.setData({ cameraBroken: true, tone: 'error', message: CAMERA })
    }
  }
})
