// Runs an async `step` again and again, waiting `delayMs` after each step has
// *finished* before starting the next. Unlike setInterval this can never have
// two steps (two uploads) in flight, however slow the server is.
//
// step() resolves to:
//   false          -> stop
//   a number       -> run again after that many ms (e.g. back off when busy)
//   anything else  -> run again after delayMs
// A step that throws stops the poller (the step should handle its own errors).
function createPoller(step, delayMs) {
  let running = false
  let busy = false
  let timer = null

  function schedule(ms) {
    timer = setTimeout(tick, ms)
  }

  async function tick() {
    timer = null
    if (!running || busy) return
    busy = true
    let next
    try {
      next = await step()
    } catch (e) {
      console.error('poller step failed', e)
      next = false
    } finally {
      busy = false
    }
    if (next === false) running = false
    // stop() may have been called while the step ran; start() may have been
    // called again since, in which case this chain simply carries on.
    if (running && timer === null) schedule(typeof next === 'number' ? next : delayMs)
  }

  return {
    start() {
      if (running) return
      running = true
      // If the previous chain's step is still in flight, it will schedule the
      // next tick when it settles; starting another now would overlap.
      if (!busy) schedule(0)
    },
    stop() {
      running = false
      if (timer !== null) clearTimeout(timer)
      timer = null
    },
    isRunning: () => running,
    isBusy: () => busy
  }
}

module.exports = { createPoller }
