// The kiosk's side of an active liveness challenge (docs/liveness.md): when
// a face is in view, open a challenge, send frames while the guest performs
// the two actions, then check in with the proof. One call of step() is one
// frame; it returns what the kiosk should show next. No DOM here.

// Frames during a challenge: 4 a second stays within the server's default
// kiosk rate limit (5/s) and still sees most blinks (150-400 ms).
export const CHALLENGE_FRAME_MS = 250;

// The arrow shown for each action. The preview is mirrored, so the guest's
// left is the screen's left.
export const ACTION_GLYPHS = {
  turn_left: '←', turn_right: '→', nod: '↕', blink: '◉',
};

export const ACTION_KEYS = {
  turn_left: 'challengeTurnLeft',
  turn_right: 'challengeTurnRight',
  nod: 'challengeNod',
  blink: 'challengeBlink',
};

function frameForm(blob, fields = {}) {
  const form = new FormData();
  form.append('image', blob, 'frame.jpg');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

// api: createApi(); eventId; capture(): Promise<Blob|null>.
export function createChallengeRunner({ api, eventId, capture, timeoutMs = 10000 }) {
  let challenge = null;

  function prompt(p) {
    return {
      kind: 'prompt', action: p.next_action, done: p.done, of: p.actions.length,
      reason: p.reason, remainingMs: p.expires_in_ms,
    };
  }

  async function idleStep(blob) {
    const found = await api.post('/detect', { body: frameForm(blob), timeoutMs });
    if (!found?.faces?.length) return { kind: 'idle' };
    challenge = await api.post(`/events/${eventId}/liveness/challenges`, { timeoutMs });
    return prompt(challenge);
  }

  async function challengeStep(blob) {
    let p;
    try {
      p = await api.post(`/liveness/challenges/${challenge.id}/frames`,
        { body: frameForm(blob), timeoutMs });
    } catch (error) {
      if (error?.code === 'challenge_not_found') {
        challenge = null;
        return { kind: 'idle' };
      }
      throw error;
    }
    if (p.state === 'failed') {
      challenge = null;
      return { kind: 'failed', reason: p.reason };
    }
    if (p.state !== 'passed') return prompt(p);
    challenge = null;
    const last = (await capture()) || blob;
    const response = await api.post(`/events/${eventId}/checkin`,
      { body: frameForm(last, { liveness_proof: p.proof }), timeoutMs });
    return { kind: 'checkin', response };
  }

  return {
    get active() { return challenge !== null; },
    reset() { challenge = null; },
    async step() {
      const blob = await capture();
      if (!blob) return null;
      return challenge ? challengeStep(blob) : idleStep(blob);
    },
  };
}
