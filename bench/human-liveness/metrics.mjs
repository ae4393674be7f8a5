// Scoring helpers, kept apart from the image pipeline so they can be checked
// against the C++ eval-liveness numbers (same rules: accept when score >= t,
// t chosen on live samples for BPCER <= target).

// ROC AUC as the Mann-Whitney probability that a live sample outscores an
// attack (ties count half). Exact and threshold-free, fine for ~135 samples.
export function auc(samples) {
  const live = samples.filter((s) => s.live).map((s) => s.score);
  const att = samples.filter((s) => !s.live).map((s) => s.score);
  let wins = 0;
  for (const l of live) for (const a of att) wins += l > a ? 1 : l === a ? 0.5 : 0;
  return wins / (live.length * att.length);
}

// Highest threshold that rejects at most floor(target * n) live samples:
// the k-th smallest live score (0-based k), so only scores below it are rejected.
export function thresholdForBpcer(samples, target) {
  const live = samples.filter((s) => s.live).map((s) => s.score).sort((a, b) => a - b);
  if (!live.length) return -Infinity;
  return live[Math.min(Math.floor(target * live.length + 1e-9), live.length - 1)];
}

// BPCER over live samples and APCER per attack type at threshold t.
export function rates(samples, t) {
  const out = { bpcer: { rejected: 0, of: 0 }, apcer: {}, apcerAll: { accepted: 0, of: 0 } };
  for (const s of samples) {
    const ok = s.score >= t;
    if (s.live) {
      out.bpcer.of++;
      if (!ok) out.bpcer.rejected++;
      continue;
    }
    const a = (out.apcer[s.kind] ??= { accepted: 0, of: 0 });
    a.of++;
    out.apcerAll.of++;
    if (ok) { a.accepted++; out.apcerAll.accepted++; }
  }
  return out;
}

// Leave-one-source-out: each source's samples are judged at a threshold chosen
// on the other sources' live samples only, then the counts are added up. This
// shows how much the in-sample threshold flatters the result.
export function leaveOneSourceOut(samples, target) {
  const total = { bpcer: { rejected: 0, of: 0 }, apcer: {}, apcerAll: { accepted: 0, of: 0 } };
  for (const src of new Set(samples.map((s) => s.source))) {
    const t = thresholdForBpcer(samples.filter((s) => s.source !== src), target);
    const r = rates(samples.filter((s) => s.source === src), t);
    total.bpcer.rejected += r.bpcer.rejected;
    total.bpcer.of += r.bpcer.of;
    total.apcerAll.accepted += r.apcerAll.accepted;
    total.apcerAll.of += r.apcerAll.of;
    for (const [k, v] of Object.entries(r.apcer)) {
      const a = (total.apcer[k] ??= { accepted: 0, of: 0 });
      a.accepted += v.accepted;
      a.of += v.of;
    }
  }
  return total;
}
