// docs/openapi.json against the real server: a real `facecheck serve` (real
// models, real SQLite, real LFW photos from ../shared/data) is driven through
// an organiser's, a kiosk's, a desk's and a guest's day, errors included, and
// every answer's status, content type and body is checked against the
// description (Ajv, strict). Response objects there are closed
// (additionalProperties: false, every always-sent field required), so a
// field added, renamed or dropped on either side fails here. Then: every
// operation of the description was exercised. That the route lists agree
// is openapi-routes.test.mjs. No browser.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { lfwImages, sharedData } from '../lib/paths.mjs';
import { ajvText, findOperation, mediaType, operations, pointer, responseOf, validator } from '../lib/openapi.mjs';

const lfw = (dir, n) => path.join(lfwImages, dir, `${dir}_${String(n).padStart(4, '0')}.jpg`);
const PHOTOS = {
  mccain: lfw('John_McCain', 1), // enrolled by the admin
  mccainKiosk: lfw('John_McCain', 2), // the kiosk's camera
  mccainOther: lfw('John_McCain', 6), // enrolled again under another name: a duplicate
  mccainSecond: lfw('John_McCain', 4), // a second template, then deleted
  blairTurned: lfw('Tony_Blair', 1), // turned 31° away: poor_quality
  blair: lfw('Tony_Blair', 2),
  blairSelfie: lfw('Tony_Blair', 3), // the guest's own selfie
  stranger: lfw('Adriana_Lima', 1),
  walkUp: lfw('Aaron_Sorkin', 1), // registers at the kiosk
  legacy: lfw('Colin_Powell', 1), // the tutorial's /face_register
  legacyLogin: lfw('Colin_Powell', 2),
  noFace: path.join(sharedData, 'faces', 'dlib', 'no_face', 'dog.jpg'),
  twoFaces: path.join(sharedData, 'faces', 'dlib', 'faces', '2008_001009.jpg'),
};
const missing = Object.values(PHOTOS).filter((p) => !existsSync(p));
if (missing.length && process.env.FACECHECK_REQUIRE_DATA === '1') {
  throw new Error(`the shared photos are missing (${missing[0]}) and FACECHECK_REQUIRE_DATA=1`);
}
const skip = missing.length ? `the shared photos are missing (${missing[0]})` : false;

// Operations the sequence cannot reach on purpose, each with its reason.
// Keep it short: everything else must be exercised.
const NOT_EXERCISED = new Map([
  // (empty: every operation of docs/openapi.json is exercised below)
]);

// What was exercised: "METHOD /template" → statuses seen.
const exercised = new Map();
let answers = 0; // answers checked against the description
let dayFinished = false; // the sequence ran to its end

