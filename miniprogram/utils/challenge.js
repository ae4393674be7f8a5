// The kiosk's side of an active liveness challenge (docs/liveness.md; the
// protocol is docs/api.md, "Liveness challenges"), as a state machine with no
// wx in it. The check-in page asks it what to send next (`action`), makes
// that one request and feeds the answer back (`feed`, or `fail` for an
// error); the machine says what to show (`view`, null: leave the screen as it
// is) and how long after the start of that step the next one may begin
// (`waitMs`).
//
// One machine is one attempt. The page makes a new one after each check-in
// (a proof is spent by its first check-in, whatever that answers) and on
// every restart, so a late answer for an old attempt cannot touch the new one.
//
// action:
//   'detect'  take a frame, POST /detect. A challenge is opened only once a
//             face is in view, so an empty kiosk does not open (and let
//             expire) one challenge after another.
//   'open'    POST /events/{id}/liveness/challenges (no photo)
//   'frame'   take a frame, POST /liveness/challenges/{id}/frames
//   'checkin' take the check-in photo, POST /events/{id}/checkin with `proof`;
//             that answer is the page's to read (the same as without liveness)
const config = require('../config')
const { LIVENESS, SCANNING } = require('./messages')

// Frames start 250 ms apart: 4 a second stays within the kiosk rate limit
// (5/s, docs/api.md "Limits") and still sees most blinks (150-400 ms).
const FRAME_MS = 250
// After the last action, a moment to face the camera again before the
// check-in photo: that one photo spends the proof, and a head still turned
// away would not be recognised.
const SETTLE_MS = 500
// A failure's message stays up this long before the kiosk looks for a face
// again (which replaces the message).
const HOLD_MS = 2000
// liveness_locked lasts until the kiosk's oldest failure is 3 minutes old;
// asking again every 30 s costs one request and resumes soon after it lifts.
const LOCKED_MS = 30000
// A proof the server did not take: start over after a beat.
const RESTART_MS = 1000

function view(message, extra) {
  return Object.assign({ message, detail: '', tone: '', progress: '' }, extra)
}

function createChallenge() {
  let action = 'detect'
  let id = null
  let proof = null

  function restart(shown, waitMs) {
    action = 'detect'
    id = null
    proof = null
    return { view: shown, waitMs }
  }

  // The answer of open and of every frame has the same shape.
  function progress(p) {
    const of = Array.isArray(p.actions) ? p.actions.length : 0
    if (p.state === 'passed') {
      action = 'checkin'
      proof = p.proof || null // none would be a server bug: check-in then says liveness_required
      return { view: view(LIVENESS.passed, { tone: 'ok', progress: LIVENESS.progress(of, of) }), waitMs: SETTLE_MS }
    }
    if (p.state === 'failed') {
      const text = LIVENESS.failed[p.reason] || LIVENESS.failedOther
      return restart(view(text, { tone: 'warn', detail: LIVENESS.retrying }), HOLD_MS)
    }
    // in_progress: frames that did not count (no_face, not_frontal,
    // still_frame) just continue; only the first two need the guest to act.
    action = 'frame'
    const seconds = Math.ceil(p.expires_in_ms / 1000)
    return {
      view: view(LIVENESS.actions[p.next_action] || LIVENESS.follow, {
        detail: LIVENESS.hints[p.reason] || '',
        progress: LIVENESS.progress(p.done || 0, of, seconds)
      }),
      waitMs: FRAME_MS
    }
  }

  return {
    get action() {
      return action
    },
    get id() {
      return id
    },
    get proof() {
      return proof
    },

    // answer: the JSON of the request `action` asked for.
    feed(answer) {
      const a = answer || {}
      switch (action) {
        case 'detect':
          if (Array.isArray(a.faces) && a.faces.length > 0) {
            action = 'open'
            return { view: null, waitMs: 0 }
          }
          return { view: view(SCANNING), waitMs: config.checkinIntervalMs }
        case 'open':
          id = a.id
          return progress(a)
        case 'frame':
          return progress(a)
        default:
          throw new Error(`feed() has nothing to do with the answer of ${action}`)
      }
    },

    // An error of the current step -> a decision, or null when it is not a
    // liveness matter (network, 409 closed, 429 rate_limited, 401...): the
    // page handles those as it does without liveness, and the step is tried
    // again as it was.
    fail(err) {
      switch (err && err.kind === 'http' ? err.code : '') {
        case 'liveness_locked':
          return restart(view(LIVENESS.locked, { tone: 'warn' }), LOCKED_MS)
        case 'liveness_required':
        case 'liveness_proof_invalid':
          return restart(view(LIVENESS.restart, { tone: 'warn' }), RESTART_MS)
        case 'challenge_not_found': // ended by the server (restart, or superseded)
          return restart(null, 0)
        default:
          return null
      }
    }
  }
}

module.exports = { createChallenge, FRAME_MS, SETTLE_MS, HOLD_MS, LOCKED_MS, RESTART_MS }
