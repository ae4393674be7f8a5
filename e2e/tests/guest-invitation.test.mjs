// The guest's side end to end, in real browsers against the real server:
// the organiser invites an attendee in the admin page; the guest opens the
// link, accepts the consent text and takes a selfie with the (fake) camera;
// a kiosk whose camera shows another photo of them checks them in; their
// page shows the time; they delete their face; a kiosk of a fresh event no
// longer recognises them, while their QR code there still checks them in.
// A second guest declines consent and checks in with the QR code their page
// shows. Each kiosk is its own browser, because Chromium's fake camera plays
// one file per browser.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';
import { makeY4m } from '../lib/video.mjs';
import { qrY4m } from '../lib/qr.mjs';
import { lfwImages } from '../lib/paths.mjs';

const GUEST = { name: 'John McCain', dir: 'John_McCain' };
const SELFIE = path.join(lfwImages, GUEST.dir, 'John_McCain_0001.jpg');
const AT_KIOSK = path.join(lfwImages, GUEST.dir, 'John_McCain_0002.jpg');
const DECLINER = 'Declining Guest';
const TIMEOUT = 30000;

const missing = [SELFIE, AT_KIOSK].filter((p) => !existsSync(p));
if (missing.length && process.env.FACECHECK_REQUIRE_DATA === '1') {
  throw new Error(`the shared LFW photos are missing (${missing[0]}) and FACECHECK_REQUIRE_DATA=1`);
}
const skip = missing.length ? `the shared LFW photos are missing (${missing[0]})` : false;

