import test from 'node:test';
import assert from 'node:assert/strict';
import { createFrameScheduler, backoffMs } from '../frame-scheduler.js';
import { createFakeClock, deferred, flush } from './fake-timers.js';

// A task that records when it ran and how many runs overlapped.
function recorder(clock, body = async () => 'ok') {
  const rec = { starts: [], active: 0, maxActive: 0 };
  rec.task = async () => {
    rec.starts.push(clock.now());
    rec.active += 1;
    rec.maxActive = Math.max(rec.maxActive, rec.active);
    try {
      return await body(rec.starts.length);
    } finally {
      rec.active -= 1;
    }
  };
  return rec;
}

test('runs at once, then every interval', async () => {
  const clock = createFakeClock();
  const rec = recorder(clock);
  const s = createFrameScheduler({ task: rec.task, intervalMs: 500, timers: clock.timers, now: clock.now });
  s.start();
  await clock.advance(1000);
  assert.deepEqual(rec.starts, [0, 500, 1000]);
  s.stop();
});

test('never two requests in flight, however slow the server', async () => {
  const clock = createFakeClock();
  const answers = [];
  const rec = recorder(clock, () => {
    const d = deferred();
    answers.push(d);
    return d.promise;
  });
  const s = createFrameScheduler({ task: rec.task, intervalMs: 500, timers: clock.timers, now: clock.now });
  s.start();
  await clock.advance(5000); // the first request hangs for 5 s
  assert.equal(rec.starts.length, 1);
  assert.equal(s.inFlight, true);
  answers[0].resolve({});
  await clock.advance(0); // overdue: the next run starts right away
  assert.equal(rec.starts.length, 2);
  answers[1].resolve({});
  await clock.advance(500);
  assert.equal(rec.starts.length, 3);
  assert.equal(rec.maxActive, 1);
  s.stop();
});

test('the cadence counts from the start of each run, so a 300 ms request still gives 500 ms frames', async () => {
  const clock = createFakeClock();
  const rec = recorder(clock, () => new Promise((resolve) => clock.timers.setTimeout(resolve, 300)));
  const s = createFrameScheduler({ task: rec.task, intervalMs: 500, timers: clock.timers, now: clock.now });
  s.start();
  await clock.advance(1600);
  assert.deepEqual(rec.starts, [0, 500, 1000, 1500]);
  assert.equal(rec.maxActive, 1);
  s.stop();
});

test('after a successful check-in the loop holds for the delay onOutcome returns', async () => {
  const clock = createFakeClock();
  const rec = recorder(clock, async (n) => (n === 2 ? { welcome: true } : {}));
  const s = createFrameScheduler({
    task: rec.task, intervalMs: 500, timers: clock.timers, now: clock.now,
    onOutcome: (o) => (o.value?.welcome ? 4000 : undefined),
  });
  s.start();
  await clock.advance(5000);
  // Runs at 0 and 500 (welcome); nothing until 4500; then the normal cadence.
  assert.deepEqual(rec.starts, [0, 500, 4500, 5000]);
  s.stop();
});

test('stop() ends the loop, and an answer arriving after stop is not reported', async () => {
  const clock = createFakeClock();
  const answer = deferred();
  const outcomes = [];
  const rec = recorder(clock, () => answer.promise);
  const s = createFrameScheduler({ task: rec.task, timers: clock.timers, now: clock.now, onOutcome: (o) => outcomes.push(o) });
  s.start();
  await clock.advance(0);
  s.stop();
  answer.resolve({ faces: [] });
  await clock.advance(10000);
  assert.equal(rec.starts.length, 1);
  assert.deepEqual(outcomes, []);
  assert.equal(clock.pendingCount(), 0);
});

test('onOutcome may stop the loop (e.g. the kiosk token was revoked)', async () => {
  const clock = createFakeClock();
  const rec = recorder(clock, async () => { throw Object.assign(new Error('no'), { status: 401 }); });
  let s = null;
  s = createFrameScheduler({ task: rec.task, timers: clock.timers, now: clock.now, onOutcome: () => s.stop() });
  s.start();
  await clock.advance(5000);
  assert.equal(rec.starts.length, 1);
  assert.equal(s.running, false);
});

test('a restart while a stale request is out waits for it: still one in flight', async () => {
  const clock = createFakeClock();
  const answers = [];
  const rec = recorder(clock, () => {
    const d = deferred();
    answers.push(d);
    return d.promise;
  });
  const s = createFrameScheduler({ task: rec.task, timers: clock.timers, now: clock.now });
  s.start();
  await clock.advance(0);
  s.stop();
  s.start(); // e.g. the tab was hidden and shown again quickly
  await clock.advance(2000);
  assert.equal(rec.starts.length, 1);
  answers[0].resolve({});
  await clock.advance(0);
  assert.equal(rec.starts.length, 2);
  assert.equal(rec.maxActive, 1);
  s.stop();
});

test('failures are reported with a consecutive count that resets on success', async () => {
  const clock = createFakeClock();
  const script = ['fail', 'fail', 'ok', 'fail'];
  const rec = recorder(clock, async (n) => {
    if (script[n - 1] === 'fail') throw new Error('offline');
    return {};
  });
  const seen = [];
  const s = createFrameScheduler({
    task: rec.task, timers: clock.timers, now: clock.now,
    onOutcome: (o) => { seen.push([o.ok, o.failures]); return o.ok ? undefined : backoffMs(o.failures); },
  });
  s.start();
  await clock.advance(0); // fail #1 → retry in 1 s
  await clock.advance(1000); // fail #2 → retry in 2 s
  await clock.advance(2000); // ok
  await clock.advance(500); // fail #1 again
  s.stop();
  await flush();
  assert.deepEqual(seen, [[false, 1], [false, 2], [true, 0], [false, 1]]);
  assert.deepEqual(rec.starts, [0, 1000, 3000, 3500]);
});

test('start() twice does not start a second loop', async () => {
  const clock = createFakeClock();
  const rec = recorder(clock);
  const s = createFrameScheduler({ task: rec.task, intervalMs: 500, timers: clock.timers, now: clock.now });
  s.start();
  s.start();
  await clock.advance(500);
  assert.deepEqual(rec.starts, [0, 500]);
  s.stop();
});

test('backoffMs doubles from 1 s and is capped', () => {
  assert.deepEqual([1, 2, 3, 4].map((n) => backoffMs(n)), [1000, 2000, 4000, 8000]);
  assert.equal(backoffMs(5), 15000);
  assert.equal(backoffMs(500), 15000);
  assert.equal(backoffMs(0), 1000);
});
