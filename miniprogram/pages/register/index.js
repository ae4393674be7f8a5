// Self-registration: photo + name -> POST /events/{id}/self-register.
// The server refuses unusable photos (no face, several faces, poor quality,
// a face that looks already enrolled); we show why, and let the guest retake.
const config = require('../../config')
const api = require('../../utils/api')
const kiosk = require('../../utils/kiosk')
const { takePhoto } = require('../../utils/camera')
const { describe } = require('../../utils/messages')

Component({
  data: {
    photo: '',
    name: '',
    busy: false,
    done: false,
    message: '',
    tone: '',
    cameraPosition: config.cameraPosition
  },

  methods: {
    onReady() {
      this.camera = wx.createCameraContext()
    },
    onUnload() {
      this.unloaded = true
    },

    onNameInput(e) {
      this.setData({ name: e.detail.value })
    },

    async shoot() {
      if (this.data.busy) return
      if (!this.camera) this.camera = wx.createCameraContext()
      this.setData({ busy: true, message: '' })
      try {
        // Enrolment keeps this face as the reference, so ask for a better photo
        // than the check-in loop does.
        const photo = await takePhoto(this.camera, 'high')
        this.setData({ photo, busy: false, done: false })
      } catch (err) {
        this.setData({ busy: false, tone: 'error', message: describe(err) })
      }
    },

    // After a success this starts the next guest's registration, so the
    // previous name goes too.
    reshoot() {
      const name = this.data.done ? '' : this.data.name
      this.setData({ photo: '', name, done: false, message: '', tone: '' })
    },

    async submit() {
      const name = this.data.name.trim()
      if (this.data.busy || !this.data.photo) return
      if (!name) {
        this.setData({ tone: 'warn', message: '请输入姓名' })
        return
      }
      this.setData({ busy: true, message: '正在提交…', tone: '' })
      let message
      let tone = 'error'
      let done = false
      try {
        const eventId = await api.eventId()
        const res = await api.selfRegister(eventId, this.data.photo, { name })
        const who = (res.person && res.person.name) || name
        message = `注册成功：${who}，现在可以刷脸签到了`
        tone = 'ok'
        done = true
      } catch (err) {
        if (kiosk.backToSetup(err)) return
        message = describe(err)
      }
      if (this.unloaded) return
      this.setData({ busy: false, done, tone, message })
    },

    onCameraError() {
      this.setData({ tone: 'error', message: describe({ kind: 'camera' }) })
    }
  }
})
