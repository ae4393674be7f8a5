import test from 'node:test';
import assert from 'node:assert/strict';
import { fillBuckets, barLayout, niceCeil, chartSummary, checkinWindow, drawChart } from '../chart.js';

test('empty ten-minute buckets the server omits become zero bars', () => {
  const series = fillBuckets([{ start: 1800, count: 2 }, { start: 600, count: 5 }], { minBars: 1 });
  assert.deepEqual(series, [{ start: 600, count: 5 }, { start: 1200, count: 0 }, { start: 1800, count: 2 }]);
});

test('during an open event the axis runs up to now', () => {
  const series = fillBuckets([{ start: 600, count: 1 }], { until: 2000, minBars: 1 });
  assert.deepEqual(series.map((b) => b.start), [600, 1200, 1800]);
  // A `until` before the last bucket changes nothing.
  assert.equal(fillBuckets([{ start: 6000, count: 1 }], { until: 0, minBars: 1 }).length, 1);
});

test('only the latest maxBars buckets are kept', () => {
  const series = fillBuckets([{ start: 0, count: 1 }, { start: 600 * 99, count: 3 }], { maxBars: 10 });
  assert.equal(series.length, 10);
  assert.equal(series[9].start, 600 * 99);
  assert.equal(series[0].start, 600 * 90);
});

test('no check-ins gives an empty series; unaligned starts are bucketed', () => {
  assert.deepEqual(fillBuckets([]), []);
  assert.deepEqual(fillBuckets(undefined, { until: 5000 }), []);
  assert.deepEqual(fillBuckets([{ start: 610, count: 1 }, { start: 900, count: 2 }], { minBars: 1 }),
    [{ start: 600, count: 3 }]);
});

test('niceCeil rounds the axis maximum to 1, 2 or 5 × 10^n', () => {
  assert.deepEqual([0, 1, 3, 5, 6, 11, 20, 21, 99, 101].map(niceCeil), [1, 1, 3, 5, 10, 20, 20, 50, 100, 200]);
});

const HOUR = 3600;
const T0 = 1767225600; // 2026-01-01 00:00 UTC
const layout = (series) => barLayout(series, {
  width: 600, height: 200, padding: { top: 10, right: 10, bottom: 30, left: 40 },
});

test('a single bucket is one ten-minute slot wide, not the whole plot', () => {
  const series = fillBuckets([{ start: T0 + 10 * HOUR, count: 3 }]);
  assert.ok(series.length >= 12, 'at least two hours of slots');
  const { plot, bars } = layout(series);
  const slot = plot.width / series.length;
  const busy = bars.filter((b) => b.count > 0);
  assert.equal(busy.length, 1);
  assert.equal(busy[0].start, T0 + 10 * HOUR);
  assert.ok(busy[0].width <= slot && busy[0].width < plot.width / 2);
  // Every bar, empty or not, has the same width and sits one slot apart.
  for (let i = 1; i < bars.length; i++) {
    assert.ok(Math.abs(bars[i].x - bars[i - 1].x - slot) < 1e-9);
    assert.ok(Math.abs(bars[i].width - busy[0].width) < 1e-9);
  }
  // Once the event is over the lone bucket sits near the middle.
  const at = series.findIndex((b) => b.count > 0);
  assert.ok(at >= 4 && at <= series.length - 5);
});

test('during an open event padding goes before now, never after it', () => {
  const now = T0 + 10 * HOUR + 300;
  const series = fillBuckets([{ start: T0 + 10 * HOUR, count: 1 }], { until: now });
  assert.equal(series.length, 12);
  assert.equal(series[11].start, T0 + 10 * HOUR);
  assert.equal(series[0].start, T0 + 10 * HOUR - 11 * 600);
});

test('gaps between buckets are drawn as zero-height bars', () => {
  const series = fillBuckets([{ start: T0, count: 4 }, { start: T0 + HOUR, count: 2 }]);
  const { plot, bars } = layout(series);
  const first = bars.findIndex((b) => b.start === T0);
  const second = bars.findIndex((b) => b.start === T0 + HOUR);
  assert.equal(second - first, 6);
  for (const b of bars.slice(first + 1, second)) {
    assert.equal(b.count, 0);
    assert.equal(b.height, 0);
    assert.equal(b.y, plot.y + plot.height);
  }
});

test('the axis spans the event\'s check-in window', () => {
  const event = { starts_at: T0 + 9 * HOUR, ends_at: T0 + 12 * HOUR,
    checkin_opens_before_min: 60, checkin_closes_after_min: 30 };
  const range = checkinWindow(event);
  assert.deepEqual(range, { from: T0 + 8 * HOUR, to: T0 + 12.5 * HOUR });
  assert.deepEqual(checkinWindow({}), { from: null, to: null });
  const series = fillBuckets([{ start: T0 + 9 * HOUR, count: 7 }], range);
  assert.equal(series[0].start, T0 + 8 * HOUR);
  assert.equal(series[series.length - 1].start, T0 + 12.5 * HOUR);
  assert.equal(series.length, 28);
  // An open event stops at now, not at the window's end.
  const open = fillBuckets([{ start: T0 + 9 * HOUR, count: 7 }], { ...range, until: T0 + 10 * HOUR });
  assert.equal(open[open.length - 1].start, T0 + 10 * HOUR);
  assert.equal(open[0].start, T0 + 8 * HOUR);
});

