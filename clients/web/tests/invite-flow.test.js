import test from 'node:test';
import assert from 'node:assert/strict';
import {
  guestView, consentParagraphs, guestError, problemSentences, eventWhen,
} from '../invite-flow.js';
import { ApiError } from '../api.js';
import { translate } from '../i18n.js';

const at930 = Math.floor(new Date(2025, 4, 17, 9, 30).getTime() / 1000);
const invitation = (over = {}) => ({
  event: { id: 1, name: 'Gala', venue: 'Hall 1', starts_at: at930, ends_at: at930 + 8 * 3600 },
  attendee: { name: '李雷' },
  consent: { text: '', version: 1, state: 'pending', answered_at: null },
  face: { enrolled: false },
  checked_in_at: null,
  expires_at: at930 + 86400,
  ...over,
});
const consent = (state) => ({ text: '', version: 1, state, answered_at: state === 'pending' ? null : at930 });

test('pending: the consent question; nothing to withdraw yet', () => {
  const v = guestView(invitation());
  assert.equal(v.step, 'consent');
  assert.equal(v.statusKey, 'statusInvited');
  assert.equal(v.canWithdraw, false);
  assert.equal(v.checkedIn, false);
});

test('declined: the QR/desk step, and the consent text again on request', () => {
  const declined = invitation({ consent: consent('declined') });
  assert.equal(guestView(declined).step, 'declined');
  assert.equal(guestView(declined).canWithdraw, false);
  assert.equal(guestView(declined, { reviewConsent: true }).step, 'consent');
  assert.equal(guestView(invitation(), { reviewConsent: true }).step, 'consent');
});

test('accepted without a face: the selfie; with a face: enrolled; both may withdraw', () => {
  const accepted = invitation({ consent: consent('accepted') });
  assert.equal(guestView(accepted).step, 'selfie');
  assert.equal(guestView(accepted).canWithdraw, true);
  const enrolled = invitation({ consent: consent('accepted'), face: { enrolled: true } });
  assert.deepEqual([guestView(enrolled).step, guestView(enrolled).statusKey], ['enrolled', 'statusEnrolled']);
  assert.equal(guestView(enrolled).canWithdraw, true);
  // reviewConsent only matters to a guest who declined.
  assert.equal(guestView(enrolled, { reviewConsent: true }).step, 'enrolled');
});

test('checked in: done, with the time; a registered face can still be deleted', () => {
  for (const state of ['pending', 'declined', 'accepted']) {
    const v = guestView(invitation({ consent: consent(state), checked_in_at: at930 }));
    assert.equal(v.step, 'checked_in', state);
    assert.equal(v.statusKey, 'statusCheckedIn');
    assert.deepEqual(v.statusVars, { time: '09:30' });
  }
  const v = guestView(invitation({ consent: consent('accepted'), face: { enrolled: true }, checked_in_at: at930 }));
  assert.equal(v.canWithdraw, true);
  assert.equal(translate('en', v.statusKey, v.statusVars), 'Checked in at 09:30');
  assert.equal(translate('zh', v.statusKey, v.statusVars), '已于 09:30 签到');
});

test('a missing or odd invitation falls back to the consent question', () => {
  assert.equal(guestView(null).step, 'consent');
  assert.equal(guestView({ consent: { state: 'weird' } }).step, 'consent');
});

test('the event\'s own consent text wins; empty means the default, in the guest\'s language', () => {
  assert.deepEqual(consentParagraphs('We keep it.\n\nUntil June.\n', 'zh'), ['We keep it.', 'Until June.']);
  for (const lang of ['en', 'zh']) {
    const paragraphs = consentParagraphs('  ', lang);
    assert.equal(paragraphs.length, 4, lang);
    assert.deepEqual(consentParagraphs(null, lang), paragraphs);
  }
  const en = consentParagraphs('', 'en').join(' ');
  // What is stored, for what, how long, withdrawal, declining.
  for (const words of ['face template', 'not the photo', 'this event', 'deleted after the event',
    'retention period', 'withdraw at any time', 'QR code', 'desk']) {
    assert.ok(en.includes(words), words);
  }
  const zh = consentParagraphs('', 'zh').join('');
  for (const words of ['人脸模板', '而不是照片', '本次活动', '活动结束后', '保存期限', '随时', '撤回', '二维码', '服务台']) {
    assert.ok(zh.includes(words), words);
  }
});

