import test from 'node:test';
import assert from 'node:assert/strict';
import {
  readDeskToken, deskTokenFromHash, deskError, describeDeskError, ERROR_KEYS, parseScannerInput,
  describeCodeCheckin, deskCounts, walkInPayload, describeWalkIn, DESK_TOKEN_RE,
} from '../desk-logic.js';
import { ApiError } from '../api.js';
import { STRINGS, translate } from '../i18n.js';
import { formatClock } from '../format.js';

const TOKEN = `dk_${'aB3-_'.repeat(8)}xyz`; // 43 characters after the prefix
const CODE = 'ivabcdefghijklmnopqrstuv23';
const NOW = 1767230000;

test('a desk token comes from the fragment, is checked for shape, and a pasted link works', () => {
  assert.ok(DESK_TOKEN_RE.test(TOKEN));
  assert.deepEqual(deskTokenFromHash(`#token=${TOKEN}`), { token: TOKEN });
  assert.deepEqual(deskTokenFromHash(`#lang=zh&token=${TOKEN}`), { token: TOKEN });
  assert.equal(deskTokenFromHash(''), null);
  assert.equal(deskTokenFromHash('#token='), null);
  assert.deepEqual(deskTokenFromHash(`#token=kt_${'a'.repeat(43)}`), { problem: 'deskTokenIsKiosk' });
  assert.deepEqual(readDeskToken(`  ${TOKEN}\n`), { token: TOKEN });
  assert.deepEqual(readDeskToken(`https://checkin.example/desk.html#token=${TOKEN}`), { token: TOKEN });
  assert.deepEqual(readDeskToken('kt_whatever'), { problem: 'deskTokenIsKiosk' });
  assert.deepEqual(readDeskToken(`ak_${'a'.repeat(43)}`), { problem: 'deskTokenInvalid' });
  assert.deepEqual(readDeskToken('dk_short'), { problem: 'deskTokenInvalid' });
  assert.deepEqual(readDeskToken(`${TOKEN}x`), { problem: 'deskTokenInvalid' });
  assert.deepEqual(readDeskToken(''), { problem: 'deskTokenInvalid' });
});

test('every error code the desk can meet has its own message in both languages', () => {
  const cases = [
    [401, 'unauthorized', 'deskErrUnauthorized'],
    [401, 'kiosk_event_not_open', 'deskErrEventNotOpen'],
    [401, 'kiosk_event_over', 'deskErrEventOver'],
    [403, 'forbidden', 'deskErrForbidden'],
    [404, 'not_found', 'deskErrNotFound'],
    [404, 'invitation_not_found', 'deskErrInvitationNotFound'],
    [409, 'checkin_closed', 'deskErrCheckinClosed'],
    [409, 'checkin_not_yet_open', 'deskErrCheckinNotYet'],
    [410, 'invitation_expired', 'deskErrInvitationExpired'],
    [410, 'invitation_revoked', 'deskErrInvitationRevoked'],
    [429, 'rate_limited', 'deskErrRateLimited'],
    [400, 'missing_field', 'deskErrMissingField'],
    [0, 'network', 'deskErrOffline'],
    [0, 'timeout', 'deskErrOffline'],
  ];
  for (const [status, code, key] of cases) {
    assert.equal(deskError(new ApiError(status, code, 'm')).key, key, code);
    assert.equal(ERROR_KEYS[code], key);
    assert.ok(STRINGS.en[key] && STRINGS.zh[key], `${key} in both languages`);
    assert.notEqual(STRINGS.en[key], STRINGS.zh[key], `${key} is translated`);
  }
  for (const key of Object.values(ERROR_KEYS)) assert.ok(STRINGS.zh[key], key);
});

test('only a refused token sends the staff back to the token form', () => {
  assert.equal(deskError(new ApiError(401, 'unauthorized', 'no')).fatal, true);
  assert.equal(deskError(new ApiError(401, 'http_401', 'no')).fatal, true, 'a 401 without a known code');
  assert.equal(deskError(new ApiError(401, 'kiosk_event_over', 'over')).fatal, false, 'the token is fine');
  assert.equal(deskError(new ApiError(401, 'kiosk_event_not_open', 'draft')).fatal, false);
  assert.equal(deskError(new ApiError(403, 'forbidden', 'no')).fatal, false);
  assert.equal(deskError(new ApiError(0, 'network', 'x')).fatal, false);
});

test('unknown codes fall back by status, with the server message as detail in English only', () => {
  assert.equal(deskError(new ApiError(404, 'http_404', 'Not Found')).key, 'deskErrNotFound');
  assert.equal(deskError(new ApiError(410, 'gone', 'Gone')).key, 'deskErrInvitationExpired');
  assert.equal(deskError(new ApiError(503, 'busy', 'later')).key, 'deskErrBusy');
  const invalid = describeDeskError(new ApiError(400, 'invalid_parameter', 'search is too long'), 'en');
  assert.equal(invalid.key, 'deskErrInvalid');
  assert.equal(invalid.text, 'The server refused this input (search is too long).');
  assert.equal(describeDeskError(new ApiError(500, 'internal', 'boom'), 'en').text, 'Something went wrong (boom).');
  // Chinese never shows the server's English sentence: the code's words from
  // the shared catalogue, else the bare code.
  const other = describeDeskError(new ApiError(500, 'internal', 'boom'), 'zh');
  assert.equal(other.text, '出错了（internal）。');
  assert.equal(describeDeskError(new ApiError(400, 'invalid_parameter', 'search is too long'), 'zh').text,
    '服务器拒绝了此输入（请求有误，请重试）。');
  assert.equal(describeDeskError(new TypeError('x'), 'en').key, 'deskErrOffline', 'no status: treated as offline');
});

