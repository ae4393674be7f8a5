// Face boxes come back in pixels of the frame the server decoded. The kiosk
// shows the live video scaled by CSS object-fit (and mirrored, like a
// mirror), so each box must be mapped into the element's CSS pixels the
// same way the browser mapped the video, or it would drift off the face.

// Where a frameWidth x frameHeight picture lands inside an element of
// viewWidth x viewHeight for a CSS object-fit value (object-position is the
// default, centred).
export function videoLayout(frameWidth, frameHeight, viewWidth, viewHeight, fit = 'cover') {
  if (!(frameWidth > 0 && frameHeight > 0)) {
    return { scaleX: 0, scaleY: 0, offsetX: 0, offsetY: 0 };
  }
  const sx = viewWidth / frameWidth;
  const sy = viewHeight / frameHeight;
  let scaleX;
  let scaleY;
  switch (fit) {
    case 'fill':
      scaleX = sx;
      scaleY = sy;
      break;
    case 'contain':
      scaleX = scaleY = Math.min(sx, sy);
      break;
    case 'none':
      scaleX = scaleY = 1;
      break;
    case 'scale-down':
      scaleX = scaleY = Math.min(1, sx, sy);
      break;
    default: // 'cover'
      scaleX = scaleY = Math.max(sx, sy);
  }
  return {
    scaleX,
    scaleY,
    offsetX: (viewWidth - frameWidth * scaleX) / 2,
    offsetY: (viewHeight - frameHeight * scaleY) / 2,
  };
}

// box: [x, y, w, h] in frame pixels; frame/view: {width, height}.
// mirror: the video is shown flipped horizontally (CSS scaleX(-1)) while the
// overlay is not, so the box's x is flipped around the element's centre.
export function scaleBox(box, frame, view, { fit = 'cover', mirror = false } = {}) {
  const [bx, by, bw, bh] = box;
  const layout = videoLayout(frame.width, frame.height, view.width, view.height, fit);
  let x = layout.offsetX + bx * layout.scaleX;
  const y = layout.offsetY + by * layout.scaleY;
  const width = bw * layout.scaleX;
  const height = bh * layout.scaleY;
  if (mirror) x = view.width - x - width;
  return { x, y, width, height };
}

// Clips a scaled box to the visible element, since with object-fit: cover
// part of the frame (and of a face near its edge) is cropped away. Returns
// null when nothing of the box is visible.
export function clipToView(rect, view) {
  const x1 = Math.max(0, rect.x);
  const y1 = Math.max(0, rect.y);
  const x2 = Math.min(view.width, rect.x + rect.width);
  const y2 = Math.min(view.height, rect.y + rect.height);
  if (x2 <= x1 || y2 <= y1) return null;
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}
