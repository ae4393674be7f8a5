// Follow-up checks on .cache/scores.json (written by measure.mjs) and
// .cache/fr_liveness_scores.csv: is a pooled AUC a real signal or a mix of
// sources? does an input range saturate the output? does a candidate add
// anything to fr_liveness? Usage: node extra.mjs (after measure.mjs).
import fs from 'node:fs';
import { auc, thresholdForBpcer, rates, leaveOneSourceOut } from './metrics.mjs';

const S = JSON.parse(fs.readFileSync('.cache/scores.json', 'utf8'));
const fr = Object.fromEntries(fs.readFileSync('.cache/fr_liveness_scores.csv', 'utf8').trim().split('\n')
  .slice(1).map((l) => l.split(',')).map((c) => [c[0], Number(c[3])]));
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

// 1. Saturation and per-class medians of out[0]: a variant whose outputs are all
// 1.0 cannot rank anything, whatever its AUC says.
console.log('## out[0]: saturated count and median per label\n');
for (const m of ['antispoof', 'liveness']) for (const v of Object.keys(S[0].scores[m])) {
  const xs = S.map((s) => s.scores[m][v]);
  const kinds = [...new Set(S.map((s) => s.kind))].map((k) => `${k} ${med(S.filter((s) => s.kind === k).map((s) => s.scores[m][v])).toFixed(3)}`);
  console.log(`- ${m} ${v}: >=0.99999 ${xs.filter((x) => x >= 0.99999).length}/${xs.length}, <=1e-5 ${xs.filter((x) => x <= 1e-5).length}; median ${kinds.join(', ')}`);
}

// 2. AUC of out[0] as live within each source that has both live and attacks:
// a model that works should sit well above 0.5 in every source, not flip.
const cols = {
  'fr p0': (s) => fr[s.path],
  'antispoof human (sq1.4 RGB 0-1)': (s) => s.scores.antispoof['sq1.4 (human), RGB 0-1 (human)'],
  'antispoof box1.0 BGR 0-1': (s) => s.scores.antispoof['box1.0, BGR 0-1'],
  'liveness human (sq1.4 RGB 0-1)': (s) => s.scores.liveness['sq1.4 (human), RGB 0-1 (human)'],
  'liveness box1.0 BGR 0-1 (upstream demo)': (s) => s.scores.liveness['box1.0, BGR 0-1'],
};
console.log(`\n## AUC of out[0] as live, within each source\n\n| source | live/all | ${Object.keys(cols).join(' | ')} |\n|---|---|${'---|'.repeat(Object.keys(cols).length)}`);
for (const src of new Set(S.map((s) => s.source))) {
  const g = S.filter((s) => s.source === src); const nl = g.filter((s) => s.live).length;
  if (!nl || nl === g.length) continue;
  console.log(`| ${src} | ${nl}/${g.length} | ${Object.values(cols).map((f) => auc(g.map((s) => ({ ...s, score: f(s) }))).toFixed(2)).join(' | ')} |`);
}

// 3. Rank-average fusion with fr_liveness (candidate's direction as the pooled
// AUC favoured it: chosen on this set, so optimistic).
console.log('\n## fusion: mean of ranks of fr p0 and a candidate score\n');
const rank = (xs) => { const r = []; xs.map((x, i) => [x, i]).sort((a, b) => a[0] - b[0]).forEach(([, i], k) => { r[i] = k; }); return r; };
for (const [m, v, sign] of [['antispoof', 'box1.0, BGR 0-1', -1], ['antispoof', 'sq1.4 (human), RGB 0-1 (human)', 1], ['liveness', 'sq2.0, RGB 0-1 (human)', -1]]) {
  const a = rank(S.map((s) => sign * s.scores[m][v])); const f = rank(S.map((s) => fr[s.path]));
  const fused = S.map((s, i) => ({ ...s, score: a[i] + f[i] }));
  const r = rates(fused, thresholdForBpcer(fused, 0.05));
  const cv = leaveOneSourceOut(fused, 0.05);
  const ap = (x) => ['print', 'replay', 'mask', 'spoof'].map((k) => `${k} ${x.apcer[k].accepted}/${x.apcer[k].of}`).join(', ');
  console.log(`- fr + ${sign < 0 ? '1-' : ''}${m} ${v}: AUC ${auc(fused).toFixed(3)}; BPCER ${r.bpcer.rejected}/${r.bpcer.of}; accepted ${ap(r)}`
    + `; leave-one-source-out BPCER ${cv.bpcer.rejected}/${cv.bpcer.of}, accepted ${ap(cv)}`);
}