describe('the guest invitation journey', () => {
  let server;
  let work;
  const errors = [];
  const browsers = [];

  const api = async (method, route, body) => {
    const res = await fetch(`${server.base}/api/v1${route}`, {
      method,
      headers: {
        Authorization: `Bearer ${server.adminKey}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30000),
    });
    const json = res.status === 204 ? null : await res.json().catch(() => null);
    assert.ok(res.ok, `${method} ${route} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  async function openEvent(name, personIds) {
    const now = Math.floor(Date.now() / 1000);
    const event = await api('POST', '/events', {
      name, venue: 'Hall 9', starts_at: now - 1800, ends_at: now + 3 * 3600, status: 'open',
      liveness: 'off', // the kiosk camera shows a still photo; liveness has its own test
    });
    for (const id of personIds) await api('POST', `/events/${event.id}/attendees`, { person_id: id });
    const { token } = await api('POST', `/events/${event.id}/kiosks`, { name: 'door' });
    return { id: event.id, kioskUrl: `${server.base}/kiosk.html#token=${token}` };
  }

  // A page in a new browser whose camera plays `clip` (none: no camera).
  async function openPage(url, clip, label) {
    const browser = await launch(clip ? { camera: clip } : {});
    browsers.push(browser);
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(`${label}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(`${label}: ${m.text()}`);
    });
    await page.goto(url);
    return page;
  }

  async function closeAll() {
    while (browsers.length) await browsers.pop().close();
  }

  const welcomed = (page, method, name) => page
    .locator(`#welcome[data-method=${method}]:not([hidden])`)
    .filter({ hasText: name })
    .waitFor({ state: 'visible', timeout: TIMEOUT });

  before(async () => {
    if (skip) return;
    work = await mkdtemp(path.join(tmpdir(), 'facecheck-e2e-guest-'));
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('invite, consent, selfie, check in by face, delete the face, check in by QR', { skip, timeout: 240000 }, async () => {
    const person = await api('POST', '/people', { name: GUEST.name });
    const first = await openEvent('Guest Day', [person.id]);
    const [selfieClip, kioskClip] = await Promise.all([
      makeY4m(SELFIE, path.join(work, 'selfie.y4m')),
      makeY4m(AT_KIOSK, path.join(work, 'kiosk.y4m')),
    ]);

    // The organiser invites everyone from the admin page.
    const admin = await openPage(`${server.base}/admin.html`, null, 'admin');
    await admin.fill('#admin-key', server.adminKey);
    await admin.click('#signin');
    await admin.locator('body[data-signed-in=true]').waitFor();
    await admin.click(`[data-testid=event-item][data-event-id="${first.id}"]`);
    await admin.click('#invite-all');
    const row = admin.locator('[data-testid=invitation-row]').filter({ hasText: GUEST.name });
    await row.waitFor({ timeout: TIMEOUT });
    const code = await row.getAttribute('data-code');
    assert.match(code, /^iv[a-z2-7]{24}$/);

    // The guest, on their own phone: consent, then a selfie.
    const guest = await openPage(`${server.base}/invite/${code}`, selfieClip, 'guest');
    await guest.locator('body[data-step=consent]').waitFor({ timeout: TIMEOUT });
    assert.match(await guest.textContent('#guest-name'), new RegExp(GUEST.name));
    await guest.click('#consent-accept');
    await guest.locator('body[data-step=selfie]').waitFor({ timeout: TIMEOUT });
    await guest.click('#selfie-start');
    await guest.locator('#selfie-capture:not([hidden])').waitFor({ timeout: TIMEOUT });
    await guest.waitForFunction(() => document.querySelector('#selfie-video')?.videoWidth > 0);
    await guest.click('#selfie-capture');
    await guest.locator('body[data-step=enrolled]').waitFor({ timeout: TIMEOUT });
    const faces = await api('GET', `/people/${person.id}/faces`);
    assert.equal(faces.faces.length, 1, 'the selfie went into the guest\'s own record');

    // The kiosk sees another photo of them.
    const kiosk = await openPage(first.kioskUrl, kioskClip, 'kiosk');
    await welcomed(kiosk, 'face', GUEST.name);

    // Their page shows the time of the check-in.
    await guest.reload();
    await guest.locator('body[data-step=checked_in]').waitFor({ timeout: TIMEOUT });
    const checkedIn = (await api('GET', `/events/${first.id}/attendees`)).attendees
      .find((a) => a.person_id === person.id).checked_in_at;
    const hhmm = await guest.evaluate((t) => {
      const d = new Date(t * 1000);
      return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    }, checkedIn);
    assert.match(await guest.textContent('#status'), new RegExp(hhmm));

    // "Delete my face": gone at once.
    await guest.click('#withdraw-button');
    await guest.click('#withdraw-confirm');
    await guest.waitForFunction(() => document.body.dataset.consent === 'declined', null, { timeout: TIMEOUT });
    assert.deepEqual((await api('GET', `/people/${person.id}/faces`)).faces, []);
    await closeAll();

    // A fresh event: the face is not recognised any more...
    const second = await openEvent('Guest Day 2', [person.id]);
    const secondKiosk = await openPage(second.kioskUrl, kioskClip, 'kiosk 2');
    await secondKiosk.locator('#status-message[data-kind=not_recognised]')
      .waitFor({ state: 'visible', timeout: TIMEOUT });
    assert.equal(await secondKiosk.locator('#welcome:not([hidden])').count(), 0);
    await closeAll();
    // ...while the invitation's QR code still checks them in.
    const { invitations } = await api('POST', `/events/${second.id}/invitations`, { person_ids: [person.id] });
    const qrClip = await qrY4m(invitations[0].url, path.join(work, 'qr-1.y4m'));
    const qrKiosk = await openPage(second.kioskUrl, qrClip, 'kiosk QR');
    await welcomed(qrKiosk, 'qr', GUEST.name);
    const stats = await api('GET', `/events/${second.id}/stats`);
    assert.deepEqual(stats.by_method, { face: 0, qr: 1, manual: 0 });
    await closeAll();
    assert.deepEqual(errors, []);
  });

  test('a guest who declines consent checks in with the QR code their page shows', { skip, timeout: 120000 }, async () => {
    const person = await api('POST', '/people', { name: DECLINER });
    const event = await openEvent('Decline Day', [person.id]);
    const { invitations } = await api('POST', `/events/${event.id}/invitations`, { all: true });
    const guest = await openPage(`${server.base}/invite/${invitations[0].code}`, null, 'decliner');
    await guest.locator('body[data-step=consent]').waitFor({ timeout: TIMEOUT });
    await guest.click('#consent-decline');
    await guest.locator('body[data-step=declined]').waitFor({ timeout: TIMEOUT });
    await guest.locator('#qr-code svg').waitFor({ timeout: TIMEOUT });
    const shown = await guest.getAttribute('#qr-code', 'data-url');
    assert.ok(shown.endsWith(`/invite/${invitations[0].code}`), shown);
    await closeAll();

    const qrClip = await qrY4m(shown, path.join(work, 'qr-2.y4m'));
    const kiosk = await openPage(event.kioskUrl, qrClip, 'kiosk decline');
    await welcomed(kiosk, 'qr', DECLINER);
    const stats = await api('GET', `/events/${event.id}/stats`);
    assert.equal(stats.consent.declined, 1);
    assert.equal(stats.by_method.qr, 1);
    await closeAll();
    assert.deepEqual(errors, []);
  });
});
