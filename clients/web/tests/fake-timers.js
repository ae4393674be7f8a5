// A manual clock for scheduler tests: timers fire only when advance() is
// called, and promise callbacks are flushed between timers, so a test can
// step through the loop without real waiting.

export const flush = () => new Promise((resolve) => setImmediate(resolve));

export function createFakeClock() {
  let now = 0;
  let nextId = 0;
  const pending = new Map();
  return {
    now: () => now,
    timers: {
      setTimeout(fn, ms) {
        nextId += 1;
        pending.set(nextId, { fn, at: now + Math.max(0, ms || 0) });
        return nextId;
      },
      clearTimeout(id) {
        pending.delete(id);
      },
    },
    pendingCount: () => pending.size,
    // Moves the clock forward by ms, firing due timers in order.
    async advance(ms) {
      const target = now + ms;
      await flush();
      for (;;) {
        let dueId = null;
        for (const [id, t] of pending) {
          if (t.at <= target && (dueId === null || t.at < pending.get(dueId).at)) dueId = id;
        }
        if (dueId === null) break;
        const { fn, at } = pending.get(dueId);
        pending.delete(dueId);
        now = Math.max(now, at);
        fn();
        await flush();
      }
      now = target;
      await flush();
    },
  };
}

// A promise with its resolve/reject exposed.
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
