import test from 'node:test';
import assert from 'node:assert/strict';
import { centreRegion, meanLuma, lightAdvice, DARK_BELOW, BRIGHT_ABOVE } from '../selfie-guide.js';

const frame = (r, g, b, pixels = 16) => {
  const data = new Uint8ClampedArray(pixels * 4);
  for (let i = 0; i < data.length; i += 4) data.set([r, g, b, 255], i);
  return data;
};

test('mean luma is BT.601 over the pixels, alpha ignored', () => {
  assert.equal(meanLuma(frame(0, 0, 0)), 0);
  assert.ok(Math.abs(meanLuma(frame(255, 255, 255)) - 255) < 1e-9);
  assert.ok(Math.abs(meanLuma(frame(100, 0, 0)) - 29.9) < 1e-9);
  const half = new Uint8ClampedArray([0, 0, 0, 0, 200, 200, 200, 0]);
  assert.ok(Math.abs(meanLuma(half) - 100) < 1e-9);
  assert.equal(meanLuma(new Uint8ClampedArray(0)), null);
  assert.equal(meanLuma(undefined), null);
});

test('the hint warns inside the server\'s limits (40 dark, 220 bright)', () => {
  assert.ok(DARK_BELOW > 40 && BRIGHT_ABOVE < 220);
  assert.equal(lightAdvice(20), 'guideTooDark');
  assert.equal(lightAdvice(DARK_BELOW - 1), 'guideTooDark');
  assert.equal(lightAdvice(120), 'guideOk');
  assert.equal(lightAdvice(BRIGHT_ABOVE + 1), 'guideTooBright');
  assert.equal(lightAdvice(null), null);
  assert.equal(lightAdvice(NaN), null);
});

test('the measured region is the middle half of the frame', () => {
  assert.deepEqual(centreRegion(1280, 720), { x: 320, y: 180, width: 640, height: 360 });
  assert.deepEqual(centreRegion(1, 1), { x: 0, y: 0, width: 1, height: 1 });
});
