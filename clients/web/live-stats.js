// The dashboard's live state, updated from the SSE stream. Pure: the stream
// wiring in admin-live.js feeds each message here and renders the result.
//
// The server sends `event: stats` (the whole stats object) after every
// check-in, so stats messages are authoritative and simply replace the
// counts; `event: check_in` feeds the recent list.

export const RECENT_LIMIT = 20;

const n = (v) => (Number.isFinite(Number(v)) ? Number(v) : 0);

// An optional breakdown object → the named counts, or null when the server
// did not send it (an older server: the dashboard then hides that line).
function breakdown(value, keys) {
  if (!value || typeof value !== 'object') return null;
  return Object.fromEntries(keys.map((k) => [k, n(value[k])]));
}

export function normaliseStats(raw) {
  const registered = n(raw?.registered);
  const checkedIn = n(raw?.checked_in);
  const buckets = Array.isArray(raw?.per_10_minutes) ? raw.per_10_minutes : [];
  const byMethod = breakdown(raw?.by_method, ['face', 'qr', 'manual']);
  const consent = breakdown(raw?.consent, ['accepted', 'declined', 'pending']);
  return {
    registered,
    enrolled: n(raw?.enrolled),
    checked_in: checkedIn,
    not_yet: raw?.not_yet != null ? n(raw.not_yet) : Math.max(0, registered - checkedIn),
    liveness_failures: n(raw?.liveness_failures),
    per_10_minutes: buckets
      .map((b) => ({ start: n(b?.start), count: n(b?.count) }))
      .sort((a, b) => a.start - b.start),
    ...(byMethod ? { by_method: byMethod } : {}),
    ...(consent ? { consent } : {}),
  };
}

export function createLiveState(stats = {}, recent = []) {
  return { stats: normaliseStats(stats), recent: recent.slice(0, RECENT_LIMIT) };
}

// SSE data is text; a malformed message is dropped rather than breaking
// the stream handler.
export function parseStreamData(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : null;
  } catch {
    return null;
  }
}

function recentEntry(data) {
  const person = data?.person || {};
  return {
    personId: person.id ?? null,
    name: String(person.name ?? ''),
    organisation: String(person.organisation ?? ''),
    at: Number(data?.checked_in_at) || 0,
    kioskId: data?.kiosk_id ?? null,
  };
}

// (state, SSE event name, parsed data) → new state. Unknown events and
// unusable data leave the state as it was.
export function applyStreamMessage(state, type, data) {
  if (!data) return state;
  if (type === 'stats') return { ...state, stats: normaliseStats(data) };
  if (type === 'check_in') {
    const entry = recentEntry(data);
    if (entry.personId === null && !entry.name) return state;
    // A person checks in once per event, so a repeat (e.g. the message
    // replayed after a reconnect) replaces rather than duplicates.
    const others = state.recent.filter((r) => entry.personId === null || r.personId !== entry.personId);
    const recent = [entry, ...others].sort((a, b) => b.at - a.at).slice(0, RECENT_LIMIT);
    return { ...state, recent };
  }
  return state;
}

// Before any live message arrives, the recent list comes from the attendee
// list: the latest check-ins first.
export function recentFromAttendees(attendees, limit = RECENT_LIMIT) {
  return (attendees || [])
    .filter((a) => a.checked_in_at)
    .map((a) => ({
      personId: a.person_id ?? a.id ?? null,
      name: String(a.name ?? ''),
      organisation: String(a.organisation ?? ''),
      at: Number(a.checked_in_at) || 0,
      kioskId: null,
    }))
    .sort((a, b) => b.at - a.at)
    .slice(0, limit);
}
