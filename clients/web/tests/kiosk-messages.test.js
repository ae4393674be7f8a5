import test from 'node:test';
import assert from 'node:assert/strict';
import {
  describeCheckin, describeError, createStreak, createRecentMemory, tokenFromHash, boxTone, WELCOME_MS, ALREADY_MS,
} from '../kiosk-logic.js';
import { pickLanguage, translate, bilingualGreeting, STRINGS } from '../i18n.js';
import { cameraErrorKey, captureSize } from '../camera.js';
import { ApiError } from '../api.js';

const alice = { id: 7, name: 'Alice Wang', organisation: 'ACME', title: 'CTO' };
const bob = { id: 8, name: '李雷', organisation: '', title: '' };
const face = (status, person) => ({ box: [1, 2, 3, 4], status, ...(person ? { person } : {}) });
const response = (...faces) => ({ faces, width: 640, height: 480, threshold: 0.45 });

test('a new check-in shows the welcome card with the name, in both languages', () => {
  const en = describeCheckin(response(face('checked_in', alice)), 'en');
  assert.equal(en.kind, 'welcome');
  assert.equal(en.title, 'Welcome / 欢迎');
  assert.equal(en.text, 'Alice Wang');
  assert.equal(en.detail, 'You are checked in');
  assert.equal(en.holdMs, WELCOME_MS);
  assert.deepEqual(en.people, [alice]);

  const zh = describeCheckin(response(face('checked_in', alice)), 'zh');
  assert.equal(zh.title, '欢迎 / Welcome');
  assert.equal(zh.text, 'Alice Wang');
  assert.equal(zh.detail, '签到成功');
});

test('already checked in says so with the name', () => {
  const en = describeCheckin(response(face('already_checked_in', bob)), 'en');
  assert.equal(en.kind, 'already');
  assert.equal(en.text, '李雷, you are already checked in');
  assert.equal(en.holdMs, ALREADY_MS);
  assert.equal(describeCheckin(response(face('already_checked_in', bob)), 'zh').text, '李雷，您已签到');
});

test('an unknown face is sent to the desk; a small face is asked to come closer', () => {
  const nr = describeCheckin(response(face('not_recognised')), 'en');
  assert.equal(nr.kind, 'not_recognised');
  assert.equal(nr.text, 'Not recognised, please see the desk');
  assert.equal(nr.holdMs, 0);
  assert.equal(describeCheckin(response(face('not_recognised')), 'zh').text, '未能识别，请到服务台办理');
  assert.equal(describeCheckin(response(face('too_small')), 'en').text, 'Please step closer to the camera');
  assert.equal(describeCheckin(response(face('too_small')), 'zh').text, '请靠近摄像头');
});

test('no face (or a malformed answer) shows the idle prompt', () => {
  for (const r of [response(), {}, null, { faces: 'x' }]) {
    const v = describeCheckin(r, 'en');
    assert.equal(v.kind, 'idle');
    assert.equal(v.text, 'Please look at the camera to check in');
  }
  assert.equal(describeCheckin(response(), 'zh').text, '请看向摄像头完成签到');
});

test('with several faces a new check-in wins, and everyone checked in is greeted', () => {
  const r = response(face('not_recognised'), face('checked_in', alice), face('already_checked_in', bob),
    face('checked_in', bob));
  const en = describeCheckin(r, 'en');
  assert.equal(en.kind, 'welcome');
  assert.equal(en.text, 'Alice Wang, 李雷');
  assert.equal(describeCheckin(r, 'zh').text, 'Alice Wang、李雷');
  assert.equal(describeCheckin(response(face('too_small'), face('already_checked_in', bob)), 'en').kind, 'already');
  assert.equal(describeCheckin(response(face('too_small'), face('not_recognised')), 'en').kind, 'not_recognised');
});