test('what a USB scanner types becomes an invitation code (via the invite-code parser)', () => {
  assert.equal(parseScannerInput(CODE), CODE);
  assert.equal(parseScannerInput(`${CODE}\r\n`), CODE, 'the Enter a scanner sends');
  assert.equal(parseScannerInput(`https://checkin.example/invite/${CODE}`), CODE);
  assert.equal(parseScannerInput(`  http://10.0.0.5:8080/invite/${CODE}/ `), CODE);
  assert.equal(parseScannerInput(CODE.toUpperCase()), CODE, 'caps lock on the scanner');
  assert.equal(parseScannerInput(`HTTPS://CHECKIN.EXAMPLE/INVITE/${CODE.toUpperCase()}`), CODE);
  assert.equal(parseScannerInput('ivshort'), null);
  assert.equal(parseScannerInput('https://example.com/menu'), null);
  assert.equal(parseScannerInput('WIFI:S:guest;;'), null);
  assert.equal(parseScannerInput('Alice Wang'), null);
  assert.equal(parseScannerInput(''), null);
  assert.equal(parseScannerInput(undefined), null);
});

test('a code or manual check-in answer says who, and whether it was already done', () => {
  const alice = { id: 7, name: 'Alice Wang', organisation: 'ACME', title: 'CTO' };
  const done = describeCodeCheckin({ status: 'checked_in', person: alice, checked_in_at: NOW, method: 'qr' });
  assert.equal(done.kind, 'checked_in');
  assert.equal(done.personId, 7);
  assert.equal(done.method, 'qr');
  assert.equal(translate('en', done.key, done.vars), 'Alice Wang is checked in.');
  assert.equal(translate('zh', done.key, done.vars), 'Alice Wang 已签到。');
  const again = describeCodeCheckin({ status: 'already_checked_in', person: alice, checked_in_at: NOW, method: 'face' });
  assert.equal(again.kind, 'already');
  assert.equal(translate('en', again.key, again.vars), `Alice Wang was already checked in at ${formatClock(NOW)}.`);
  assert.equal(again.method, 'face');
});

test('the header counts say checked-in of registered, and by method', () => {
  const raw = { registered: 120, checked_in: 45, by_method: { face: 30, qr: 10, manual: 5 } };
  const en = deskCounts(raw, 'en');
  assert.equal(en.text, '45 / 120 checked in');
  assert.equal(en.methodText, 'face 30 · QR 10 · desk 5');
  assert.deepEqual(en.byMethod, { face: 30, qr: 10, manual: 5 });
  const zh = deskCounts(raw, 'zh');
  assert.equal(zh.text, '已签到 45 / 120');
  assert.equal(zh.methodText, '人脸 30 · 二维码 10 · 服务台 5');
  const old = deskCounts({ registered: 3, checked_in: 1 }, 'en');
  assert.equal(old.methodText, 'face 0 · QR 0 · desk 0', 'an older server without by_method');
  assert.equal(deskCounts(null, 'en').text, '0 / 0 checked in');
});

test('the walk-in form needs a name, checks an email loosely and trims everything', () => {
  const blank = walkInPayload({ name: '   ', email: '' });
  assert.equal(blank.payload, null);
  assert.deepEqual(blank.errors, { name: 'deskWalkInNameRequired' });
  const badEmail = walkInPayload({ name: 'Bob', email: '13800138000' });
  assert.deepEqual(badEmail.errors, { email: 'deskWalkInEmailInvalid' });
  assert.equal(badEmail.payload, null);
  const ok = walkInPayload({
    name: ' 李雷 ', organisation: ' ACME ', title: '', phone: ' 138 0013 8000 ', email: ' li@example.cn ', checkIn: true,
  });
  assert.deepEqual(ok.errors, {});
  assert.deepEqual(ok.payload, {
    name: '李雷', organisation: 'ACME', title: '', phone: '138 0013 8000', email: 'li@example.cn', check_in: true,
  });
  assert.equal(walkInPayload({ name: 'Bob', checkIn: 'yes' }).payload.check_in, false, 'only a real true checks in');
  assert.deepEqual(walkInPayload().errors, { name: 'deskWalkInNameRequired' });
  for (const key of ['deskWalkInNameRequired', 'deskWalkInEmailInvalid']) assert.ok(STRINGS.zh[key] && STRINGS.en[key]);
});

test('a walk-in answer gives the link its QR code shows', () => {
  const body = {
    person: { id: 9, name: 'Bob' },
    invitation: { person_id: 9, name: 'Bob', code: CODE, url: `https://checkin.example/invite/${CODE}` },
    checked_in_at: NOW,
  };
  const view = describeWalkIn(body, 'http://ignored');
  assert.equal(view.url, `https://checkin.example/invite/${CODE}`);
  assert.equal(view.personId, 9);
  assert.equal(view.checkedIn, true);
  assert.equal(translate('en', view.key, { name: view.name }), 'Bob was added and checked in.');
  const noUrl = describeWalkIn({ person: { id: 9, name: 'Bob' }, invitation: { code: CODE } }, 'http://localhost:8080/');
  assert.equal(noUrl.url, `http://localhost:8080/invite/${CODE}`, 'built from the code');
  assert.equal(noUrl.key, 'deskWalkInAdded');
  assert.equal(describeWalkIn({}, 'x').url, '');
});