describe('docs/openapi.json against the real server', { skip }, () => {
  let server;
  const cred = {}; // name → secret: admin, kiosk, desk, ...
  const kinds = {}; // secret → security scheme

  before(async () => {
    server = await startServer({ extraArgs: ['--legacy-routes', '--kiosk-rps', '0'] });
    cred.admin = server.adminKey;
    kinds[server.adminKey] = 'adminKey';
  });
  after(async () => { if (server) await server.stop(); });

  // One request, checked against the description: the operation exists,
  // the status is one it lists, the content type is one of that status's,
  // and the body validates. `as` names the credential (a key of cred).
  async function call(method, route, { as, json, form, body, type, headers = {}, expect } = {}) {
    const url = new URL(route, server.base);
    const h = { ...headers };
    if (as) h.Authorization = `Bearer ${cred[as]}`;
    let payload = body;
    if (json !== undefined) { h['Content-Type'] = 'application/json'; payload = JSON.stringify(json); }
    if (form) payload = form;
    if (type) h['Content-Type'] = type;
    const res = await fetch(url, { method, headers: h, body: payload, redirect: 'manual', signal: AbortSignal.timeout(60000) });
    // Bytes as sent: res.text() would drop the BOM the CSV exports start with.
    const raw = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    const where = `${method} ${url.pathname}${url.search} → ${res.status}`;
    const found = findOperation(method, url.pathname);
    assert.ok(found, `${where}: no operation of docs/openapi.json matches`);
    const key = `${found.method} ${found.path}`;
    if (!exercised.has(key)) exercised.set(key, new Set());
    exercised.get(key).add(res.status);
    answers += 1;
    if (expect !== undefined) assert.equal(res.status, expect, `${where} (expected ${expect}): ${raw.slice(0, 400)}`);
    // A JSON body the server took conforms to the documented request body.
    if (json !== undefined && res.status < 400) {
      const content = found.op.requestBody?.content || {};
      assert.ok(content['application/json'], `${where}: took a JSON body, but the operation documents none`);
      const check = validator(pointer('paths', found.path, found.method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema'));
      assert.ok(check(json), `${where}: the request body does not match its description\n  ${ajvText(check.errors)}`);
    }
    if (as && res.status < 300) {
      const allowed = found.op.security.flatMap((s) => Object.keys(s));
      assert.ok(allowed.includes(kinds[cred[as]]), `${where}: answered ${kinds[cred[as]]}, whose scheme the operation's security does not list (${allowed})`);
    }
    if (!as && res.status < 300 && !(url.pathname.endsWith('/stream'))) {
      const open = found.op.security.length === 0 || found.op.security.some((s) => Object.keys(s).length === 0);
      assert.ok(open, `${where}: answered without credentials, but the operation's security asks for some`);
    }
    const { response, at } = responseOf(found.op, ['paths', found.path, found.method.toLowerCase()], res.status);
    assert.ok(response, `${where}: status ${res.status} is not among the operation's responses (${Object.keys(found.op.responses)}): ${raw.slice(0, 400)}`);
    const content = response.content || {};
    const type_ = mediaType(res.headers.get('content-type'));
    if (!Object.keys(content).length) {
      assert.equal(raw, '', `${where}: documented without a body, but one came: ${raw.slice(0, 200)}`);
      return { status: res.status, headers: res.headers, body: null, text: raw };
    }
    assert.ok(content[type_], `${where}: content type ${type_} is not documented (${Object.keys(content)})`);
    const isJson = type_ === 'application/json';
    const parsed = isJson ? JSON.parse(raw) : raw;
    const validate = validator(pointer(...at, 'content', type_, 'schema'));
    assert.ok(validate(parsed), `${where}: the body does not match docs/openapi.json\n  ${ajvText(validate.errors)}\nbody: ${raw.slice(0, 1500)}`);
    return { status: res.status, headers: res.headers, body: parsed, text: raw };
  }

  const photo = (file) => new Blob([readFileSync(file)], { type: 'image/jpeg' });
  function upload(file, fields = {}, part = 'image') {
    const form = new FormData();
    form.append(part, photo(file), path.basename(file));
    for (const [k, v] of Object.entries(fields)) form.append(k, String(v));
    return form;
  }
  const errorCode = (r) => r.body.error.code;

  // The live feed: reads SSE events and checks each one's data against the
  // schema the description names for it (x-sse-events).
  async function openStream(route) {
    const ctrl = new AbortController();
    const url = new URL(route, server.base);
    const res = await fetch(url, { signal: ctrl.signal });
    const found = findOperation('GET', url.pathname);
    const key = `${found.method} ${found.path}`;
    if (!exercised.has(key)) exercised.set(key, new Set());
    exercised.get(key).add(res.status);
    assert.equal(res.status, 200);
    const { response } = responseOf(found.op, [], 200);
    assert.ok(response.content[mediaType(res.headers.get('content-type'))], 'the stream\'s content type is documented');
    const events = response['x-sse-events'];
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    return {
      async next() {
        const deadline = Date.now() + 20000;
        for (;;) {
          const end = buffer.indexOf('\n\n');
          if (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const name = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (!name) continue; // retry: or a keepalive comment
            assert.ok(events[name], `stream event ${name} is not documented (x-sse-events)`);
            const validate = validator(`openapi.json${events[name].$ref}`);
            const value = JSON.parse(data);
            assert.ok(validate(value), `stream event ${name} does not match\n  ${ajvText(validate.errors)}\ndata: ${data}`);
            answers += 1;
            return { name, data: value };
          }
          assert.ok(Date.now() < deadline, 'the stream sent nothing within 20 s');
          const { value, done } = await reader.read();
          assert.ok(!done, 'the stream ended');
          buffer += decoder.decode(value, { stream: true });
        }
      },
      close() { ctrl.abort(); },
    };
  }

  test('every answer of a realistic day matches the description', { timeout: 300000 }, async () => {
    const now = Math.floor(Date.now() / 1000);
    // ---- system and the web clients' short paths ----
    await call('GET', '/healthz', { expect: 200 });
    await call('GET', '/metrics', { expect: 200 });
    await call('GET', '/', { expect: 302 });
    await call('GET', '/admin?lang=en', { expect: 302 });
    await call('GET', '/kiosk', { expect: 302 });

    // ---- events ----
    assert.deepEqual((await call('GET', '/api/v1/events', { as: 'admin', expect: 200 })).body, { events: [] });
    assert.equal(errorCode(await call('GET', '/api/v1/events', { expect: 401 })), 'unauthorized');
    cred.bogus = 'ak_not_a_key';
    assert.equal(errorCode(await call('GET', '/api/v1/events', { as: 'bogus', expect: 401 })), 'unauthorized');
    assert.equal(errorCode(await call('POST', '/api/v1/events', { as: 'admin', json: { venue: 'x' }, expect: 400 })), 'missing_field');
    assert.equal(errorCode(await call('POST', '/api/v1/events', { as: 'admin', body: '{}', type: 'text/plain', expect: 415 })), 'unsupported_media_type');
    assert.equal(errorCode(await call('POST', '/api/v1/events', { as: 'admin', body: '{"name":', type: 'application/json', expect: 400 })), 'invalid_json');
    const bad = await call('POST', '/api/v1/events', { as: 'admin', json: { name: 'x', starts_at: now, ends_at: now, status: 'maybe' }, expect: 400 });
    assert.equal(bad.body.error.details.field, 'status');
    const event = (await call('POST', '/api/v1/events', {
      as: 'admin',
      json: { name: '年会 2026', venue: 'Hall 1', starts_at: now - 1800, ends_at: now + 3 * 3600, status: 'open', liveness: 'off' },
      expect: 201,
    })).body;
    const E = `/api/v1/events/${event.id}`;
    await call('GET', E, { as: 'admin', expect: 200 });
    await call('PATCH', E, { as: 'admin', json: { venue: 'Hall 2', consent_text: 'We keep your face until 30 days after the event.', match_threshold: null }, expect: 200 });
    assert.equal(errorCode(await call('GET', '/api/v1/events/999999', { as: 'admin', expect: 404 })), 'not_found');
    const later = (await call('POST', '/api/v1/events', { as: 'admin', json: { name: 'Later', starts_at: now + 86400, ends_at: now + 90000 }, expect: 201 })).body;
    assert.equal(later.status, 'draft');

    // ---- people ----
    const mccain = (await call('POST', '/api/v1/people', { as: 'admin', json: { name: 'John McCain', organisation: 'Senate', email: 'jm@example.com', external_id: 'EMP-1' }, expect: 201 })).body;
    assert.equal(errorCode(await call('POST', '/api/v1/people', { as: 'admin', json: { name: 'Copy', external_id: 'EMP-1' }, expect: 409 })), 'conflict');
    await call('GET', '/api/v1/people?search=mccain&limit=10&offset=0', { as: 'admin', expect: 200 });
    assert.equal(errorCode(await call('GET', '/api/v1/people?limit=ten', { as: 'admin', expect: 400 })), 'invalid_parameter');
    await call('GET', `/api/v1/people/${mccain.id}`, { as: 'admin', expect: 200 });
    await call('PATCH', `/api/v1/people/${mccain.id}`, { as: 'admin', json: { title: 'Senator' }, expect: 200 });
    assert.equal(errorCode(await call('PATCH', `/api/v1/people/${mccain.id}`, { as: 'admin', json: { title: 7 }, expect: 400 })), 'invalid_field');

    // ---- attendees and the guest list ----
    await call('POST', `${E}/attendees`, { as: 'admin', json: { person_id: mccain.id }, expect: 201 });
    await call('POST', `${E}/attendees`, { as: 'admin', json: { person_id: mccain.id }, expect: 200 });
    const blair = (await call('POST', `${E}/attendees`, { as: 'admin', json: { name: 'Tony Blair', organisation: 'Labour', phone: '+44 20 7219' }, expect: 201 })).body;
    await call('POST', `${E}/attendees`, { as: 'admin', json: { person_id: 999999 }, expect: 404 });
    const csv = 'name,organisation,email,external_id\r\nAda Lovelace,ACME,ada@example.com,EMP-2\r\nBob Stone,ACME,,\r\n';
    assert.deepEqual((await call('POST', `${E}/import`, { as: 'admin', body: csv, type: 'text/csv', expect: 200 })).body, { imported: 2, created: 2, linked: 0 });
    const rejected = await call('POST', `${E}/import`, { as: 'admin', body: 'name,external_id\nAda again,EMP-2\n', type: 'text/csv', expect: 422 });
    assert.equal(errorCode(rejected), 'import_rejected');
    assert.equal(rejected.body.error.details.rows[0].row, 2);
    await call('POST', `${E}/import?link_existing=true`, { as: 'admin', form: (() => { const f = new FormData(); f.append('file', new Blob(['name,external_id\nAda again,EMP-2\n'], { type: 'text/csv' }), 'g.csv'); return f; })(), expect: 200 });
    assert.equal(errorCode(await call('POST', `${E}/import`, { as: 'admin', body: 'organisation\nACME\n', type: 'text/csv', expect: 422 })), 'invalid_csv');
    assert.equal(errorCode(await call('POST', `${E}/import`, { as: 'admin', json: {}, expect: 415 })), 'unsupported_media_type');
    const attendees = (await call('GET', `${E}/attendees`, { as: 'admin', expect: 200 })).body.attendees;
    const byName = (n) => attendees.find((a) => a.name === n);
    const ada = byName('Ada Lovelace');
    const bob = byName('Bob Stone');
    await call('GET', `${E}/attendees?search=acme`, { as: 'admin', expect: 200 });

    // ---- faces ----
    const enrolled = await call('POST', `/api/v1/people/${mccain.id}/faces`, { as: 'admin', form: upload(PHOTOS.mccain, { label: 'front' }), expect: 201 });
    assert.equal(enrolled.body.templates, 1);
    const second = await call('POST', `/api/v1/people/${mccain.id}/faces`, {
      as: 'admin', json: { image: `data:image/jpeg;base64,${readFileSync(PHOTOS.mccainSecond).toString('base64')}`, label: 'side' }, expect: 201,
    });
    await call('GET', `/api/v1/people/${mccain.id}/faces`, { as: 'admin', expect: 200 });
    await call('DELETE', `/api/v1/faces/${second.body.template_id}`, { as: 'admin', expect: 204 });
    await call('DELETE', `/api/v1/faces/${second.body.template_id}`, { as: 'admin', expect: 404 });
    const dup = await call('POST', `/api/v1/people/${blair.id}/faces`, { as: 'admin', form: upload(PHOTOS.mccainOther), expect: 409 });
    assert.equal(errorCode(dup), 'possible_duplicate');
    assert.equal(dup.body.error.details.person_id, mccain.id);
    const turned = await call('POST', `/api/v1/people/${blair.id}/faces`, { as: 'admin', form: upload(PHOTOS.blairTurned), expect: 422 });
    assert.equal(errorCode(turned), 'poor_quality');
    assert.deepEqual(turned.body.error.details.quality.problems, ['turned_away']);
    await call('POST', `/api/v1/people/${blair.id}/faces`, { as: 'admin', form: upload(PHOTOS.blair), expect: 201 });
    assert.equal(errorCode(await call('POST', `/api/v1/people/${ada.id}/faces`, { as: 'admin', form: upload(PHOTOS.noFace), expect: 422 })), 'no_face');
    const several = await call('POST', `/api/v1/people/${ada.id}/faces`, { as: 'admin', form: upload(PHOTOS.twoFaces), expect: 422 });
    assert.equal(errorCode(several), 'several_faces');
    assert.ok(several.body.error.details.faces.length >= 2, 'the boxes found come with it');
    assert.equal(errorCode(await call('POST', `/api/v1/people/${ada.id}/faces`, { as: 'admin', json: { image: 'data:image/jpeg;base64,@@@' }, expect: 400 })), 'invalid_base64');
    assert.equal(errorCode(await call('POST', `/api/v1/people/${ada.id}/faces`, { as: 'admin', form: (() => { const f = new FormData(); f.append('label', 'x'); return f; })(), expect: 400 })), 'missing_image');
    await call('POST', '/api/v1/people/999999/faces', { as: 'admin', form: upload(PHOTOS.blair), expect: 404 });

    // ---- kiosks: the device at the door ----
    const kiosk = (await call('POST', `${E}/kiosks`, { as: 'admin', json: { name: 'Door A' }, expect: 201 })).body;
    cred.kiosk = kiosk.token;
    kinds[kiosk.token] = 'kioskToken';
    await call('GET', `${E}/kiosks`, { as: 'admin', expect: 200 });
    await call('GET', '/api/v1/kiosk/me', { as: 'kiosk', expect: 200 });
    assert.equal(errorCode(await call('GET', '/api/v1/kiosk/me', { as: 'admin', expect: 403 })), 'forbidden');
    assert.equal(errorCode(await call('GET', '/api/v1/events', { as: 'kiosk', expect: 403 })), 'forbidden');
    assert.equal(errorCode(await call('GET', `/api/v1/events/${later.id}/stats`, { as: 'kiosk', expect: 403 })), 'forbidden');
    const draftKiosk = (await call('POST', `/api/v1/events/${later.id}/kiosks`, { as: 'admin', json: { name: 'Early' }, expect: 201 })).body;
    cred.draftKiosk = draftKiosk.token;
    kinds[draftKiosk.token] = 'kioskToken';
    assert.equal(errorCode(await call('GET', '/api/v1/kiosk/me', { as: 'draftKiosk', expect: 401 })), 'kiosk_event_not_open');

    // ---- check-in by face ----
    const first = await call('POST', `${E}/checkin`, { as: 'kiosk', form: upload(PHOTOS.mccainKiosk), expect: 200 });
    const face = first.body.faces.find((f) => f.person);
    assert.ok(face, `McCain recognised: ${first.text}`);
    assert.equal(face.status, 'checked_in');
    assert.equal(face.person.id, mccain.id);
    const again = await call('POST', `${E}/checkin`, { as: 'kiosk', form: upload(PHOTOS.mccainKiosk), expect: 200 });
    assert.equal(again.body.faces.find((f) => f.person)?.status, 'already_checked_in');
    const strangerAdmin = await call('POST', `${E}/checkin`, { as: 'admin', form: upload(PHOTOS.stranger), expect: 200 });
    assert.equal(strangerAdmin.body.faces[0].status, 'not_recognised');
    assert.equal(typeof strangerAdmin.body.faces[0].distance, 'number', 'an admin sees the nearest distance');
    const strangerKiosk = await call('POST', `${E}/checkin`, { as: 'kiosk', form: upload(PHOTOS.stranger), expect: 200 });
    assert.equal(strangerKiosk.body.faces[0].distance, undefined, 'a kiosk never does');
    assert.equal(errorCode(await call('POST', `${E}/checkin`, { as: 'kiosk', json: { image: '' }, expect: 400 })), 'missing_image');
    assert.equal(errorCode(await call('POST', `${E}/checkin`, { as: 'kiosk', body: 'x', type: 'text/plain', expect: 415 })), 'unsupported_media_type');
    assert.equal(errorCode(await call('POST', `/api/v1/events/${later.id}/checkin`, { as: 'admin', form: upload(PHOTOS.mccainKiosk), expect: 409 })), 'checkin_closed');
    await call('POST', '/api/v1/detect', { as: 'kiosk', form: upload(PHOTOS.mccainKiosk), expect: 200 });
    await call('POST', '/api/v1/detect', { as: 'admin', form: upload(PHOTOS.noFace), expect: 200 });

    // ---- a walk-up guest registers at the kiosk ----
    assert.equal(errorCode(await call('POST', `${E}/self-register`, { as: 'kiosk', form: upload(PHOTOS.walkUp, { name: 'Aaron Sorkin' }), expect: 403 })), 'self_register_disabled');
    await call('PATCH', E, { as: 'admin', json: { self_register: true }, expect: 200 });
    const walkUp = await call('POST', `${E}/self-register`, { as: 'kiosk', form: upload(PHOTOS.walkUp, { name: 'Aaron Sorkin', organisation: 'HBO' }), expect: 201 });
    assert.equal(walkUp.body.person.name, 'Aaron Sorkin');
    assert.equal(errorCode(await call('POST', `${E}/self-register`, { as: 'kiosk', form: upload(PHOTOS.walkUp), expect: 400 })), 'missing_field');

    // ---- an active liveness challenge (the event itself is off) ----
    const challenge = await call('POST', `${E}/liveness/challenges`, { as: 'kiosk', expect: 201 });
    assert.equal(challenge.body.state, 'in_progress');
    await call('POST', `/api/v1/liveness/challenges/${challenge.body.id}/frames`, { as: 'kiosk', form: upload(PHOTOS.mccainKiosk), expect: 200 });
    assert.equal(errorCode(await call('POST', `/api/v1/liveness/challenges/${'0'.repeat(32)}/frames`, { as: 'kiosk', form: upload(PHOTOS.mccainKiosk), expect: 404 })), 'challenge_not_found');

    // ---- statistics and the attendance export ----
    const stats = await call('GET', `${E}/stats`, { as: 'kiosk', expect: 200 });
    assert.equal(stats.body.checked_in, 1);
    await call('GET', `${E}/stats`, { as: 'admin', expect: 200 });
    const exported = await call('GET', `${E}/export.csv`, { as: 'admin', expect: 200 });
    assert.match(exported.text, /John McCain/);
    await call('GET', '/api/v1/events/999999/export.csv', { as: 'admin', expect: 404 });

    // ---- invitations and the guest's side ----
    const invited = await call('POST', `${E}/invitations`, { as: 'admin', json: { person_ids: [blair.id] }, expect: 201 });
    assert.equal(invited.body.created, 1);
    const code = invited.body.invitations[0].code;
    const all = await call('POST', `${E}/invitations`, { as: 'admin', json: { all: true }, expect: 201 });
    const codeOf = (personId) => all.body.invitations.find((i) => i.person_id === personId).code;
    const outsider = (await call('POST', '/api/v1/people', { as: 'admin', json: { name: 'Not Invited' }, expect: 201 })).body;
    const notAttending = await call('POST', `${E}/invitations`, { as: 'admin', json: { person_ids: [outsider.id] }, expect: 422 });
    assert.equal(errorCode(notAttending), 'not_an_attendee');
    assert.equal(errorCode(await call('POST', `${E}/invitations`, { as: 'admin', json: {}, expect: 400 })), 'missing_field');
    await call('GET', `${E}/invitations`, { as: 'admin', expect: 200 });
    await call('GET', `${E}/invitations.csv`, { as: 'admin', expect: 200 });
    const view = await call('GET', `/api/v1/invitations/${code}`, { expect: 200 });
    assert.equal(view.body.consent.state, 'pending');
    assert.equal(errorCode(await call('POST', `/api/v1/invitations/${code}/face`, { form: upload(PHOTOS.blairSelfie), expect: 403 })), 'consent_required');
    assert.equal(errorCode(await call('POST', `/api/v1/invitations/${code}/consent`, { json: { accepted: true, version: view.body.consent.version + 1 }, expect: 409 })), 'consent_version_changed');
    assert.equal(errorCode(await call('POST', `/api/v1/invitations/${code}/consent`, { json: { version: 1 }, expect: 400 })), 'missing_field');
    const accepted = await call('POST', `/api/v1/invitations/${code}/consent`, { json: { accepted: true, version: view.body.consent.version }, expect: 200 });
    assert.equal(accepted.body.consent.state, 'accepted');
    await call('POST', `/api/v1/invitations/${code}/face`, { form: upload(PHOTOS.blairSelfie), expect: 201 });
    await call('DELETE', `/api/v1/invitations/${code}/face`, { expect: 204 });
    const qr = await call('POST', `${E}/checkin/qr`, { as: 'kiosk', json: { code: `${server.base}/invite/${code}` }, expect: 200 });
    assert.deepEqual([qr.body.status, qr.body.method], ['checked_in', 'qr']);
    assert.equal((await call('POST', `${E}/checkin/qr`, { as: 'admin', json: { code }, expect: 200 })).body.status, 'already_checked_in');
    assert.equal(errorCode(await call('POST', `/api/v1/events/${later.id}/checkin/qr`, { as: 'admin', json: { code }, expect: 404 })), 'invitation_not_found');
    const adaCode = codeOf(ada.id);
    await call('DELETE', `/api/v1/invitations/${adaCode}`, { as: 'admin', expect: 204 });
    assert.equal(errorCode(await call('GET', `/api/v1/invitations/${adaCode}`, { expect: 410 })), 'invitation_revoked');
    assert.equal(errorCode(await call('GET', `/api/v1/invitations/iv${'a'.repeat(24)}`, { expect: 404 })), 'invitation_not_found');
    const audit = await call('GET', `${E}/audit.csv`, { as: 'admin', expect: 200 });
    assert.match(audit.text, /consent_accepted/);
    const log = await call('GET', '/api/v1/audit.csv', { as: 'admin', expect: 200 });
    assert.match(log.text, /\r\n[^,]+,event_created,admin:\d+,/);
    assert.match(log.text, /,invitation_revoked,admin:\d+,/);
    await call('GET', '/api/v1/audit.csv?since=-5', { as: 'admin', expect: 400 });
    await call('GET', '/api/v1/audit.csv', { as: 'kiosk', expect: 403 });

    // ---- the staff desk, and the live feed ----
    const desk = (await call('POST', `${E}/desks`, { as: 'admin', json: { name: 'Front desk' }, expect: 201 })).body;
    cred.desk = desk.token;
    kinds[desk.token] = 'deskToken';
    await call('GET', `${E}/desks`, { as: 'admin', expect: 200 });
    await call('GET', '/api/v1/desk/me', { as: 'desk', expect: 200 });
    assert.equal(errorCode(await call('GET', '/api/v1/desk/me', { as: 'kiosk', expect: 403 })), 'forbidden');
    const found = await call('GET', `${E}/desk/attendees?search=acme`, { as: 'desk', expect: 200 });
    assert.equal(found.body.total, 2);
    await call('GET', `${E}/desk/attendees`, { as: 'admin', expect: 200 });
    assert.equal(errorCode(await call('GET', `${E}/desk/attendees?search=${'x'.repeat(201)}`, { as: 'desk', expect: 400 })), 'invalid_parameter');
    assert.equal(errorCode(await call('POST', '/api/v1/detect', { as: 'desk', form: upload(PHOTOS.mccainKiosk), expect: 403 })), 'forbidden');
    assert.equal(errorCode(await call('GET', '/api/v1/events', { as: 'desk', expect: 403 })), 'forbidden');
    await call('GET', `${E}/stats`, { as: 'desk', expect: 200 });

    const feed = await openStream(`${E}/stream?token=${encodeURIComponent(cred.admin)}`);
    try {
      assert.equal((await feed.next()).name, 'stats');
      const manual = await call('POST', `${E}/desk/checkins`, { as: 'desk', json: { person_id: ada.id }, expect: 200 });
      assert.deepEqual([manual.body.status, manual.body.method], ['checked_in', 'manual']);
      const news = await feed.next();
      assert.equal(news.name, 'check_in');
      assert.equal(news.data.person.id, ada.id);
      assert.equal((await feed.next()).name, 'stats');
    } finally {
      feed.close();
    }
    await call('POST', `${E}/desk/checkins`, { as: 'desk', json: { person_id: ada.id }, expect: 200 });
    await call('DELETE', `${E}/checkins/${ada.id}`, { as: 'desk', expect: 204 });
    assert.equal(errorCode(await call('DELETE', `${E}/checkins/${ada.id}`, { as: 'desk', expect: 404 })), 'not_found');
    assert.equal(errorCode(await call('POST', `${E}/desk/checkins`, { as: 'desk', json: { person_id: 999999 }, expect: 404 })), 'not_found');
    await call('POST', `${E}/checkin/qr`, { as: 'desk', json: { code: codeOf(bob.id) }, expect: 200 });
    const walkIn = await call('POST', `${E}/desk/walk-ins`, { as: 'desk', json: { name: 'Walk In', organisation: 'Press', check_in: true }, expect: 201 });
    assert.equal(typeof walkIn.body.checked_in_at, 'number');
    const quietWalkIn = await call('POST', `${E}/desk/walk-ins`, { as: 'admin', json: { name: 'Later Walk In' }, expect: 201 });
    assert.equal(quietWalkIn.body.checked_in_at, undefined);
    assert.equal(errorCode(await call('POST', `${E}/desk/walk-ins`, { as: 'desk', json: {}, expect: 400 })), 'missing_field');
    await call('GET', `${E}/desk/attendees?search=walk`, { as: 'desk', expect: 200 });

    // ---- admin keys ----
    const keys = (await call('GET', '/api/v1/admin/keys', { as: 'admin', expect: 200 })).body.keys;
    const created = (await call('POST', '/api/v1/admin/keys', { as: 'admin', json: { name: 'ops laptop' }, expect: 201 })).body;
    await call('DELETE', `/api/v1/admin/keys/${created.key.id}`, { as: 'admin', expect: 204 });
    assert.equal(errorCode(await call('DELETE', `/api/v1/admin/keys/${keys[0].id}`, { as: 'admin', expect: 409 })), 'last_admin_key');
    assert.equal(errorCode(await call('POST', '/api/v1/admin/keys', { as: 'admin', json: { name: 5 }, expect: 400 })), 'invalid_field');

    // ---- the tutorial's routes (--legacy-routes) on the open event ----
    await call('POST', '/face_register', { form: upload(PHOTOS.legacy, { name: 'Colin Powell' }, 'file'), expect: 200 });
    await call('POST', '/face_register', { form: upload(PHOTOS.noFace, {}, 'file'), expect: 422 });
    assert.equal((await call('POST', '/face_login', { form: upload(PHOTOS.legacyLogin, {}, 'file'), expect: 200 })).text, 'success');
    assert.equal((await call('POST', '/face_login', { form: upload(PHOTOS.noFace, {}, 'file'), expect: 200 })).text, 'fail');
    assert.match((await call('POST', '/face_detect', { form: upload(PHOTOS.legacy, {}, 'file'), expect: 200 })).text, /^\[\d+,\d+,\d+,\d+\]$/);
    assert.equal((await call('POST', '/face_detect', { form: upload(PHOTOS.noFace, {}, 'file'), expect: 200 })).text, '[]');
    assert.equal(errorCode(await call('GET', '/face_detect?url=/etc/passwd', { expect: 400 })), 'url_not_allowed');
    assert.equal(errorCode(await call('GET', '/face_detect', { expect: 400 })), 'image_required');

    // ---- revocations and deletions ----
    await call('DELETE', `/api/v1/kiosks/${kiosk.kiosk.id}`, { as: 'admin', expect: 204 });
    assert.equal(errorCode(await call('GET', '/api/v1/kiosk/me', { as: 'kiosk', expect: 401 })), 'unauthorized');
    await call('DELETE', `/api/v1/desks/${desk.desk.id}`, { as: 'admin', expect: 204 });
    assert.equal(errorCode(await call('GET', '/api/v1/desk/me', { as: 'desk', expect: 401 })), 'unauthorized');
    await call('DELETE', `${E}/attendees/${bob.id}`, { as: 'admin', expect: 204 });
    const deleted = await call('DELETE', `/api/v1/people/${walkIn.body.person.id}`, { as: 'admin' });
    assert.ok([202, 204].includes(deleted.status));
    await call('GET', `/api/v1/people/${walkIn.body.person.id}`, { as: 'admin', expect: 404 });
    await call('DELETE', `/api/v1/events/${later.id}`, { as: 'admin', expect: 204 });
    await call('GET', `/api/v1/events/${later.id}`, { as: 'admin', expect: 404 });
    // A route that does not exist is no operation, but its answer is still an Error.
    const nowhere = await fetch(`${server.base}/api/v1/no-such-route`, { headers: { Authorization: `Bearer ${cred.admin}` } });
    assert.equal(nowhere.status, 404);
    const asError = validator(pointer('components', 'schemas', 'Error'));
    assert.ok(asError(await nowhere.json()), ajvText(asError.errors));

    // ---- last, as it locks this address out of the invitation routes:
    // guessing codes. 20 unknown ones within 10 minutes, then 429.
    let limited = null;
    for (let i = 0; i < 25 && !limited; i += 1) {
      const guess = await call('GET', `/api/v1/invitations/iv${String(i).padStart(24, 'b')}`);
      if (guess.status === 429) limited = guess;
      else assert.equal(guess.status, 404);
    }
    assert.ok(limited, 'guessing codes ends in 429');
    assert.equal(errorCode(limited), 'rate_limited');
    dayFinished = true;
  });

  test('every operation of the description was exercised', (t) => {
    assert.ok(dayFinished, 'the sequence above stopped early, so which operations it reaches is unknown');
    const unexercised = operations()
      .map((o) => `${o.method} ${o.path}`)
      .filter((k) => !exercised.has(k) && !NOT_EXERCISED.has(k));
    assert.deepEqual(unexercised, [], 'operations of docs/openapi.json no request reached (exercise them, or list them in NOT_EXERCISED with the reason)');
    for (const k of NOT_EXERCISED.keys()) assert.ok(!exercised.has(k), `${k} is listed in NOT_EXERCISED but was exercised`);
    const statuses = [...exercised.values()].reduce((n, s) => n + s.size, 0);
    t.diagnostic(`${answers} answers validated; ${exercised.size} of ${operations().length} operations, ${statuses} operation+status pairs`);
  });
});
