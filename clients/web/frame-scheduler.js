// Runs the kiosk's capture-and-send task about every intervalMs with AT
// MOST ONE run in flight. The next run is only planned once the previous
// one has settled, so a slow server or network never piles up requests;
// it just lowers the frame rate.
//
// onOutcome({ok, value, failures} | {ok: false, error, failures}) may
// return a delay in ms for
// the next run (e.g. hold after a welcome so the guest is not immediately
// told "already checked in", or back off when the server is down);
// anything else keeps the steady cadence. `failures` counts consecutive
// failed runs (0 after a success), which is what back-off needs. Timers and clock are injectable
// so tests can drive the loop without waiting.

const realTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
};

export function createFrameScheduler({
  task,
  intervalMs = 500,
  onOutcome = null,
  timers = realTimers,
  now = () => Date.now(),
}) {
  let running = false;
  let inFlight = false;
  let timer = null;
  let failures = 0;
  // Bumped by stop() and start(): a run that settles under an older
  // generation reports nothing, so a stopped kiosk never acts on a late answer.
  let generation = 0;

  function schedule(delay) {
    if (timer !== null) timers.clearTimeout(timer);
    timer = timers.setTimeout(tick, Math.max(0, delay));
  }

  async function tick() {
    timer = null;
    if (!running || inFlight) return;
    inFlight = true;
    const mine = generation;
    const started = now();
    let outcome;
    try {
      outcome = { ok: true, value: await task() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    inFlight = false;
    failures = outcome.ok ? 0 : failures + 1;
    outcome.failures = failures;
    if (mine !== generation) {
      // Restarted while this run was out: start() left the next run to us.
      if (running && timer === null) schedule(0);
      return;
    }
    const requested = onOutcome ? onOutcome(outcome) : undefined;
    if (!running || mine !== generation) return; // onOutcome stopped us
    const delay = Number.isFinite(requested) ? requested : intervalMs - (now() - started);
    schedule(delay);
  }

  return {
    start() {
      if (running) return;
      running = true;
      generation += 1;
      // With a stale run still out, its completion schedules the next one;
      // starting now would put two requests in flight.
      if (!inFlight) schedule(0);
    },
    stop() {
      running = false;
      generation += 1;
      if (timer !== null) {
        timers.clearTimeout(timer);
        timer = null;
      }
    },
    get running() {
      return running;
    },
    get inFlight() {
      return inFlight;
    },
  };
}

// Exponential back-off for repeated failures: 1 s, 2 s, 4 s … capped, so
// a kiosk left running through a server restart reconnects quickly without
// hammering it.
export function backoffMs(failures, { baseMs = 1000, maxMs = 15000 } = {}) {
  const n = Math.max(0, failures - 1);
  return Math.min(maxMs, baseMs * 2 ** Math.min(n, 20));
}
