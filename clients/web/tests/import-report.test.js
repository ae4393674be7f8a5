import test from 'node:test';
import assert from 'node:assert/strict';
import { importReport } from '../import-report.js';
import { ApiError } from '../api.js';

test('a successful import reports the counts', () => {
  const r = importReport({ ok: true, value: { imported: 12, created: 10, linked: 2 } });
  assert.equal(r.ok, true);
  assert.equal(r.summary, 'Imported 12 guests (10 new, 2 already known).');
  assert.deepEqual(r.rows, []);
  assert.equal(importReport({ ok: true, value: { imported: 1, created: 1, linked: 0 } }).summary,
    'Imported 1 guest (1 new, 0 already known).');
});

test('import_rejected lists every row, in CSV line order, with the server\'s words, and says nothing was imported', () => {
  const error = new ApiError(422, 'import_rejected', 'The guest list has errors', {
    rows: [
      { row: 7, message: 'external_id "A12" is already used by another person' },
      { row: 3, message: 'name is empty' },
      { row: 5, message: '姓名为空' },
    ],
  });
  const r = importReport({ ok: false, error });
  assert.equal(r.ok, false);
  assert.equal(r.summary, 'Nothing was imported: 3 rows have problems. Fix the file and import it again.');
  assert.deepEqual(r.rows, [
    { row: 3, message: 'name is empty' },
    { row: 5, message: '姓名为空' },
    { row: 7, message: 'external_id "A12" is already used by another person' },
  ]);
});

test('one bad row reads in the singular', () => {
  const error = new ApiError(422, 'import_rejected', 'x', { rows: [{ row: 2, message: 'name is empty' }] });
  assert.equal(importReport({ ok: false, error }).summary,
    'Nothing was imported: 1 row has a problem. Fix the file and import it again.');
});

test('a refusal without rows (bad header, empty file) shows the message', () => {
  const error = new ApiError(422, 'invalid_csv', "The header row needs a 'name' column");
  const r = importReport({ ok: false, error });
  assert.equal(r.summary, "Nothing was imported: The header row needs a 'name' column.");
  assert.deepEqual(r.rows, []);
});

test('malformed details do not break the report', () => {
  const error = new ApiError(422, 'import_rejected', 'x', { rows: [null, { row: '4', message: 42 }] });
  const r = importReport({ ok: false, error });
  assert.equal(r.rows.length, 2);
  assert.deepEqual(r.rows[1], { row: 4, message: '42' });
});
