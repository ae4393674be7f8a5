import test from 'node:test';
import assert from 'node:assert/strict';
import { enrolReport, enrolmentCell, qualityRows, SECOND_PHOTO_HINT } from '../enrol-report.js';
import { ApiError } from '../api.js';

const quality = (reasons = []) => ({
  face_px: 212.4, sharpness: 88.1, brightness: 131, pose: { yaw: -3.2, pitch: 4, roll: 0.5 },
  acceptable: true, problems: [], reasons,
});

test('a stored template shows the quality verdict', () => {
  const r = enrolReport({ ok: true, value: { template_id: 9, box: [1, 2, 3, 4], quality: quality() } });
  assert.equal(r.ok, true);
  assert.equal(r.kind, 'enrolled');
  assert.equal(r.title, 'Face enrolled');
  assert.equal(r.message, 'Quality: good');
  assert.deepEqual(r.quality.map((q) => q.label), ['Face size', 'Sharpness', 'Brightness', 'Pose (yaw / pitch / roll)']);
  assert.equal(r.quality[0].value, '212.4 px');
  assert.equal(r.quality[3].value, '-3.2° / 4° / 0.5°');
  const noted = enrolReport({ ok: true, value: { quality: quality(['slightly dark']) } });
  assert.equal(noted.message, 'Quality: acceptable, with notes');
  assert.deepEqual(noted.reasons, ['slightly dark']);
});

test('a first template suggests a second photo; a second one does not', () => {
  const first = enrolReport({ ok: true, value: { template_id: 9, templates: 1, quality: quality() } });
  assert.equal(first.hint, SECOND_PHOTO_HINT);
  const second = enrolReport({ ok: true, value: { template_id: 10, templates: 2, quality: quality() } });
  assert.equal(second.hint, '');
  // An older server that does not say: no advice rather than a wrong one.
  assert.equal(enrolReport({ ok: true, value: { quality: quality() } }).hint, '');
  const refused = enrolReport({ ok: false, error: new ApiError(422, 'no_face', 'No face') });
  assert.equal(refused.hint, '');
});

test('a 422 refusal shows the server message and reasons as-is', () => {
  const error = new ApiError(422, 'poor_quality', 'The face is too blurred; hold still',
    { quality: { ...quality(['The face is too blurred; hold still', 'The face is turned too far to the side']), acceptable: false } });
  const r = enrolReport({ ok: false, error });
  assert.equal(r.kind, 'refused');
  assert.equal(r.title, 'Not enrolled');
  assert.equal(r.message, 'The face is too blurred; hold still');
  assert.deepEqual(r.reasons, ['The face is turned too far to the side']);
  assert.equal(r.canOverride, false);
  assert.equal(r.quality.length, 4);

  const none = enrolReport({ ok: false, error: new ApiError(422, 'no_face', 'No face was found in the photo; face the camera in good light') });
  assert.equal(none.message, 'No face was found in the photo; face the camera in good light');
  assert.deepEqual(none.reasons, []);
});

test('several faces: the report says how many, to choose one', () => {
  const error = new ApiError(422, 'several_faces', '2 faces were found; send a photo of one person',
    { faces: [[1, 1, 5, 5], [9, 9, 4, 4]] });
  const r = enrolReport({ ok: false, error });
  assert.equal(r.faceCount, 2);
  assert.equal(r.message, '2 faces were found; send a photo of one person');
});

test('a possible duplicate can be overridden by the operator', () => {
  const error = new ApiError(409, 'possible_duplicate', 'This face looks like person 4', { person_id: 4, distance: 0.3 });
  const r = enrolReport({ ok: false, error });
  assert.equal(r.kind, 'duplicate');
  assert.equal(r.canOverride, true);
  assert.equal(r.message, 'This face looks like person 4');
});

test('other failures are plain errors', () => {
  const r = enrolReport({ ok: false, error: new ApiError(0, 'network', 'The server could not be reached') });
  assert.equal(r.kind, 'error');
  assert.equal(r.message, 'The server could not be reached');
  assert.deepEqual(qualityRows(null), []);
});

test('the attendee list flags templates of an older model only', () => {
  assert.deepEqual(enrolmentCell({ template_count: 0, enrolled: false }),
    { text: 'not enrolled', cls: 'muted', title: '' });
  assert.deepEqual(enrolmentCell({ template_count: 2, template_models: ['arcface-fp-512'], needs_new_photo: false }),
    { text: '✓ 2', cls: 'ok', title: '' });
  const old = enrolmentCell({ template_count: 1, template_models: ['dlib-resnet34-128'], needs_new_photo: true });
  assert.equal(old.cls, 'warn');
  assert.match(old.text, /new photo/);
  assert.match(old.title, /dlib-resnet34-128/);
});
