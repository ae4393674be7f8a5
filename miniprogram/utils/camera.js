// CameraContext.takePhoto has no Promise form; wrap it so pages can await it.
// A camera that is still starting (or stuck) may never call back, so give up
// after limitMs rather than leave the caller waiting forever.
function takePhoto(ctx, quality, limitMs = 5000) {
  return new Promise((resolve, reject) => {
    const fail = (msg) => {
      const e = new Error(msg || 'takePhoto failed')
      e.kind = 'camera'
      reject(e)
    }
    const timer = setTimeout(() => fail('takePhoto timed out'), limitMs)
    ctx.takePhoto({
      quality: quality || 'normal',
      // The server wants the face as the camera saw it, not a mirror image.
      selfieMirror: false,
      success: (res) => {
        clearTimeout(timer)
        resolve(res.tempImagePath)
      },
      fail: (err) => {
        clearTimeout(timer)
        fail(err && err.errMsg)
      }
    })
  })
}

module.exports = { takePhoto }
