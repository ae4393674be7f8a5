// The kiosk runs an active liveness challenge end to end in a real browser
// against the real server: the event asks for liveness, the kiosk's fake
// camera plays a real clip of a person blinking (LivePortrait d9, MIT), the
// page shows the prompt, sends the frames, and checks the guest in with the
// proof. The server's challenge is fixed to "blink, blink" with
// --test-challenge-actions (refused unless FACECHECK_ENABLE_TEST_FLAGS=1), so
// the prepared clip can follow it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';
import { videoY4m, videoFrame } from '../lib/video.mjs';
import { sharedData } from '../lib/paths.mjs';

const CLIP = path.join(sharedData, 'video', 'actions', 'liveportrait_d9.mp4');
const NAME = 'Blinking Guest';

if (!existsSync(CLIP) && process.env.FACECHECK_REQUIRE_DATA === '1') {
  throw new Error(`the shared clip is missing (${CLIP}) and FACECHECK_REQUIRE_DATA=1`);
}
const skip = existsSync(CLIP) ? false : `the shared clip is missing (${CLIP})`;

describe('active liveness at the kiosk', () => {
  let server;
  let work;
  let eventId;
  let token;

  const api = async (method, route, body) => {
    const isForm = body instanceof FormData;
    const res = await fetch(`${server.base}/api/v1${route}`, {
      method,
      headers: {
        Authorization: `Bearer ${server.adminKey}`,
        ...(body && !isForm ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? (isForm ? body : JSON.stringify(body)) : undefined,
      signal: AbortSignal.timeout(30000),
    });
    const json = await res.json().catch(() => null);
    assert.ok(res.ok, `${method} ${route} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  before(async () => {
    if (skip) return;
    work = await mkdtemp(path.join(tmpdir(), 'facecheck-e2e-live-'));
    server = await startServer({
      extraArgs: ['--test-challenge-actions', 'blink,blink'],
      env: { FACECHECK_ENABLE_TEST_FLAGS: '1' },
    });
    const now = Math.floor(Date.now() / 1000);
    const event = await api('POST', '/events', {
      name: 'Liveness Day', starts_at: now, ends_at: now + 3600, status: 'open', liveness: 'active',
    });
    eventId = event.id;
    const person = await api('POST', '/people', { name: NAME });
    const photo = await videoFrame(CLIP, path.join(work, 'enrol.jpg'), 0);
    const form = new FormData();
    form.append('image', new Blob([await readFile(photo)]), 'enrol.jpg');
    await api('POST', `/people/${person.id}/faces`, form);
    await api('POST', `/events/${eventId}/attendees`, { person_id: person.id });
    token = (await api('POST', `/events/${eventId}/kiosks`, { name: 'door' })).token;
  });

  after(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('the kiosk prompts the challenge and checks in the live guest', { skip, timeout: 120000 },
    async () => {
      const clip = await videoY4m(CLIP, path.join(work, 'd9.y4m'), 6);
      const kiosk = await launch({ camera: clip });
      try {
        const page = await kiosk.context.newPage();
        const errors = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${server.base}/kiosk.html#token=${token}`);
        const prompt = page.getByTestId('challenge-text');
        await prompt.waitFor({ state: 'visible', timeout: 30000 });
        assert.match(await prompt.textContent(), /blink|眨眼/i);
        await page.getByTestId('welcome-name').filter({ hasText: NAME })
          .waitFor({ state: 'visible', timeout: 60000 });
        const attendees = await api('GET', `/events/${eventId}/attendees`);
        const row = attendees.attendees.find((a) => a.name === NAME);
        assert.equal(row?.checked_in, true, JSON.stringify(attendees));
        assert.deepEqual(errors, []);
      } finally {
        await kiosk.close();
      }
    });
});
