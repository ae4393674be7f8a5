import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import jsQR from '../vendor-jsqr.js';
import qrcode from '../vendor-qrcode.js';
import { qrMatrix, qrPath } from '../qr-svg.js';
import { codeFromScan } from '../invite-code.js';

const here = (name) => new URL(`../${name}`, import.meta.url);
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

// The matrix drawn as black squares of `scale` px on white, with a quiet
// zone: what a camera sees of a printed card, as RGBA bytes.
function render(matrix, scale = 4, margin = 4) {
  const side = (matrix.size + 2 * margin) * scale;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let row = 0; row < matrix.size; row += 1) {
    for (let col = 0; col < matrix.size; col += 1) {
      if (!matrix.isDark(row, col)) continue;
      for (let y = 0; y < scale; y += 1) {
        for (let x = 0; x < scale; x += 1) {
          const i = (((row + margin) * scale + y) * side + (col + margin) * scale + x) * 4;
          pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
        }
      }
    }
  }
  return { pixels, side };
}

test('an invitation URL encoded by the vendored encoder is read back by the vendored decoder', () => {
  const url = 'http://192.168.1.10:8080/invite/ivabcdefghijklmnopqrstuv23';
  const { pixels, side } = render(qrMatrix(url));
  const found = jsQR(pixels, side, side, { inversionAttempts: 'dontInvert' });
  assert.ok(found, 'decoded');
  assert.equal(found.data, url);
  assert.equal(codeFromScan(found.data), 'ivabcdefghijklmnopqrstuv23');
});

test('a frame without a QR code decodes to nothing', () => {
  const side = 64;
  const grey = new Uint8ClampedArray(side * side * 4).fill(128);
  assert.equal(jsQR(grey, side, side), null);
});

test('the SVG path draws exactly the dark modules, one rectangle per run', () => {
  const matrix = qrMatrix('ivabcdefghijklmnopqrstuv23');
  const { d, viewSize } = qrPath(matrix, 4);
  assert.equal(viewSize, matrix.size + 8);
  let dark = 0;
  let runs = 0;
  for (let r = 0; r < matrix.size; r += 1) {
    for (let c = 0; c < matrix.size; c += 1) {
      if (!matrix.isDark(r, c)) continue;
      dark += 1;
      if (c === 0 || !matrix.isDark(r, c - 1)) runs += 1;
    }
  }
  const rects = [...d.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)];
  assert.equal(rects.length, runs);
  assert.equal(rects.reduce((sum, m) => sum + Number(m[3]), 0), dark);
  // The top-left finder pattern's first row: 7 dark modules at the margin.
  assert.equal(rects[0].slice(1, 4).join(' '), '4 4 7');
  assert.equal(typeof qrcode.stringToBytes, 'function');
});

// VENDORED.md promises byte-identical copies: the text between the markers
// must hash to the sha256 recorded there for the package's dist file.
for (const [file, id] of [
  ['vendor-jsqr.js', 'jsqr@1.4.0 dist/jsQR.js'],
  ['vendor-qrcode.js', 'qrcode-generator@2.0.4 dist/qrcode.mjs'],
]) {
  test(`${file} carries its package's dist file unchanged`, () => {
    const text = readFileSync(here(file), 'utf8');
    const begin = `// ---- begin ${id} (unchanged) ----\n`;
    const end = `\n// ---- end ${id} ----\n`;
    assert.ok(text.includes(begin) && text.includes(end), 'markers');
    const body = text.slice(text.indexOf(begin) + begin.length, text.indexOf(end));
    const digest = sha256(body);
    const header = text.slice(0, text.indexOf(begin));
    assert.ok(header.includes(digest), 'the header names the digest');
    assert.ok(readFileSync(here('VENDORED.md'), 'utf8').includes(digest), 'VENDORED.md names the digest');
    assert.match(header, /Apache License\s+\*\s+Version 2\.0|Permission is hereby granted/, 'licence text');
  });
}
