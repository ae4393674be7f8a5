// The shared word catalogue (clients/catalogue/messages.json): the generated
// copies are up to date, every entry has both languages with the same
// placeholders, and every code the server can send has words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { render, readSource } from '../../catalogue/build.mjs';
import { problems, missing, serverCodes, NEVER_SHOWN } from '../../catalogue/check.mjs';
import { CATALOGUE, word } from '../catalogue.js';
import { STRINGS } from '../i18n.js';

test('the generated catalogue files are what messages.json gives (run node clients/catalogue/build.mjs)', () => {
  for (const [path, expected] of Object.entries(render())) {
    const current = readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
    assert.ok(current === expected, `${path} is stale: run node clients/catalogue/build.mjs`);
  }
});

test('every entry has non-empty zh and en with the same placeholders', () => {
  assert.deepEqual(problems(), []);
});

test('the checks notice an empty word and different placeholders', () => {
  const source = { errors: { a: { zh: '', en: 'x' }, b: { zh: '{n} 行', en: '{count} rows' },
    c: { zh: 'x', en: 'y', desk: { zh: 'z' } } } };
  assert.deepEqual(problems(source), ['errors.a: no zh', 'errors.b: placeholders differ (zh {n}, en {count})',
    'errors.c.desk: no en']);
});

test('every code the server can send has words (or is on the commented NEVER_SHOWN list)', () => {
  const codes = serverCodes();
  // The parsers found what they should: a sample of each source.
  for (const code of ['no_face', 'invitation_revoked', 'invalid_base64', 'engines_busy', 'image_corrupt',
    'not_an_image', 'bad_request', 'unsupported_content_encoding', 'too_many_streams']) {
    assert.ok(codes.errors.has(code), code);
  }
  assert.deepEqual([...codes.face_statuses].filter((c) => c !== 'unknown').sort(),
    ['already_checked_in', 'checked_in', 'liveness_failed', 'liveness_mismatch', 'not_recognised', 'too_small']);
  assert.deepEqual([...codes.quality_problems].sort(),
    ['blurry', 'out_of_frame', 'tilted', 'too_bright', 'too_dark', 'too_small', 'turned_away']);
  assert.deepEqual(missing(readSource(), codes), []);
  const without = readSource();
  delete without.errors.no_face;
  assert.deepEqual(missing(without, codes), ['errors.no_face'], 'a missing entry is noticed');
  for (const [group, list] of Object.entries(NEVER_SHOWN)) {
    for (const code of Object.keys(list)) assert.ok(!(code in (CATALOGUE[group] || {})), `${group}.${code}`);
  }
});

test('the pages read the codes\' words from the catalogue', () => {
  assert.equal(STRINGS.en.errRevoked, word('errors', 'invitation_revoked', 'en', 'guest'));
  assert.equal(STRINGS.zh.deskErrBusy, word('errors', 'engines_busy', 'zh', 'desk'));
  assert.equal(STRINGS.zh.notRecognised, CATALOGUE.face_statuses.not_recognised.zh);
  assert.equal(STRINGS.en.problemBlurry, CATALOGUE.quality_problems.blurry.guest.en);
  assert.equal(word('errors', 'no_face', 'xx'), CATALOGUE.errors.no_face.en, 'English for other languages');
  assert.equal(word('errors', 'no_face', 'zh', 'desk'), CATALOGUE.errors.no_face.zh, 'general without a variant');
  assert.equal(word('errors', 'nope', 'zh'), null);
});
