// A small hand-drawn bar chart of check-ins per 10 minutes. The geometry
// (fillBuckets, barLayout) is pure and tested; drawChart only paints it.

export const BUCKET_SECONDS = 600;

// The server omits empty buckets; a chart needs them as zero bars, or a
// quiet half hour would vanish. `until` (unix s) extends the axis to now
// during an open event; at most maxBars of the latest buckets are kept.
export function fillBuckets(buckets, { bucketSeconds = BUCKET_SECONDS, until = null, maxBars = 72 } = {}) {
  const counts = new Map();
  for (const b of buckets || []) {
    const start = Math.floor(Number(b.start) / bucketSeconds) * bucketSeconds;
    if (Number.isFinite(start)) counts.set(start, (counts.get(start) || 0) + (Number(b.count) || 0));
  }
  if (counts.size === 0) return [];
  const starts = [...counts.keys()].sort((a, b) => a - b);
  let last = starts[starts.length - 1];
  if (Number.isFinite(until)) last = Math.max(last, Math.floor(until / bucketSeconds) * bucketSeconds);
  const from = Math.max(starts[0], last - (maxBars - 1) * bucketSeconds);
  const series = [];
  for (let t = from; t <= last; t += bucketSeconds) series.push({ start: t, count: counts.get(t) || 0 });
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

export function barLayout(series, { width, height, padding = { top: 16, right: 12, bottom: 28, left: 36 } }) {
  const plot = {
    x: padding.left,
    y: padding.top,
    width: Math.max(0, width - padding.left - padding.right),
    height: Math.max(0, height - padding.top - padding.bottom),
  };
  const max = niceCeil(Math.max(0, ...series.map((b) => b.count)));
  const slot = series.length ? plot.width / series.length : 0;
  const gap = Math.min(4, slot * 0.2);
  const bars = series.map((b, i) => {
    const h = (b.count / max) * plot.height;
    return { x: plot.x + i * slot + gap / 2, y: plot.y + plot.height - h, width: slot - gap, height: h,
      start: b.start, count: b.count };
  });
  // About one time label per 60 px, on whole bars.
  const labelEvery = Math.max(1, Math.ceil(series.length / Math.max(1, Math.floor(plot.width / 60))));
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
  const { plot, max, bars, labelEvery } = barLayout(series, { width, height });
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
  bars.forEach((b, i) => {
    ctx.fillStyle = bar;
    ctx.fillRect(b.x, b.y, b.width, b.height);
    if (i % labelEvery === 0) {
      ctx.fillStyle = ink;
      ctx.fillText(formatTime(b.start), b.x, plot.y + plot.height + 6);
    }
  });
}
