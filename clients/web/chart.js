// A small hand-drawn bar chart of check-ins per 10 minutes. The geometry
// (fillBuckets, barLayout) is pure and tested; drawChart only paints it.

export const BUCKET_SECONDS = 600;

// The event's check-in window (unix s): from opening before the start to
// closing after the end. Ends the event does not give are null.
export function checkinWindow(event) {
  const at = (t, minutes) => (Number.isFinite(t) ? t + (Number(minutes) || 0) * 60 : null);
  return { from: at(event?.starts_at, -(event?.checkin_opens_before_min ?? 0)),
    to: at(event?.ends_at, event?.checkin_closes_after_min) };
}

// The server omits empty buckets; a chart needs them as zero bars, or a
// quiet half hour would vanish. The axis covers the check-ins and, as far
// as maxBars allows, the window `from`..`to` (unix s); the latest
// check-ins win when it cannot show everything. `until` (unix s) runs the
// axis up to now during an open event, and nothing is drawn after it. An
// axis shorter than minBars is padded with empty slots, so a lone bucket
// is one slot wide, not the whole plot.
export function fillBuckets(buckets, {
  bucketSeconds = BUCKET_SECONDS, until = null, from = null, to = null, maxBars = 72, minBars = 12,
} = {}) {
  const bucketOf = (t) => Math.floor(t / bucketSeconds) * bucketSeconds;
  const counts = new Map();
  for (const b of buckets || []) {
    const start = bucketOf(Number(b.start));
    if (Number.isFinite(start)) counts.set(start, (counts.get(start) || 0) + (Number(b.count) || 0));
  }
  if (counts.size === 0) return [];
  const starts = [...counts.keys()].sort((a, b) => a - b);
  const end = Number.isFinite(until) ? bucketOf(until) : Infinity;
  const last = Math.max(starts[starts.length - 1], Number.isFinite(until) ? end : -Infinity);
  const span = (Math.max(maxBars, 1) - 1) * bucketSeconds;
  let lo = Math.min(starts[0], Number.isFinite(from) ? bucketOf(from) : Infinity);
  let hi = Math.max(last, Number.isFinite(to) ? Math.min(bucketOf(to), end) : -Infinity);
  hi = Math.min(hi, Math.max(last, lo + span));
  lo = Math.max(lo, hi - span);
  const missing = Math.min(minBars, maxBars) - ((hi - lo) / bucketSeconds + 1);
  if (missing > 0) {
    const after = Math.max(0, Math.min(Math.floor(missing / 2), (end - hi) / bucketSeconds));
    hi += after * bucketSeconds;
    lo -= (missing - after) * bucketSeconds;
  }
  const series = [];
  for (let t = lo; t <= hi; t += bucketSeconds) series.push({ start: t, count: counts.get(t) || 0 });
  return series;
}

// A round axis maximum (1, 2, 5 × 10^n) so the gridline label reads well.
export function niceCeil(value) {
  if (!(value > 0)) return 1;
  if (value <= 5) return Math.ceil(value);
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= value) return m * magnitude;
  return 10 * magnitude;
}

// Label steps in slots: 10, 20, 30 min, 1, 2, 3, 6, 12, 24 h.
const LABEL_STEPS = [1, 2, 3, 6, 12, 18, 36, 72, 144];

// Bars are one slot wide each. Time labels sit on round clock times
// (`utcOffset` in seconds, east of UTC) at least minLabelGap px apart.
export function barLayout(series, {
  width, height, padding = { top: 16, right: 12, bottom: 28, left: 36 },
  bucketSeconds = BUCKET_SECONDS, utcOffset = 0, minLabelGap = 60,
}) {
  const plot = {
    x: padding.left,
    y: padding.top,
    width: Math.max(0, width - padding.left - padding.right),
    height: Math.max(0, height - padding.top - padding.bottom),
  };
  const max = niceCeil(Math.max(0, ...series.map((b) => b.count)));
  const slot = series.length ? plot.width / series.length : 0;
  const gap = Math.min(4, slot * 0.2);
  const labelEvery = LABEL_STEPS.find((n) => n * slot >= minLabelGap) ?? LABEL_STEPS[LABEL_STEPS.length - 1];
  const bars = series.map((b, i) => {
    const h = (b.count / max) * plot.height;
    return { x: plot.x + i * slot + gap / 2, y: plot.y + plot.height - h, width: slot - gap, height: h,
      start: b.start, count: b.count,
      label: Math.round((b.start + utcOffset) / bucketSeconds) % labelEvery === 0 };
  });
  return { plot, max, bars, labelEvery };
}

// A one-line text equivalent for screen readers.
export function chartSummary(series, formatTime) {
  if (!series.length) return 'No check-ins yet.';
  const total = series.reduce((sum, b) => sum + b.count, 0);
  const peak = series.reduce((best, b) => (b.count > best.count ? b : best), series[0]);
  return `${total} check-ins from ${formatTime(series[0].start)}; busiest 10 minutes: ` +
    `${peak.count} at ${formatTime(peak.start)}.`;
}

export function drawChart(canvas, series, { formatTime, emptyText = 'No check-ins yet' }) {
  const width = canvas.clientWidth || 600;
  const height = canvas.clientHeight || 220;
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const styles = getComputedStyle(canvas);
  const ink = styles.getPropertyValue('--chart-ink').trim() || '#555';
  const bar = styles.getPropertyValue('--chart-bar').trim() || '#2f6fde';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = ink;
  if (!series.length) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(emptyText, width / 2, height / 2);
    return;
  }
  // Labels on the hour in the browser's time zone, not UTC's.
  const utcOffset = -new Date(series[0].start * 1000).getTimezoneOffset() * 60;
  const { plot, max, bars } = barLayout(series, { width, height, utcOffset });
  ctx.strokeStyle = ink;
  ctx.globalAlpha = 0.3;
  ctx.beginPath();
  ctx.moveTo(plot.x, plot.y + 0.5);
  ctx.lineTo(plot.x + plot.width, plot.y + 0.5);
  ctx.moveTo(plot.x, plot.y + plot.height + 0.5);
  ctx.lineTo(plot.x + plot.width, plot.y + plot.height + 0.5);
  ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(String(max), plot.x - 6, plot.y);
  ctx.fillText('0', plot.x - 6, plot.y + plot.height);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  for (const b of bars) {
    ctx.fillStyle = bar;
    ctx.fillRect(b.x, b.y, b.width, b.height);
    const text = b.label ? formatTime(b.start) : '';
    // A label that would run off the canvas is left out.
    if (text && b.x + ctx.measureText(text).width <= width) {
      ctx.fillStyle = ink;
      ctx.fillText(text, b.x, plot.y + plot.height + 6);
    }
  }
}
