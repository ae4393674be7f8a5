import test from 'node:test';
import assert from 'node:assert/strict';
import {
  searchPlan, createDebouncer, resultsFrom, deskRow, consentLabel, methodLabel, applyCheckin, searchStatus,
  SEARCH_DEBOUNCE_MS, SEARCH_MAX_BYTES,
} from '../desk-search.js';
import { translate } from '../i18n.js';
import { formatClock } from '../format.js';
import { createFakeClock } from './fake-timers.js';

const CODE = 'ivabcdefghijklmnopqrstuv23';
const NOW = 1767230000;
const attendee = (over = {}) => ({
  person_id: 7, name: 'Alice Wang', organisation: 'ACME', title: 'CTO', phone: '+86 138 0000 0000',
  email: 'alice@example.org', face_enrolled: false, consent: 'pending', checked_in_at: null, method: null, ...over,
});

test('the search box decides: clear, search, skip a repeat, or an invitation code', () => {
  assert.deepEqual(searchPlan(''), { action: 'clear' });
  assert.deepEqual(searchPlan('   '), { action: 'clear' });
  assert.deepEqual(searchPlan(' alice '), { action: 'search', query: 'alice' });
  assert.deepEqual(searchPlan('alice ', 'alice'), { action: 'skip', query: 'alice' }, 'a trailing space is no new search');
  assert.deepEqual(searchPlan('alic', 'alice'), { action: 'search', query: 'alic' });
  assert.deepEqual(searchPlan('李'), { action: 'search', query: '李' }, 'one Chinese character is a name');
  assert.deepEqual(searchPlan(CODE), { action: 'code', code: CODE }, 'a scanner typed into the search box');
  assert.deepEqual(searchPlan(`https://checkin.example/invite/${CODE}`), { action: 'code', code: CODE });
  assert.equal(searchPlan('https://example.com/x').action, 'search');
});

test('a long query is cut to what the server accepts, counted in UTF-8 bytes', () => {
  const plan = searchPlan('张'.repeat(100)); // 300 bytes
  assert.equal(plan.action, 'search');
  assert.ok(new TextEncoder().encode(plan.query).length <= SEARCH_MAX_BYTES);
  assert.equal(plan.query, '张'.repeat(66));
  assert.equal(searchPlan('a'.repeat(250)).query.length, 200);
});

test('typing searches once, ~250 ms after the last keystroke; Enter searches at once', async () => {
  assert.ok(SEARCH_DEBOUNCE_MS >= 200 && SEARCH_DEBOUNCE_MS <= 400);
  const clock = createFakeClock();
  const runs = [];
  const d = createDebouncer((q) => runs.push([clock.now(), q]), SEARCH_DEBOUNCE_MS, clock.timers);
  d.call('a');
  await clock.advance(100);
  d.call('al');
  await clock.advance(100);
  d.call('ali');
  assert.equal(d.pending, true);
  await clock.advance(249);
  assert.deepEqual(runs, []);
  await clock.advance(1);
  assert.deepEqual(runs, [[450, 'ali']]);
  assert.equal(d.pending, false);
  d.call('alice');
  d.flush();
  assert.deepEqual(runs.at(-1), [450, 'alice'], 'flush runs now');
  await clock.advance(1000);
  assert.equal(runs.length, 2, 'and not again later');
  d.call('bob');
  d.cancel();
  await clock.advance(1000);
  assert.equal(runs.length, 2, 'cancel drops it');
  d.flush();
  assert.equal(runs.length, 2, 'flush with nothing pending does nothing');
});

test('results come from {attendees, total}; total is at least the rows shown', () => {
  assert.deepEqual(resultsFrom({ attendees: [attendee()], total: 80 }), { attendees: [attendee()], total: 80 });
  assert.equal(resultsFrom({ attendees: [attendee(), attendee()] }).total, 2);
  assert.deepEqual(resultsFrom(null), { attendees: [], total: 0 });
});

