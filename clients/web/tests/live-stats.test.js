import test from 'node:test';
import assert from 'node:assert/strict';
import {
  createLiveState, applyStreamMessage, parseStreamData, normaliseStats, recentFromAttendees, RECENT_LIMIT,
} from '../live-stats.js';

const stats = (checkedIn, buckets = []) => ({
  registered: 10, enrolled: 8, checked_in: checkedIn, not_yet: 10 - checkedIn, per_10_minutes: buckets,
});
const checkIn = (id, name, at) => ({ person: { id, name, organisation: 'ACME' }, checked_in_at: at, kiosk_id: 3 });

// Feeds raw SSE (event name, data text) pairs through the handler the way
// the dashboard does.
function replay(state, messages) {
  return messages.reduce((s, [type, text]) => applyStreamMessage(s, type, parseStreamData(text)), state);
}

test('a stream of check-ins and stats updates the counts and the recent list', () => {
  let state = createLiveState(stats(0));
  state = replay(state, [
    ['check_in', JSON.stringify(checkIn(1, 'Alice', 1000))],
    ['stats', JSON.stringify(stats(1, [{ start: 600, count: 1 }]))],
    ['check_in', JSON.stringify(checkIn(2, 'Bob', 1010))],
    ['stats', JSON.stringify(stats(2, [{ start: 600, count: 2 }]))],
  ]);
  assert.equal(state.stats.checked_in, 2);
  assert.equal(state.stats.not_yet, 8);
  assert.equal(state.stats.registered, 10);
  assert.equal(state.stats.enrolled, 8);
  assert.deepEqual(state.stats.per_10_minutes, [{ start: 600, count: 2 }]);
  assert.deepEqual(state.recent.map((r) => r.name), ['Bob', 'Alice']);
  assert.deepEqual(state.recent[0], { personId: 2, name: 'Bob', organisation: 'ACME', at: 1010, kioskId: 3 });
});

test('stats replace the counts wholesale (they are authoritative), check_in alone does not change them', () => {
  const state = applyStreamMessage(createLiveState(stats(5)), 'check_in', checkIn(9, 'Eve', 50));
  assert.equal(state.stats.checked_in, 5);
  const next = applyStreamMessage(state, 'stats', { registered: 3, enrolled: 1, checked_in: 2 });
  assert.equal(next.stats.registered, 3);
  assert.equal(next.stats.not_yet, 1, 'not_yet is derived when the server omits it');
});

test('a repeated check-in of the same person is not listed twice', () => {
  const state = replay(createLiveState(), [
    ['check_in', JSON.stringify(checkIn(1, 'Alice', 1000))],
    ['check_in', JSON.stringify(checkIn(1, 'Alice', 1000))],
  ]);
  assert.equal(state.recent.length, 1);
});

test('the recent list is capped', () => {
  let state = createLiveState();
  for (let i = 0; i < RECENT_LIMIT + 5; i += 1) state = applyStreamMessage(state, 'check_in', checkIn(i, `P${i}`, i));
  assert.equal(state.recent.length, RECENT_LIMIT);
  assert.equal(state.recent[0].name, `P${RECENT_LIMIT + 4}`);
});

test('malformed data, keepalives and unknown events leave the state alone', () => {
  const state = createLiveState(stats(4));
  assert.equal(parseStreamData('not json'), null);
  assert.equal(parseStreamData(''), null);
  assert.equal(parseStreamData('42'), null);
  assert.equal(applyStreamMessage(state, 'stats', parseStreamData('{oops')), state);
  assert.equal(applyStreamMessage(state, 'message', { a: 1 }), state);
  assert.equal(applyStreamMessage(state, 'check_in', {}), state);
});

test('normaliseStats sorts buckets and tolerates missing fields', () => {
  const s = normaliseStats({ checked_in: '3', per_10_minutes: [{ start: 1200, count: 1 }, { start: 600, count: 2 }] });
  assert.deepEqual(s, {
    registered: 0, enrolled: 0, checked_in: 3, not_yet: 0, liveness_failures: 0,
    per_10_minutes: [{ start: 600, count: 2 }, { start: 1200, count: 1 }],
  });
  assert.equal(normaliseStats(undefined).checked_in, 0);
});

test('before the stream speaks, recent check-ins come from the attendee list', () => {
  const attendees = [
    { person_id: 1, name: 'A', checked_in: true, checked_in_at: 100 },
    { person_id: 2, name: 'B', checked_in: false, checked_in_at: null },
    { person_id: 3, name: 'C', organisation: 'X', checked_in: true, checked_in_at: 300 },
  ];
  assert.deepEqual(recentFromAttendees(attendees).map((r) => [r.personId, r.at]), [[3, 300], [1, 100]]);
  assert.deepEqual(recentFromAttendees(undefined), []);
});

test('check-ins by method and consent counts are kept when the server sends them', () => {
  const s = normaliseStats({
    registered: 5, checked_in: 3,
    by_method: { face: 2, qr: '1', manual: null },
    consent: { accepted: 2, declined: 1, pending: 2, extra: 9 },
  });
  assert.deepEqual(s.by_method, { face: 2, qr: 1, manual: 0 });
  assert.deepEqual(s.consent, { accepted: 2, declined: 1, pending: 2 });
  // An older server sends neither: the dashboard hides those lines.
  const old = normaliseStats({ registered: 5 });
  assert.equal('by_method' in old, false);
  assert.equal('consent' in old, false);
  assert.equal('by_method' in normaliseStats({ by_method: 'x' }), false);
  const state = applyStreamMessage(createLiveState(), 'stats', { by_method: { qr: 4 } });
  assert.deepEqual(state.stats.by_method, { face: 0, qr: 4, manual: 0 });
});
