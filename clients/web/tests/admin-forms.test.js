import test from 'node:test';
import assert from 'node:assert/strict';
import { toLocalInput, fromLocalInput, formatClock, filenameFromDisposition } from '../format.js';
import { eventFields, eventPayload } from '../event-form.js';
import { kioskUrl } from '../admin-kiosks.js';

test('datetime-local text and unix seconds round-trip in the local zone', () => {
  const unix = Math.floor(new Date(2025, 4, 17, 9, 30).getTime() / 1000);
  assert.equal(toLocalInput(unix), '2025-05-17T09:30');
  assert.equal(fromLocalInput('2025-05-17T09:30'), unix);
  assert.equal(fromLocalInput('2025-05-17T09:30:15'), unix + 15);
  assert.equal(formatClock(unix), '09:30');
});

test('blank or impossible dates are refused, not rolled over', () => {
  assert.equal(fromLocalInput(''), null);
  assert.equal(fromLocalInput('2025-02-30T10:00'), null);
  assert.equal(fromLocalInput('tomorrow'), null);
  assert.equal(toLocalInput(0), '');
  assert.equal(toLocalInput(undefined), '');
});

const good = {
  name: ' Gala ', venue: 'Hall 1', starts: '2025-05-17T09:00', ends: '2025-05-17T17:00',
  status: 'open', liveness: 'active', threshold: '', opensBefore: '60', closesAfter: '30',
};

test('a valid form becomes the API payload; an empty threshold means the default', () => {
  const { payload, errors } = eventPayload(good);
  assert.deepEqual(errors, []);
  assert.equal(payload.name, 'Gala');
  assert.equal(payload.ends_at - payload.starts_at, 8 * 3600);
  assert.equal(payload.match_threshold, null);
  assert.equal(payload.checkin_opens_before_min, 60);
  assert.equal(payload.status, 'open');
  assert.equal(payload.liveness, 'active');
  assert.deepEqual(eventPayload({ ...good, liveness: 'maybe' }).errors.map((e) => e.field), ['liveness']);
  assert.equal(eventPayload({ ...good, threshold: '0.4' }).payload.match_threshold, 0.4);
});

test('form errors name the field', () => {
  const fields = (over) => eventPayload({ ...good, ...over }).errors.map((e) => e.field);
  assert.deepEqual(fields({ name: '  ' }), ['name']);
  assert.deepEqual(fields({ ends: '2025-05-17T08:00' }), ['ends']);
  assert.deepEqual(fields({ starts: '' }), ['starts']);
  assert.deepEqual(fields({ threshold: '3' }), ['threshold']);
  assert.deepEqual(fields({ threshold: 'abc' }), ['threshold']);
  assert.deepEqual(fields({ status: 'paused' }), ['status']);
  assert.deepEqual(fields({ opensBefore: '-5', closesAfter: '1.5' }), ['opensBefore', 'closesAfter']);
  assert.deepEqual(fields({ retainDays: '3651' }), ['retainDays']);
  assert.deepEqual(fields({ retainDays: '2.5' }), ['retainDays']);
});

test('an existing event fills the form, and saving it unchanged gives the same values', () => {
  const event = {
    id: 3, name: 'Gala', venue: 'Hall', starts_at: fromLocalInput('2025-05-17T09:00'),
    ends_at: fromLocalInput('2025-05-17T17:00'), status: 'closed', match_threshold: 0.42,
    checkin_opens_before_min: 15, checkin_closes_after_min: 0, liveness: 'passive',
    consent_text: 'We keep a face template until the end of May.', self_register: true,
    retain_faces_days: 7,
  };
  const { payload, errors } = eventPayload(eventFields(event));
  assert.deepEqual(errors, []);
  for (const key of Object.keys(payload)) assert.deepEqual(payload[key], event[key], key);
  const blank = eventFields(undefined);
  assert.equal(blank.status, 'draft');
  assert.equal(blank.liveness, 'active');
  assert.ok(fromLocalInput(blank.ends) > fromLocalInput(blank.starts));
});

test('the export file name comes from Content-Disposition, without any path', () => {
  assert.equal(filenameFromDisposition('attachment; filename="gala-attendance.csv"', 'x.csv'), 'gala-attendance.csv');
  assert.equal(filenameFromDisposition("attachment; filename*=UTF-8''%E7%AD%BE%E5%88%B0.csv", 'x.csv'), '签到.csv');
  assert.equal(filenameFromDisposition('attachment; filename="../../etc/passwd"', 'x.csv'), 'passwd');
  assert.equal(filenameFromDisposition(null, 'fallback.csv'), 'fallback.csv');
  assert.equal(filenameFromDisposition('attachment; filename=""', 'fallback.csv'), 'fallback.csv');
});

test('the kiosk URL carries the token in the fragment, next to the admin page', () => {
  assert.equal(kioskUrl('kt_AbC-_1', 'https://checkin.example/admin'), 'https://checkin.example/kiosk.html#token=kt_AbC-_1');
  assert.equal(kioskUrl('kt_x', 'http://localhost:8080/admin.html#event=3'), 'http://localhost:8080/kiosk.html#token=kt_x');
});

test('the consent text and self-registration go to the API; the consent version never does', () => {
  const { payload, errors } = eventPayload({ ...good, consentText: '  Our own words.\n\nSecond part. ', selfRegister: true });
  assert.deepEqual(errors, []);
  assert.equal(payload.consent_text, 'Our own words.\n\nSecond part.');
  assert.equal(payload.self_register, true);
  assert.equal('consent_version' in payload, false);
  const blank = eventPayload(good).payload;
  assert.equal(blank.consent_text, '', 'empty: the guest page shows the standard text');
  assert.equal(blank.self_register, false, 'self-registration is off unless ticked');
  const fields = eventFields({ consent_text: 'Ours', consent_version: 3, self_register: true });
  assert.equal(fields.consentText, 'Ours');
  assert.equal(fields.selfRegister, true);
  assert.equal(eventFields(undefined).selfRegister, false);
  assert.equal(eventFields({ self_register: 'yes' }).selfRegister, false, 'only a real true ticks the box');
});
