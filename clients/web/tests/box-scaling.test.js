import test from 'node:test';
import assert from 'node:assert/strict';
import { scaleBox, videoLayout, clipToView } from '../box-scaling.js';

const frame = { width: 640, height: 480 }; // 4:3 camera frame
const wide = { width: 1280, height: 720 }; // 16:9 screen

function close(actual, expected) {
  for (const key of Object.keys(expected)) {
    assert.ok(Math.abs(actual[key] - expected[key]) < 1e-9, `${key}: ${actual[key]} != ${expected[key]}`);
  }
}

test('cover fills the view and crops the overflow equally top and bottom', () => {
  // scale = max(1280/640, 720/480) = 2; the 960 px high image is cropped by 120 px each side.
  close(videoLayout(640, 480, 1280, 720, 'cover'), { scaleX: 2, scaleY: 2, offsetX: 0, offsetY: -120 });
  close(scaleBox([100, 100, 50, 50], frame, wide, { fit: 'cover' }), { x: 200, y: 80, width: 100, height: 100 });
});

test('contain letterboxes: the whole frame is visible with side bars', () => {
  // scale = min(2, 1.5) = 1.5; 960 px wide image centred: 160 px bars.
  close(scaleBox([100, 100, 50, 50], frame, wide, { fit: 'contain' }), { x: 310, y: 150, width: 75, height: 75 });
});

test('cover on a portrait tablet crops the sides', () => {
  const portrait = { width: 768, height: 1024 };
  const s = 1024 / 480;
  const layout = videoLayout(640, 480, 768, 1024, 'cover');
  close(layout, { scaleX: s, scaleY: s, offsetX: (768 - 640 * s) / 2, offsetY: 0 });
  // The frame's centre stays at the view's centre.
  const r = scaleBox([310, 230, 20, 20], frame, portrait, { fit: 'cover' });
  close({ cx: r.x + r.width / 2, cy: r.y + r.height / 2 }, { cx: 384, cy: 512 });
});

test('a mirrored view flips the box horizontally, not vertically', () => {
  const plain = scaleBox([100, 100, 50, 50], frame, wide, { fit: 'cover' });
  const mirrored = scaleBox([100, 100, 50, 50], frame, wide, { fit: 'cover', mirror: true });
  close(mirrored, { x: 1280 - plain.x - plain.width, y: plain.y, width: plain.width, height: plain.height });
  // A face on the camera's left appears on the screen's right.
  assert.ok(mirrored.x > wide.width / 2);
});

test('fill stretches each axis; none keeps pixels 1:1; scale-down never enlarges', () => {
  close(scaleBox([10, 10, 10, 10], frame, wide, { fit: 'fill' }), { x: 20, y: 15, width: 20, height: 15 });
  close(scaleBox([0, 0, 640, 480], frame, wide, { fit: 'none' }), { x: 320, y: 120, width: 640, height: 480 });
  close(videoLayout(640, 480, 1280, 720, 'scale-down'), { scaleX: 1, scaleY: 1 });
  close(videoLayout(640, 480, 320, 240, 'scale-down'), { scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 0 });
});

test('the same frame and view size maps boxes unchanged', () => {
  close(scaleBox([12.5, 7, 30, 40], frame, frame), { x: 12.5, y: 7, width: 30, height: 40 });
});

test('an unknown frame size gives empty boxes instead of NaN', () => {
  const r = scaleBox([1, 2, 3, 4], { width: 0, height: 0 }, wide);
  for (const v of Object.values(r)) assert.ok(Number.isFinite(v));
});

test('clipToView trims boxes cropped by cover and drops invisible ones', () => {
  assert.deepEqual(clipToView({ x: -10, y: 700, width: 50, height: 50 }, wide), { x: 0, y: 700, width: 40, height: 20 });
  assert.equal(clipToView({ x: 0, y: -100, width: 50, height: 50 }, wide), null);
});
