import test from 'node:test';
import assert from 'node:assert/strict';
import {
  invitationsFrom, invitationState, invitationLink, invitationRow, invitationSummary,
  printableInvitations, markInvitationCheckedIn,
} from '../invitation-list.js';
import { STRINGS, LANGUAGES, KIOSK_STRINGS } from '../i18n.js';
import { GUEST_STRINGS } from '../i18n-guest.js';
import { ADMIN_STRINGS } from '../i18n-admin.js';
import { DESK_STRINGS } from '../i18n-desk.js';
import { formatDateTime } from '../format.js';

const NOW = 1767230000;
const inv = (over = {}) => ({
  person_id: 7, name: 'Alice Wang', email: 'alice@example.org', code: 'ivaaaaaaaaaaaaaaaaaaaaaaaa',
  url: 'https://checkin.example/invite/ivaaaaaaaaaaaaaaaaaaaaaaaa', created_at: NOW - 3600,
  expires_at: NOW + 86400, revoked_at: null, consent: 'pending', face_enrolled: false, checked_in_at: null,
  ...over,
});

test('the list comes from {invitations} (or a bare array)', () => {
  assert.deepEqual(invitationsFrom({ invitations: [inv()] }).length, 1);
  assert.deepEqual(invitationsFrom([inv(), inv()]).length, 2);
  assert.deepEqual(invitationsFrom(null), []);
});

test('an invitation is active, revoked or expired', () => {
  assert.equal(invitationState(inv(), NOW), 'active');
  assert.equal(invitationState(inv({ revoked_at: NOW - 5 }), NOW), 'revoked');
  assert.equal(invitationState(inv({ expires_at: NOW - 1 }), NOW), 'expired');
  assert.equal(invitationState(inv({ revoked_at: NOW - 5, expires_at: NOW - 1 }), NOW), 'revoked');
});

test('a row says consent, face, check-in and state in the admin\'s language', () => {
  const en = invitationRow(inv({ consent: 'accepted', face_enrolled: true, checked_in_at: NOW }), 'en', { now: NOW });
  assert.equal(en.consent, 'accepted');
  assert.equal(en.consentText, 'accepted');
  assert.equal(en.faceText, '✓ enrolled');
  assert.equal(en.checkedIn, true);
  assert.equal(en.checkedInText, formatDateTime(NOW));
  assert.equal(en.state, 'active');
  assert.equal(en.stateText, `active until ${formatDateTime(NOW + 86400)}`);
  assert.equal(en.canRevoke, true);
  assert.equal(en.link, inv().url);
  const zh = invitationRow(inv({ consent: 'declined', revoked_at: NOW - 60 }), 'zh', { now: NOW });
  assert.equal(zh.consentText, '已拒绝');
  assert.equal(zh.faceText, '—');
  assert.equal(zh.checkedInText, '—');
  assert.equal(zh.stateText, `已于 ${formatDateTime(NOW - 60)} 撤销`);
  assert.equal(zh.canRevoke, false);
  const odd = invitationRow(inv({ consent: 'maybe', url: '' }), 'en', { now: NOW, origin: 'http://localhost:8080' });
  assert.equal(odd.consent, 'pending');
  assert.equal(odd.link, 'http://localhost:8080/invite/ivaaaaaaaaaaaaaaaaaaaaaaaa');
  assert.equal(invitationLink({ code: 'ivbbbbbbbbbbbbbbbbbbbbbbbb' }, 'https://x.example'),
    'https://x.example/invite/ivbbbbbbbbbbbbbbbbbbbbbbbb');
});

test('the summary counts consent, faces and check-ins', () => {
  const list = [
    inv({ consent: 'accepted', face_enrolled: true, checked_in_at: NOW }),
    inv({ consent: 'accepted' }),
    inv({ consent: 'declined', revoked_at: NOW - 1 }),
    inv(),
    inv({ expires_at: NOW - 10 }),
  ];
  assert.deepEqual(invitationSummary(list, NOW),
    { total: 5, active: 3, accepted: 2, declined: 1, pending: 2, enrolled: 1, checkedIn: 1 });
  assert.deepEqual(invitationSummary(undefined, NOW),
    { total: 0, active: 0, accepted: 0, declined: 0, pending: 0, enrolled: 0, checkedIn: 0 });
});

test('only active invitations are printed, by name', () => {
  const list = [inv({ name: 'Zoe' }), inv({ name: 'Bob', revoked_at: NOW }), inv({ name: 'Amy' }),
    inv({ name: 'Cy', expires_at: NOW - 1 })];
  assert.deepEqual(printableInvitations(list, NOW).map((i) => i.name), ['Amy', 'Zoe']);
});

test('a live check-in marks the guest\'s invitation once', () => {
  const list = [inv(), inv({ person_id: 8 })];
  const next = markInvitationCheckedIn(list, 8, NOW);
  assert.notEqual(next, list);
  assert.equal(next[1].checked_in_at, NOW);
  assert.equal(next[0].checked_in_at, null);
  assert.equal(list[1].checked_in_at, null, 'the old list is untouched');
  assert.equal(markInvitationCheckedIn(next, 8, NOW + 5), next, 'the first time stays');
  assert.equal(markInvitationCheckedIn(next, 99, NOW), next);
});

test('every string exists in both languages, and no catalogue shadows another', () => {
  for (const catalogue of [GUEST_STRINGS, ADMIN_STRINGS, DESK_STRINGS]) {
    assert.deepEqual(Object.keys(catalogue.zh).sort(), Object.keys(catalogue.en).sort());
  }
  assert.deepEqual(Object.keys(STRINGS.zh).sort(), Object.keys(STRINGS.en).sort());
  const guest = new Set(Object.keys(GUEST_STRINGS.en));
  const admin = Object.keys(ADMIN_STRINGS.en);
  assert.deepEqual(admin.filter((k) => guest.has(k)), []);
  const desk = Object.keys(DESK_STRINGS.en);
  assert.deepEqual(desk.filter((k) => guest.has(k) || admin.includes(k)), [], 'a desk key shadows another');
  const kiosk = Object.keys(KIOSK_STRINGS.en);
  assert.deepEqual([...guest, ...admin, ...desk].filter((k) => kiosk.includes(k)), [], 'a kiosk key is shadowed');
  assert.equal(Object.keys(STRINGS.en).length, kiosk.length + guest.size + admin.length + desk.length);
  for (const lang of LANGUAGES) {
    for (const [key, text] of Object.entries(STRINGS[lang])) assert.ok(text.trim(), `${lang}.${key} is empty`);
  }
});
