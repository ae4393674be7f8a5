import test from 'node:test';
import assert from 'node:assert/strict';
import {
  shouldScan, createQrGate, qrCheckinResponse, describeQrError, QR_SCAN_INTERVAL_MS, QR_DEDUPE_MS,
} from '../kiosk-qr.js';
import { describeCheckin } from '../kiosk-logic.js';
import { ApiError } from '../api.js';

const CODE = 'ivabcdefghijklmnopqrstuv23';
const URL_TEXT = `https://checkin.example/invite/${CODE}`;
const alice = { id: 7, name: 'Alice Wang', organisation: 'ACME', title: 'CTO' };

test('at most ~4 scans a second', () => {
  assert.ok(QR_SCAN_INTERVAL_MS >= 250);
  assert.ok(QR_DEDUPE_MS >= 3000 && QR_DEDUPE_MS <= 10000, 'a few seconds');
});

test('frames are scanned only while the kiosk runs and nothing is in flight', () => {
  const idle = { running: true, hidden: false, faceInFlight: false, qrInFlight: false, challengeActive: false };
  assert.equal(shouldScan(idle), true);
  assert.equal(shouldScan({ ...idle, running: false }), false, 'stopped (token form, no camera)');
  assert.equal(shouldScan({ ...idle, hidden: true }), false, 'tab hidden');
  assert.equal(shouldScan({ ...idle, faceInFlight: true }), false, 'a face check-in is out');
  assert.equal(shouldScan({ ...idle, qrInFlight: true }), false, 'a QR check-in is out');
  assert.equal(shouldScan({ ...idle, challengeActive: true }), false, 'liveness challenge');
  assert.equal(shouldScan(), false);
});

test('only invitations pass the gate, and the same code once per few seconds', () => {
  let now = 1000;
  const gate = createQrGate({ dedupeMs: 6000, now: () => now });
  assert.equal(gate.accept('WIFI:S:guest;;'), null);
  assert.equal(gate.accept('https://example.com/menu'), null);
  assert.equal(gate.accept(URL_TEXT), CODE);
  now += 250;
  assert.equal(gate.accept(URL_TEXT), null, 'the next frame of the same phone');
  assert.equal(gate.accept(CODE), null, 'the bare code is the same invitation');
  const other = 'iv222222222222222222222222';
  assert.equal(gate.accept(other), other, 'another guest right behind is not held up');
  now += 6000;
  assert.equal(gate.accept(URL_TEXT), CODE, 'after the window the code is tried again');
});

test('a QR check-in shows the welcome card like a face check-in', () => {
  const response = qrCheckinResponse({ status: 'checked_in', person: alice, checked_in_at: 1767230000, method: 'qr' });
  assert.equal(response.method, 'qr');
  const en = describeCheckin(response, 'en');
  assert.equal(en.kind, 'welcome');
  assert.equal(en.text, 'Alice Wang');
  assert.equal(en.detail, 'You are checked in');
  assert.deepEqual(en.people, [alice]);
  assert.equal(describeCheckin(response, 'zh').detail, '签到成功');
  const again = describeCheckin(qrCheckinResponse({ status: 'already_checked_in', person: alice }), 'en');
  assert.equal(again.kind, 'already');
  assert.equal(again.text, 'Alice Wang, you are already checked in');
  assert.equal(describeCheckin(qrCheckinResponse({}), 'en').kind, 'idle');
});

test('invitation refusals change the status line; the rest is handled as for faces', () => {
  const cases = [
    [new ApiError(404, 'invitation_not_found', 'x'), 'qr_not_found',
      'This QR code is not an invitation to this event. Please see the desk.', '此二维码不是本活动的邀请。请到服务台办理。'],
    [new ApiError(410, 'invitation_expired', 'x'), 'qr_expired',
      'This invitation has expired. Please see the desk.', '此邀请已过期。请到服务台办理。'],
    [new ApiError(410, 'invitation_revoked', 'x'), 'qr_revoked',
      'This invitation was withdrawn. Please see the desk.', '此邀请已被撤销。请到服务台办理。'],
    [new ApiError(404, 'not_found', 'x'), 'qr_not_found', null, null],
  ];
  for (const [error, kind, en, zh] of cases) {
    assert.equal(describeQrError(error, 'en').kind, kind);
    assert.equal(describeQrError(error, 'en').fatal, false);
    if (en) assert.equal(describeQrError(error, 'en').text, en);
    if (zh) assert.equal(describeQrError(error, 'zh').text, zh);
  }
  assert.equal(describeQrError(new ApiError(409, 'checkin_closed', 'x'), 'en').kind, 'closed');
  assert.equal(describeQrError(new ApiError(409, 'checkin_not_yet_open', 'x'), 'zh').text, '签到尚未开始');
  assert.equal(describeQrError(new ApiError(429, 'rate_limited', 'x'), 'en').kind, 'busy');
  assert.equal(describeQrError(new ApiError(0, 'network', 'x'), 'en').kind, 'offline');
  const revokedToken = describeQrError(new ApiError(401, 'unauthorized', 'x'), 'en');
  assert.equal(revokedToken.fatal, true, 'a revoked kiosk token still stops the kiosk');
});
