const { fitContain, mapBoxes } = require('../utils/boxes')

describe('fitContain', () => {
  test('landscape photo in a portrait canvas: full width, bars above and below', () => {
    expect(fitContain({ width: 640, height: 480 }, { width: 320, height: 400 })).toEqual({
      scale: 0.5,
      x: 0,
      y: 80,
      width: 320,
      height: 240
    })
  })

  test('portrait photo in a landscape canvas: full height, bars left and right', () => {
    expect(fitContain({ width: 300, height: 600 }, { width: 400, height: 300 })).toEqual({
      scale: 0.5,
      x: 125,
      y: 0,
      width: 150,
      height: 300
    })
  })

  test('same aspect ratio: no bars', () => {
    expect(fitContain({ width: 1280, height: 720 }, { width: 320, height: 180 })).toEqual({
      scale: 0.25,
      x: 0,
      y: 0,
      width: 320,
      height: 180
    })
  })

  test('a small photo is scaled up', () => {
    expect(fitContain({ width: 100, height: 50 }, { width: 400, height: 400 }).scale).toBe(4)
  })

  test('zero or missing sizes give null', () => {
    expect(fitContain({ width: 0, height: 10 }, { width: 10, height: 10 })).toBeNull()
    expect(fitContain({ width: 10, height: 10 }, { width: 10, height: 0 })).toBeNull()
    expect(fitContain({}, { width: 10, height: 10 })).toBeNull()
  })
})

describe('mapBoxes', () => {
  test('letterboxed top/bottom: scales and shifts down by the bar', () => {
    // 640x480 in 320x400: scale 0.5, 80 px bar on top
    const rects = mapBoxes([[100, 60, 200, 240]], { width: 640, height: 480 }, { width: 320, height: 400 })
    expect(rects).toEqual([{ x: 50, y: 110, width: 100, height: 120, index: 0 }])
  })

  test('letterboxed left/right: scales and shifts right by the bar', () => {
    // 300x600 in 400x300: scale 0.5, 125 px bar on the left
    const rects = mapBoxes([[0, 0, 300, 600], [30, 40, 60, 80]], { width: 300, height: 600 }, { width: 400, height: 300 })
    expect(rects).toEqual([
      { x: 125, y: 0, width: 150, height: 300, index: 0 },
      { x: 140, y: 20, width: 30, height: 40, index: 1 }
    ])
  })

  test('scaled up without bars', () => {
    const rects = mapBoxes([[10, 5, 20, 10]], { width: 100, height: 50 }, { width: 400, height: 200 })
    expect(rects).toEqual([{ x: 40, y: 20, width: 80, height: 40, index: 0 }])
  })

  test('a box running off the photo is clipped to it, not drawn over the bars', () => {
    // 640x480 in 320x400 (bar of 80 on top); box pokes out left and top
    const rects = mapBoxes([[-40, -20, 140, 120]], { width: 640, height: 480 }, { width: 320, height: 400 })
    expect(rects).toEqual([{ x: 0, y: 80, width: 50, height: 50, index: 0 }])
  })

  test('boxes wholly outside the photo or malformed are dropped; indexes still point at the input', () => {
    const rects = mapBoxes(
      [[700, 10, 50, 50], 'junk', [10, 10, 0, 20], [0, 0, 64, 48]],
      { width: 640, height: 480 },
      { width: 640, height: 480 }
    )
    expect(rects).toEqual([{ x: 0, y: 0, width: 64, height: 48, index: 3 }])
  })

  test('nothing to draw when sizes are unknown or boxes are missing', () => {
    expect(mapBoxes([[0, 0, 1, 1]], { width: 0, height: 0 }, { width: 10, height: 10 })).toEqual([])
    expect(mapBoxes(undefined, { width: 10, height: 10 }, { width: 10, height: 10 })).toEqual([])
  })
})
