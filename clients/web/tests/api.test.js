import test from 'node:test';
import assert from 'node:assert/strict';
import { createApi, ApiError, queryString } from '../api.js';

// A fetch stand-in that records the request and answers with a Response.
function fakeFetch(answer) {
  const calls = [];
  const impl = async (url, init) => {
    calls.push({ url, init });
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(url, init) : answer;
  };
  return { calls, impl };
}
const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

test('sends the bearer token and JSON, and parses the answer', async () => {
  const f = fakeFetch(json(201, { id: 5 }));
  const api = createApi({ token: 'ak_secret', fetchImpl: f.impl });
  assert.deepEqual(await api.post('/events', { json: { name: 'Gala' } }), { id: 5 });
  const { url, init } = f.calls[0];
  assert.equal(url, '/api/v1/events');
  assert.equal(init.method, 'POST');
  assert.equal(init.headers.Authorization, 'Bearer ak_secret');
  assert.equal(init.headers['Content-Type'], 'application/json');
  assert.equal(init.body, '{"name":"Gala"}');
});

test('multipart bodies go out untouched, so the browser sets the boundary', async () => {
  const f = fakeFetch(json(200, { faces: [] }));
  const form = new FormData();
  form.append('image', new Blob(['x'], { type: 'image/jpeg' }), 'frame.jpg');
  await createApi({ token: 'kt_x', fetchImpl: f.impl }).post('/events/1/checkin', { body: form });
  assert.equal(f.calls[0].init.body, form);
  assert.equal(f.calls[0].init.headers['Content-Type'], undefined);
});

test('query strings skip empty values', async () => {
  assert.equal(queryString({ search: 'li lei', limit: 10, empty: '', none: null }), '?search=li+lei&limit=10');
  assert.equal(queryString({ search: '' }), '');
  const f = fakeFetch(json(200, { attendees: [] }));
  await createApi({ fetchImpl: f.impl }).get('/events/2/attendees', { query: { search: '王' } });
  assert.equal(f.calls[0].url, '/api/v1/events/2/attendees?search=%E7%8E%8B');
  assert.equal(f.calls[0].init.headers.Authorization, undefined);
});

test('error bodies become ApiError with code, message and details', async () => {
  const f = fakeFetch(json(422, { error: { code: 'import_rejected', message: 'bad rows', details: { rows: [{ row: 2, message: 'x' }] } } }));
  await assert.rejects(createApi({ fetchImpl: f.impl }).post('/events/1/import', { body: 'a' }), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 422);
    assert.equal(e.code, 'import_rejected');
    assert.equal(e.message, 'bad rows');
    assert.deepEqual(e.details.rows, [{ row: 2, message: 'x' }]);
    return true;
  });
});

test('a non-JSON error (e.g. from a proxy) still gives status and code', async () => {
  const f = fakeFetch(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
  await assert.rejects(createApi({ fetchImpl: f.impl }).get('/x'), { status: 502, code: 'http_502', message: 'Bad Gateway' });
});

test('a network failure is status 0, code network', async () => {
  const f = fakeFetch(new TypeError('Failed to fetch'));
  await assert.rejects(createApi({ fetchImpl: f.impl }).get('/x'), (e) => e.status === 0 && e.code === 'network' && e.isNetwork);
});

test('a request that takes too long is aborted with code timeout', async () => {
  const hang = (url, init) => new Promise((resolve, reject) => {
    init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  });
  await assert.rejects(createApi({ fetchImpl: hang, timeoutMs: 20 }).get('/slow'), { status: 0, code: 'timeout' });
});

test('a 401 calls onUnauthorized (back to sign-in) and still rejects', async () => {
  let called = 0;
  const f = fakeFetch(json(401, { error: { code: 'unauthorized', message: 'no' } }));
  const api = createApi({ token: 'ak_old', fetchImpl: f.impl, onUnauthorized: () => { called += 1; } });
  await assert.rejects(api.get('/events'), { status: 401 });
  assert.equal(called, 1);
});

test('empty bodies give null; blobs and raw responses on request', async () => {
  assert.equal(await createApi({ fetchImpl: fakeFetch(new Response(null, { status: 204 })).impl }).del('/kiosks/1'), null);
  const csv = 'name\nAlice\n';
  const blob = await createApi({ fetchImpl: fakeFetch(new Response(csv, { status: 200 })).impl }).get('/e.csv', { as: 'blob' });
  assert.equal(await blob.text(), csv);
  const res = await createApi({ fetchImpl: fakeFetch(new Response(csv, { status: 200 })).impl }).get('/e.csv', { as: 'response' });
  assert.equal(res.status, 200);
});
