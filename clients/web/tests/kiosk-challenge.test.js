// The kiosk's challenge runner: the order of its requests and what it tells
// the kiosk to show, against a scripted server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createChallengeRunner, ACTION_KEYS, ACTION_GLYPHS } from '../kiosk-challenge.js';
import { STRINGS } from '../i18n.js';
import { describeError } from '../kiosk-logic.js';

function scriptedApi(answers) {
  const calls = [];
  return {
    calls,
    async post(path, options = {}) {
      const fields = {};
      if (options.body instanceof FormData) {
        for (const [k, v] of options.body.entries()) fields[k] = typeof v === 'string' ? v : 'blob';
      }
      calls.push({ path, fields });
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

const blob = new Blob(['jpeg'], { type: 'image/jpeg' });
const capture = async () => blob;

test('opens a challenge only when a face is in view, then prompts the next action', async () => {
  const api = scriptedApi([
    { faces: [] },
    { faces: [{ box: [1, 2, 3, 4] }] },
    { id: 'c1', actions: ['blink', 'nod'], done: 0, state: 'in_progress', next_action: 'blink',
      reason: 'none', expires_in_ms: 10000 },
    { id: 'c1', actions: ['blink', 'nod'], done: 1, state: 'in_progress', next_action: 'nod',
      reason: 'none', expires_in_ms: 8000 },
  ]);
  const runner = createChallengeRunner({ api, eventId: 7, capture });
  assert.deepEqual(await runner.step(), { kind: 'idle' });
  assert.equal(runner.active, false);
  const first = await runner.step();
  assert.equal(first.kind, 'prompt');
  assert.equal(first.action, 'blink');
  assert.equal(runner.active, true);
  const second = await runner.step();
  assert.equal(second.action, 'nod');
  assert.equal(second.done, 1);
  assert.deepEqual(api.calls.map((c) => c.path), [
    '/detect', '/detect', '/events/7/liveness/challenges', '/liveness/challenges/c1/frames',
  ]);
});

test('a passed challenge checks in with its proof and starts over', async () => {
  const api = scriptedApi([
    { faces: [{ box: [0, 0, 9, 9] }] },
    { id: 'c2', actions: ['turn_left', 'blink'], done: 0, state: 'in_progress',
      next_action: 'turn_left', expires_in_ms: 10000 },
    { id: 'c2', actions: ['turn_left', 'blink'], done: 2, state: 'passed', proof: 'p'.repeat(32) },
    { faces: [{ status: 'checked_in', person: { id: 1, name: 'Ada' } }] },
  ]);
  const runner = createChallengeRunner({ api, eventId: 3, capture });
  await runner.step();
  const done = await runner.step();
  assert.equal(done.kind, 'checkin');
  assert.equal(done.response.faces[0].status, 'checked_in');
  const checkin = api.calls.at(-1);
  assert.equal(checkin.path, '/events/3/checkin');
  assert.equal(checkin.fields.liveness_proof, 'p'.repeat(32));
  assert.equal(runner.active, false);
});

test('a failed or vanished challenge is dropped', async () => {
  const gone = Object.assign(new Error('gone'), { status: 404, code: 'challenge_not_found' });
  const api = scriptedApi([
    { faces: [{}] },
    { id: 'c3', actions: ['nod', 'blink'], done: 0, state: 'in_progress', next_action: 'nod' },
    { id: 'c3', actions: ['nod', 'blink'], done: 0, state: 'failed', reason: 'repeated_frame' },
    { faces: [{}] },
    { id: 'c4', actions: ['nod', 'blink'], done: 0, state: 'in_progress', next_action: 'nod' },
    gone,
  ]);
  const runner = createChallengeRunner({ api, eventId: 1, capture });
  await runner.step();
  assert.deepEqual(await runner.step(), { kind: 'failed', reason: 'repeated_frame' });
  assert.equal(runner.active, false);
  await runner.step();
  assert.deepEqual(await runner.step(), { kind: 'idle' });
  assert.equal(runner.active, false);
});

test('every action has an arrow and words in both languages', () => {
  for (const action of ['turn_left', 'turn_right', 'nod', 'blink']) {
    assert.ok(ACTION_GLYPHS[action]);
    for (const lang of ['zh', 'en']) assert.ok(STRINGS[lang][ACTION_KEYS[action]], `${lang} ${action}`);
  }
});

test('liveness refusals do not send the kiosk back to the token screen', () => {
  for (const code of ['liveness_required', 'liveness_proof_invalid']) {
    const view = describeError({ status: 403, code }, 'en');
    assert.equal(view.fatal, false);
    assert.equal(view.kind, 'liveness');
  }
  const locked = describeError({ status: 429, code: 'liveness_locked' }, 'zh');
  assert.equal(locked.text, STRINGS.zh.livenessLocked);
  assert.equal(describeError({ status: 403, code: 'forbidden' }, 'en').fatal, true);
});