test('quality problem codes become sentences; unknown codes and repeats are dropped', () => {
  const all = ['too_small', 'out_of_frame', 'blurry', 'too_dark', 'too_bright', 'turned_away', 'tilted'];
  for (const lang of ['en', 'zh']) {
    const sentences = problemSentences(all, lang);
    assert.equal(sentences.length, 7, lang);
    assert.equal(new Set(sentences).size, 7);
    for (const s of sentences) assert.doesNotMatch(s, /^problem/, 'a catalogue key leaked');
  }
  assert.deepEqual(problemSentences(['blurry', 'new_code', 'blurry'], 'en'), ['Hold still: the photo is blurry.']);
  assert.deepEqual(problemSentences(['too_dark'], 'zh'), ['太暗了：请到光线更好的地方。']);
  assert.deepEqual(problemSentences(undefined, 'en'), []);
});

const err = (status, code, details = null) => new ApiError(status, code, `server says ${code}`, details);

test('errors map to catalogue keys and what the page should do', () => {
  const cases = [
    [err(404, 'invitation_not_found'), 'errNotFound', 'fatal'],
    [err(404, 'not_found'), 'errNotFound', 'fatal'],
    [err(410, 'invitation_expired'), 'errExpired', 'fatal'],
    [err(410, 'invitation_revoked'), 'errRevoked', 'fatal'],
    [err(410, 'gone'), 'errExpired', 'fatal'],
    [err(409, 'consent_version_changed'), 'errConsentChanged', 'reload'],
    [err(403, 'consent_required'), 'errConsentRequired', 'reload'],
    [err(422, 'no_face'), 'errNoFace', 'retake'],
    [err(422, 'several_faces'), 'errSeveralFaces', 'retake'],
    [err(422, 'poor_quality'), 'errPoorQuality', 'retake'],
    [err(409, 'possible_duplicate'), 'errDuplicate', 'stop'],
    [err(429, 'rate_limited'), 'errRateLimited', 'retry'],
    [err(429, 'too_many_requests'), 'errRateLimited', 'retry'],
    [new ApiError(0, 'network', 'unreachable'), 'errOffline', 'retry'],
    [err(500, 'internal'), 'errGeneric', 'retry'],
  ];
  for (const [error, key, action] of cases) {
    for (const lang of ['en', 'zh']) {
      const view = guestError(error, lang);
      assert.equal(view.key, key, `${error.code} ${lang}`);
      assert.equal(view.action, action, error.code);
      // The server's English sentence is a detail in English only.
      const detail = lang === 'en' ? error.message : error.code;
      assert.equal(view.text, translate(lang, key, { detail }));
      assert.notEqual(view.text, key, 'the key has a translation');
    }
  }
  assert.equal(guestError(err(410, 'invitation_revoked'), 'en').text,
    'This invitation was withdrawn by the organiser. Please check in at the desk.');
  assert.equal(guestError(err(410, 'invitation_revoked'), 'zh').text, '此邀请已被主办方撤销。请到服务台签到。');
  assert.match(guestError(err(500, 'internal'), 'en').text, /server says internal/);
  assert.doesNotMatch(guestError(err(500, 'internal'), 'zh').text, /server says/);
});

test('a poor-quality refusal carries the problems in the guest\'s language', () => {
  const error = err(422, 'poor_quality', { quality: { problems: ['too_small', 'tilted'], face_px: 40 } });
  assert.deepEqual(guestError(error, 'en').problems,
    ['Come closer: your face is too small.', 'Hold your head upright.']);
  assert.deepEqual(guestError(error, 'zh').problems, ['请靠近一些：面部太小。', '请保持头部端正。']);
  assert.deepEqual(guestError(err(422, 'poor_quality'), 'en').problems, []);
  assert.deepEqual(guestError(err(422, 'no_face', { quality: { problems: ['blurry'] } }), 'en').problems, []);
});

test('the event date reads in the guest\'s language, one date for a one-day event', () => {
  const ev = invitation().event;
  const en = eventWhen(ev, 'en');
  assert.match(en, /17 May 2025/);
  assert.match(en, /09:30/);
  assert.match(en, /17:30/);
  assert.equal(en.match(/2025/g).length, 1);
  const zh = eventWhen(ev, 'zh');
  assert.match(zh, /2025年5月17日/);
  assert.match(zh, /09:30/);
  assert.match(eventWhen({ ...ev, ends_at: ev.starts_at + 2 * 86400 }, 'en'), /19 May 2025/);
  assert.equal(eventWhen({}, 'en'), '');
  assert.match(eventWhen({ starts_at: ev.starts_at }, 'en'), /09:30/);
});