test('errors: offline retries with back-off, auth is fatal, busy and closed retry', () => {
  const offline = new ApiError(0, 'network', 'The server could not be reached');
  const v1 = describeError(offline, 'en', 1);
  assert.equal(v1.kind, 'offline');
  assert.equal(v1.fatal, false);
  assert.equal(v1.text, 'Cannot reach the server. Retrying automatically…');
  assert.ok(describeError(offline, 'en', 3).retryMs > v1.retryMs);
  assert.equal(describeError(offline, 'zh').text, '无法连接服务器，正在自动重试…');

  for (const status of [401, 403]) {
    const v = describeError(new ApiError(status, 'unauthorized', 'no'), 'en');
    assert.equal(v.kind, 'auth');
    assert.equal(v.fatal, true);
  }
  for (const status of [429, 503]) {
    const v = describeError(new ApiError(status, 'busy', 'busy'), 'zh');
    assert.equal(v.kind, 'busy');
    assert.equal(v.text, '服务器繁忙，正在重试…');
    assert.ok(v.retryMs >= 2000);
  }
  const closed = describeError(new ApiError(409, 'checkin_closed', 'x'), 'en');
  assert.equal(closed.kind, 'closed');
  assert.equal(closed.text, 'Check-in is closed for this event');
  assert.equal(describeError(new ApiError(409, 'checkin_not_yet_open', 'x'), 'zh').text, '签到尚未开始');
  // A valid token whose event is not open: wait for it, keep the token.
  const over = describeError(new ApiError(401, 'kiosk_event_over', 'x'), 'en');
  assert.equal(over.kind, 'closed');
  assert.equal(over.fatal, false);
  assert.equal(over.text, 'Check-in is closed for this event');
  const draft = describeError(new ApiError(401, 'kiosk_event_not_open', 'x'), 'en');
  assert.equal(draft.fatal, false);
  assert.equal(draft.text, 'Check-in has not opened yet');
  const other = describeError(new ApiError(415, 'unsupported_media_type', 'Unsupported image format'), 'en');
  assert.equal(other.kind, 'error');
  assert.equal(other.text, 'Something went wrong (Unsupported image format). Retrying…');
  // In Chinese, the code's words from the shared catalogue, not the server's English.
  assert.equal(describeError(new ApiError(415, 'unsupported_media_type', 'Unsupported image format'), 'zh').text,
    '出错了（照片格式不支持，请重新拍照），正在重试…');
});

test('someone just welcomed is not told "already checked in" while still in frame', () => {
  let t = 0;
  const memory = createRecentMemory(20000, () => t);
  memory.remember([bob.id]);
  const quiet = (id) => memory.has(id);
  assert.equal(describeCheckin(response(face('already_checked_in', bob)), 'en', { quiet }).kind, 'idle');
  // Another person's "already" still shows.
  assert.equal(describeCheckin(response(face('already_checked_in', bob), face('already_checked_in', alice)), 'en', { quiet }).text,
    'Alice Wang, you are already checked in');
  t = 20001;
  assert.equal(describeCheckin(response(face('already_checked_in', bob)), 'en', { quiet }).kind, 'already');
  assert.equal(memory.has(undefined), false);
});

test('a "not recognised" verdict is only shown once it repeats', () => {
  const s = createStreak(2);
  assert.equal(s.push('not_recognised'), false);
  assert.equal(s.push('not_recognised'), true);
  assert.equal(s.push('idle'), false);
  assert.equal(s.push('not_recognised'), false);
  s.reset();
  assert.equal(s.push('not_recognised'), false);
});

test('box colours follow the status', () => {
  assert.equal(boxTone('checked_in'), 'ok');
  assert.equal(boxTone('already_checked_in'), 'info');
  assert.equal(boxTone('not_recognised'), 'bad');
  assert.equal(boxTone('too_small'), 'neutral');
});

test('the token comes from the URL fragment', () => {
  assert.equal(tokenFromHash('#token=kt_abc-_123'), 'kt_abc-_123');
  assert.equal(tokenFromHash('#lang=zh&token=kt_x'), 'kt_x');
  assert.equal(tokenFromHash('#token='), null);
  assert.equal(tokenFromHash(''), null);
  assert.equal(tokenFromHash(undefined), null);
});

test('the default language follows the browser; everything has both translations', () => {
  assert.equal(pickLanguage(['zh-CN', 'en']), 'zh');
  assert.equal(pickLanguage(['zh-TW']), 'zh');
  assert.equal(pickLanguage('zh'), 'zh');
  assert.equal(pickLanguage(['en-GB', 'zh-CN']), 'en');
  assert.equal(pickLanguage(['fr-FR']), 'en');
  assert.equal(pickLanguage([]), 'en');
  assert.deepEqual(Object.keys(STRINGS.zh).sort(), Object.keys(STRINGS.en).sort());
  assert.equal(translate('en', 'cameraError', { detail: 'busy' }), 'The camera could not be started (busy). Retrying…');
  assert.equal(translate('xx', 'idle'), STRINGS.en.idle);
  assert.equal(bilingualGreeting('zh'), '欢迎 / Welcome');
});

test('camera failures map to messages the guest can act on', () => {
  assert.equal(cameraErrorKey({ name: 'NotAllowedError' }), 'cameraDenied');
  assert.equal(cameraErrorKey({ name: 'SecurityError' }), 'cameraDenied');
  assert.equal(cameraErrorKey({ name: 'NotFoundError' }), 'cameraMissing');
  assert.equal(cameraErrorKey({ name: 'NotReadableError' }), 'cameraError');
  assert.equal(translate('zh', 'cameraDenied'), '摄像头权限被拒绝。请允许本页面使用摄像头，系统会自动重试。');
});

test('frames are scaled down to at most 640 px wide, keeping the aspect ratio', () => {
  assert.deepEqual(captureSize(1280, 720, 640), { width: 640, height: 360 });
  assert.deepEqual(captureSize(320, 240, 640), { width: 320, height: 240 });
  assert.equal(captureSize(0, 0, 640), null);
});
