// Checks of the catalogue against itself and against what the server can
// send. Used by clients/web/tests/catalogue.test.js (imported) and by
// miniprogram/tests/catalogue.test.js (run as `node clients/catalogue/check.mjs
// --json`, which prints {problems, missing, codes}).
/* global process, console */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GROUPS, LANGUAGES, ROOT, readSource, stale } from './build.mjs';

// Codes the server can send that are never shown to people, so they need
// no words. Keep this list short and say why for each.
export const NEVER_SHOWN = {
  errors: {
    unknown: 'the unreachable default of reason_code() (src/checkin/reasons.cpp)',
    image_error: 'the unreachable default of image_error_code_name() (src/vision/image_header.cpp)',
  },
  face_statuses: {
    unknown: 'the unreachable default of face_status_code()',
  },
  challenge_reasons: {
    none: 'the frame counted: there is nothing to say',
  },
};

// Names in docs/openapi.json's response descriptions that are fields or
// settings, not error codes.
const NOT_CODES = new Set(['max_body_mb', 'max_pixels', 'check_in', 'person_id', 'person_ids',
  'external_id', 'retry_after_s', 'face_index']);

function read(path) {
  return readFileSync(join(ROOT, path), 'utf8');
}

function all(re, text, group = 1) {
  return [...text.matchAll(re)].map((m) => m[group]);
}

// The body of a C++ function from its name to the next "\n}".
function functionBody(text, name) {
  const start = text.indexOf(name.includes('(') ? name : `${name}(`);
  if (start < 0) throw new Error(`${name} not found`);
  return text.slice(start, text.indexOf('\n}', start));
}

const RETURNED = /return "([a-z0-9_]+)";/g;

// {group: Set of codes} that the server's source and docs/openapi.json name.
export function serverCodes() {
  const errors = new Set();
  const add = (set, list) => list.forEach((c) => set.add(c));

  const reasons = read('src/checkin/reasons.cpp');
  add(errors, all(RETURNED, functionBody(reasons, 'reason_code')));
  const faces = new Set(all(RETURNED, functionBody(reasons, 'face_status_code')));

  const httpDir = join(ROOT, 'src/http');
  for (const file of readdirSync(httpDir).filter((f) => f.endsWith('.cpp')).sort()) {
    const text = read(`src/http/${file}`);
    add(errors, all(/HttpError\s*\(\s*[^,;()]+,\s*"([a-z0-9_]+)"/g, text));
    add(errors, all(/refuse\s*\(\s*res\s*,\s*\d+\s*,\s*"([a-z0-9_]+)"/g, text));
    add(errors, all(/\{\s*\d{3}\s*,\s*"([a-z0-9_]+)"/g, text)); // WireError{status, code, ...}
    if (file === 'errors.cpp') add(errors, all(RETURNED, functionBody(text, 'code_for_status')));
  }
  add(errors, all(RETURNED, functionBody(read('src/vision/image_header.cpp'),
    'image_error_code_name')));

  const problems = new Set(all(/add\("([a-z_]+)"/g, read('src/vision/face_quality.cpp')));
  const challenge = read('src/checkin/liveness_challenge.cpp');
  const reasonsSet = new Set(all(RETURNED, functionBody(challenge, 'to_string(ChallengeReason reason)')));

  const api = JSON.parse(read('docs/openapi.json'));
  const schemas = api.components.schemas;
  add(problems, schemas.Quality.properties.problems.items.enum);
  for (const face of schemas.CheckinFace.oneOf) add(faces, face.properties.status.enum);
  add(reasonsSet, schemas.ChallengeProgress.properties.reason.enum);
  const actions = new Set(schemas.ChallengeProgress.properties.actions.items.enum);
  const descriptions = [
    ...Object.values(api.components.responses).map((r) => r.description),
    ...Object.values(api.paths).flatMap((ops) => Object.values(ops))
      .flatMap((op) => Object.values(op.responses || {})).map((r) => r.description),
  ];
  for (const text of descriptions) {
    for (const m of String(text || '').matchAll(/(details\.)?\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b/g)) {
      if (!m[1] && !NOT_CODES.has(m[2])) errors.add(m[2]);
    }
  }
  return {
    errors, face_statuses: faces, quality_problems: problems, challenge_actions: actions,
    challenge_reasons: reasonsSet,
  };
}

function placeholders(text) {
  return [...new Set(all(/\{(\w+)\}/g, String(text)))].sort().join(',');
}

// Problems of the source itself: empty or missing words, placeholders that
// differ between zh and en, unknown groups.
export function problems(source = readSource()) {
  const out = [];
  for (const group of Object.keys(source)) {
    if (!group.startsWith('$') && !GROUPS.includes(group)) out.push(`unknown group ${group}`);
  }
  for (const group of GROUPS) {
    for (const [code, entry] of Object.entries(source[group] || {})) {
      const variants = [['', entry], ...Object.entries(entry)
        .filter(([k, v]) => k !== 'note' && typeof v === 'object')];
      for (const [name, words] of variants) {
        const where = `${group}.${code}${name ? `.${name}` : ''}`;
        for (const lang of LANGUAGES) {
          if (typeof words[lang] !== 'string' || !words[lang].trim()) out.push(`${where}: no ${lang}`);
        }
        if (placeholders(words.zh) !== placeholders(words.en)) {
          out.push(`${where}: placeholders differ (zh {${placeholders(words.zh)}}, en {${placeholders(words.en)}})`);
        }
      }
      for (const [k, v] of Object.entries(entry)) {
        if (!LANGUAGES.includes(k) && k !== 'note' && typeof v !== 'object') out.push(`${group}.${code}: stray ${k}`);
      }
    }
  }
  return out;
}

// Codes the server can send that have no entry (and are not NEVER_SHOWN).
export function missing(source = readSource(), codes = serverCodes()) {
  const out = [];
  for (const group of GROUPS) {
    for (const code of [...codes[group]].sort()) {
      if (!(source[group] && code in source[group]) && !(NEVER_SHOWN[group] || {})[code]) {
        out.push(`${group}.${code}`);
      }
    }
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  const codes = serverCodes();
  const report = {
    problems: problems(),
    missing: missing(readSource(), codes),
    stale: stale(),
    codes: Object.fromEntries(Object.entries(codes).map(([g, s]) => [g, [...s].sort()])),
  };
  if (process.argv.includes('--json')) console.log(JSON.stringify(report));
  else console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.problems.length || report.missing.length || report.stale.length ? 1 : 0;
}
