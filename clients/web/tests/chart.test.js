import test from 'node:test';
import assert from 'node:assert/strict';
import { fillBuckets, barLayout, niceCeil, chartSummary } from '../chart.js';

test('empty ten-minute buckets the server omits become zero bars', () => {
  const series = fillBuckets([{ start: 1800, count: 2 }, { start: 600, count: 5 }]);
  assert.deepEqual(series, [{ start: 600, count: 5 }, { start: 1200, count: 0 }, { start: 1800, count: 2 }]);
});

test('during an open event the axis runs up to now', () => {
  const series = fillBuckets([{ start: 600, count: 1 }], { until: 2000 });
  assert.deepEqual(series.map((b) => b.start), [600, 1200, 1800]);
  // A `until` before the last bucket changes nothing.
  assert.equal(fillBuckets([{ start: 6000, count: 1 }], { until: 0 }).length, 1);
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
  assert.deepEqual(fillBuckets([{ start: 610, count: 1 }, { start: 900, count: 2 }]), [{ start: 600, count: 3 }]);
});

test('niceCeil rounds the axis maximum to 1, 2 or 5 × 10^n', () => {
  assert.deepEqual([0, 1, 3, 5, 6, 11, 20, 21, 99, 101].map(niceCeil), [1, 1, 3, 5, 10, 20, 20, 50, 100, 200]);
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