test('a long window keeps the check-ins in view', () => {
  const range = { from: T0, to: T0 + 72 * HOUR };
  const early = fillBuckets([{ start: T0 + HOUR, count: 1 }], range);
  assert.equal(early.length, 72);
  assert.ok(early.some((b) => b.count === 1));
  const late = fillBuckets([{ start: T0 + 48 * HOUR, count: 1 }], range);
  assert.equal(late.length, 72);
  assert.equal(late[71].start, T0 + 48 * HOUR);
});

test('time labels fall on round clock times, far enough apart to read', () => {
  const series = fillBuckets([{ start: T0 + 10 * HOUR + 1200, count: 1 }], { from: T0 + 8 * HOUR, to: T0 + 14 * HOUR });
  const { bars } = layout(series);
  const labelled = bars.filter((b) => b.label);
  assert.ok(labelled.length >= 3);
  const step = labelled[1].start - labelled[0].start;
  assert.ok([1200, 1800, 3600].includes(step), `step ${step}`);
  for (const b of labelled) assert.equal(b.start % step, 0);
  assert.ok((labelled[1].x - labelled[0].x) >= 60);
  // In a zone one hour east of UTC the labels still land on the local hour.
  const shifted = barLayout(series, { width: 300, height: 200, utcOffset: HOUR }).bars.filter((b) => b.label);
  for (const b of shifted) assert.equal((b.start + HOUR) % (shifted[1].start - shifted[0].start), 0);
});

// A canvas that records what drawChart paints (text is 7 px a character).
function fakeCanvas(width, height) {
  const rects = [];
  const texts = [];
  const ctx = {
    setTransform() {}, clearRect() {}, beginPath() {}, moveTo() {}, lineTo() {}, stroke() {},
    fillRect: (x, y, w, h) => rects.push({ x, y, w, h }),
    fillText: (text, x) => texts.push({ text, x }),
    measureText: (text) => ({ width: 7 * text.length }),
  };
  return { canvas: { clientWidth: width, clientHeight: height, getContext: () => ctx }, rects, texts };
}

test('drawChart paints a lone check-in bucket as one narrow bar among empty slots', (t) => {
  globalThis.getComputedStyle = () => ({ getPropertyValue: () => '' });
  t.after(() => { delete globalThis.getComputedStyle; });
  const { canvas, rects, texts } = fakeCanvas(600, 220);
  const series = fillBuckets([{ start: T0 + 10 * HOUR, count: 3 }]);
  drawChart(canvas, series, { formatTime: (s) => new Date(s * 1000).toISOString().slice(11, 16) });
  const plotWidth = 600 - 36 - 12;
  assert.equal(rects.length, series.length);
  const tall = rects.filter((r) => r.h > 0);
  assert.equal(tall.length, 1);
  assert.ok(tall[0].w <= plotWidth / 12, `bar ${tall[0].w}px wide in a ${plotWidth}px plot`);
  const labels = texts.filter((x) => /^\d\d:\d\d$/.test(x.text));
  assert.ok(labels.length >= 3);
  for (const l of labels) assert.ok(l.x + 7 * l.text.length <= 600);
  for (let i = 1; i < labels.length; i++) assert.ok(labels[i].x - labels[i - 1].x >= 60);
});

test('bars are proportional, inside the plot, and labelled sparsely', () => {
  const series = Array.from({ length: 30 }, (_, i) => ({ start: i * 600, count: i === 10 ? 8 : 2 }));
  const { plot, max, bars, labelEvery } = barLayout(series, {
    width: 600, height: 200, padding: { top: 10, right: 10, bottom: 30, left: 40 },
  });
  assert.equal(max, 10);
  assert.deepEqual(plot, { x: 40, y: 10, width: 550, height: 160 });
  assert.equal(bars.length, 30);
  assert.ok(Math.abs(bars[10].height - 128) < 1e-9);
  assert.ok(Math.abs(bars[0].height - 32) < 1e-9);
  for (const b of bars) {
    assert.ok(b.x >= plot.x && b.x + b.width <= plot.x + plot.width + 1e-9);
    assert.ok(Math.abs(b.y + b.height - (plot.y + plot.height)) < 1e-9);
  }
  assert.ok(labelEvery >= 3 && 30 / labelEvery <= 10);
});

test('the text summary names the total and the busiest bucket', () => {
  const fmt = (t) => `t${t}`;
  assert.equal(chartSummary([], fmt), 'No check-ins yet.');
  assert.equal(chartSummary([{ start: 0, count: 2 }, { start: 600, count: 5 }], fmt),
    '7 check-ins from t0; busiest 10 minutes: 5 at t600.');
});
