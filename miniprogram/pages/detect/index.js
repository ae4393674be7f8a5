// Detection demo: choose or take a photo, POST /api/v1/detect, and draw the
// returned boxes over the photo on a type="2d" canvas. The photo is shown
// whole (letterboxed); utils/boxes.js maps image pixels to canvas pixels.
const api = require('../../utils/api')
const kiosk = require('../../utils/kiosk')
const { fitContain, mapBoxes } = require('../../utils/boxes')
const { describe } = require('../../utils/messages')

function chooseImage() {
  return new Promise((resolve, reject) => {
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
      success: (res) => resolve(res.tempFiles[0].tempFilePath),
      fail: reject
    })
  })
}

function imageInfo(src) {
  return new Promise((resolve, reject) => wx.getImageInfo({ src, success: resolve, fail: reject }))
}

Component({
  data: { busy: false, message: '', tone: '' },

  methods: {
    async choose() {
      if (this.data.busy) return
      let path
      try {
        path = await chooseImage()
      } catch (e) {
        return // the user cancelled: nothing to say
      }
      this.setData({ busy: true, message: '正在检测…', tone: '' })
      try {
        const res = await api.detect(path)
        // Boxes are in the pixels of the image the server decoded, so its
        // width/height is the frame to map from; fall back to the local size.
        const size = res.width && res.height ? { width: res.width, height: res.height } : await imageInfo(path)
        const faces = res.faces || []
        await this.draw(path, size, faces)
        this.setData({
          busy: false,
          tone: faces.length ? 'ok' : 'warn',
          message: faces.length ? `检测到 ${faces.length} 张人脸` : '未检测到人脸'
        })
      } catch (err) {
        if (kiosk.backToSetup(err)) return
        this.setData({ busy: false, tone: 'error', message: describe(err) })
      }
    },

    canvasNode() {
      return new Promise((resolve) => {
        this.createSelectorQuery()
          .select('#c')
          .fields({ node: true, size: true })
          .exec((res) => resolve(res && res[0]))
      })
    },

    async draw(path, imageSize, faces) {
      const info = await this.canvasNode()
      if (!info || !info.node) return
      const canvas = info.node
      const view = { width: info.width, height: info.height }
      // Draw in CSS pixels but back the canvas with device pixels, so lines
      // stay sharp on high-density screens.
      const dpr = wx.getWindowInfo ? wx.getWindowInfo().pixelRatio : 2
      canvas.width = view.width * dpr
      canvas.height = view.height * dpr
      const ctx = canvas.getContext('2d')
      ctx.scale(dpr, dpr)
      ctx.clearRect(0, 0, view.width, view.height)

      const img = canvas.createImage()
      await new Promise((resolve, reject) => {
        img.onload = resolve
        img.onerror = reject
        img.src = path
      })
      const fit = fitContain(imageSize, view)
      if (fit) ctx.drawImage(img, fit.x, fit.y, fit.width, fit.height)

      ctx.strokeStyle = '#00e676'
      ctx.lineWidth = 3
      ctx.fillStyle = '#00e676'
      ctx.font = '14px sans-serif'
      const rects = mapBoxes(faces.map((f) => f.box), imageSize, view)
      rects.forEach((r) => {
        ctx.strokeRect(r.x, r.y, r.width, r.height)
        const s = faces[r.index].score
        const score = typeof s === 'number' ? s.toFixed(2) : ''
        if (score) ctx.fillText(score, r.x + 4, Math.max(r.y - 4, 14))
      })
      this.rects = rects // kept for tests and debugging
    }
  }
})
