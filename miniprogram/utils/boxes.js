// Geometry for drawing server face boxes over a letterboxed photo.
// Pure functions: no wx, no canvas, so they are unit-tested directly.

// Where an image of imageSize lands when fitted whole ("contain") and
// centred in canvasSize: the scale and the offsets of the bars.
function fitContain(imageSize, canvasSize) {
  const iw = imageSize.width
  const ih = imageSize.height
  const cw = canvasSize.width
  const ch = canvasSize.height
  if (!(iw > 0 && ih > 0 && cw > 0 && ch > 0)) return null
  const scale = Math.min(cw / iw, ch / ih)
  const width = iw * scale
  const height = ih * scale
  return { scale, x: (cw - width) / 2, y: (ch - height) / 2, width, height }
}

// serverBoxes: [[x, y, w, h], ...] in the image's pixels (as /detect and
// /checkin return them). Returns [{x, y, width, height, index}, ...] in
// canvas pixels, index being the box's position in serverBoxes. Boxes are
// clipped to the drawn image so one that runs off the photo is not drawn
// over the letterbox bars; boxes wholly outside the photo are dropped.
function mapBoxes(serverBoxes, imageSize, canvasSize) {
  const fit = fitContain(imageSize, canvasSize)
  if (!fit || !Array.isArray(serverBoxes)) return []
  const rects = []
  serverBoxes.forEach((box, index) => {
    if (!Array.isArray(box) || box.length < 4) return
    const left = Math.max(box[0], 0)
    const top = Math.max(box[1], 0)
    const right = Math.min(box[0] + box[2], imageSize.width)
    const bottom = Math.min(box[1] + box[3], imageSize.height)
    if (!(right > left && bottom > top)) return
    rects.push({
      x: fit.x + left * fit.scale,
      y: fit.y + top * fit.scale,
      width: (right - left) * fit.scale,
      height: (bottom - top) * fit.scale,
      index
    })
  })
  return rects
}

module.exports = { fitContain, mapBoxes }