test('a guest not checked in gets "Check in"; a checked-in one gets "Undo"', () => {
  const en = deskRow(attendee(), 'en');
  assert.equal(en.action, 'checkin');
  assert.equal(en.actionText, 'Check in');
  assert.equal(en.actionLabel, 'Check in Alice Wang');
  assert.equal(en.checkedIn, false);
  assert.equal(en.checkedInText, 'not yet');
  assert.equal(en.method, null);
  assert.equal(deskRow(attendee(), 'zh').actionText, '签到');
  assert.equal(deskRow(attendee(), 'zh').checkedInText, '未签到');

  const done = attendee({ checked_in_at: NOW, method: 'face', face_enrolled: true, consent: 'accepted' });
  const row = deskRow(done, 'en');
  assert.equal(row.action, 'undo');
  assert.equal(row.actionText, 'Undo');
  assert.equal(row.actionLabel, 'Undo the check-in of Alice Wang');
  assert.equal(row.checkedInText, `${formatClock(NOW)} (face)`);
  assert.equal(row.time, formatClock(NOW));
  assert.equal(row.faceText, '✓ enrolled');
  assert.equal(row.consentText, 'accepted');
  const zh = deskRow(done, 'zh');
  assert.equal(zh.actionText, '撤销');
  assert.equal(zh.checkedInText, `${formatClock(NOW)}（人脸）`);
  assert.equal(zh.faceText, '✓ 已录入');
  assert.equal(row.organisation, 'ACME');
  assert.equal(row.phone, '+86 138 0000 0000');
  assert.equal(row.email, 'alice@example.org');
});

test('method and consent labels in both languages', () => {
  const methods = { face: ['face', '人脸'], qr: ['QR code', '二维码'], manual: ['at the desk', '服务台'] };
  for (const [method, [en, zh]] of Object.entries(methods)) {
    assert.equal(methodLabel(method, 'en'), en);
    assert.equal(methodLabel(method, 'zh'), zh);
    assert.equal(deskRow(attendee({ checked_in_at: NOW, method }), 'en').method, method);
  }
  assert.equal(methodLabel('badge', 'en'), 'badge', 'a newer method is shown as it came');
  assert.equal(methodLabel(null, 'en'), '');
  const consents = {
    accepted: ['accepted', '已同意'], declined: ['declined', '已拒绝'],
    pending: ['pending', '待回复'], not_invited: ['not invited', '未邀请'],
  };
  for (const [consent, [en, zh]] of Object.entries(consents)) {
    assert.equal(consentLabel(consent, 'en'), en);
    assert.equal(consentLabel(consent, 'zh'), zh);
    assert.equal(deskRow(attendee({ consent }), 'zh').consentText, zh);
  }
  assert.equal(deskRow(attendee({ consent: 'weird' }), 'en').consent, 'not_invited');
  assert.equal(deskRow(attendee({ checked_in_at: NOW, method: null }), 'en').checkedInText, formatClock(NOW),
    'no method: just the time');
});

test('a check-in or undo by this desk updates the matching row only', () => {
  const rows = [attendee(), attendee({ person_id: 8, name: 'Bob' })];
  const checked = applyCheckin(rows, 8, NOW, 'manual');
  assert.notEqual(checked, rows);
  assert.equal(checked[1].checked_in_at, NOW);
  assert.equal(checked[1].method, 'manual');
  assert.equal(checked[0], rows[0]);
  assert.equal(rows[1].checked_in_at, null, 'the old rows are untouched');
  const undone = applyCheckin(checked, 8, null, 'manual');
  assert.equal(undone[1].checked_in_at, null);
  assert.equal(undone[1].method, null);
  assert.equal(deskRow(undone[1], 'en').action, 'checkin');
  assert.equal(applyCheckin(rows, 99, NOW, 'qr'), rows, 'nobody matched');
});

test('the line under the search box', () => {
  const say = (s) => translate('en', s.key, s.vars);
  assert.equal(say(searchStatus({ state: 'idle' })), 'Type to search the guest list.');
  assert.equal(say(searchStatus({ state: 'loading' })), 'Searching…');
  assert.equal(searchStatus({ state: 'code' }).key, 'deskSearchIsCode');
  assert.equal(say(searchStatus({ state: 'done', query: 'zz', shown: 0, total: 0 })), 'No guest matches “zz”.');
  assert.equal(say(searchStatus({ state: 'done', query: 'a', shown: 3, total: 3 })), '3 found');
  assert.equal(say(searchStatus({ state: 'done', query: 'a', shown: 50, total: 130 })),
    'Showing 50 of 130: type more to narrow the search.');
  assert.equal(translate('zh', 'deskSearchCount', { total: 3 }), '找到 3 位');
});
