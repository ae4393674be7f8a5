// Live statistics of the selected event over Server-Sent Events. The
// stream's messages go through live-stats.js; this file owns the
// EventSource, the reconnects and the rendering.
import { byId, el, replaceChildren } from './dom.js';
import { formatClock } from './format.js';
import {
  createLiveState, applyStreamMessage, parseStreamData, normaliseStats, recentFromAttendees,
} from './live-stats.js';
import { fillBuckets, drawChart, chartSummary, checkinWindow } from './chart.js';

const RECONNECT_MS = 5000;

export function initLive(ctx) {
  let event = null;
  let source = null;
  let state = createLiveState();
  let heardLive = false; // once a check_in arrives, the stream owns the recent list
  let reconnectTimer = null;
  let statsSeq = 0;
  const api = { onCheckIn: null, show, stop, refreshStats, seedRecent };

  function setStatus(kind, text) {
    const pill = byId('live-status');
    pill.dataset.state = kind;
    pill.textContent = text;
  }

  // The axis spans the event's check-in window. During an open event it
  // runs up to now, so a lull shows as empty bars instead of the axis just
  // stopping.
  function chartRange() {
    const range = checkinWindow(ctx.event);
    if (ctx.event?.status !== 'open') return range;
    const now = Date.now() / 1000;
    return { ...range, until: Math.min(now, range.to ?? now) };
  }

  function render() {
    const s = state.stats;
    byId('stat-registered').textContent = String(s.registered);
    byId('stat-enrolled').textContent = String(s.enrolled);
    byId('stat-checked-in').textContent = String(s.checked_in);
    byId('stat-not-yet').textContent = String(s.not_yet);
    byId('stat-liveness-failures').textContent = String(s.liveness_failures);
    renderBreakdown('stats-by-method', 'stat-method', s.by_method);
    renderBreakdown('stats-consent', 'stat-consent', s.consent);
    renderChart();
    replaceChildren(byId('recent-checkins'), state.recent.length === 0
      ? el('li', { class: 'empty' }, 'No check-ins yet.')
      : state.recent.map((r) => el('li', { dataset: { testid: 'recent-checkin', personId: String(r.personId ?? '') } },
        el('time', { datetime: new Date(r.at * 1000).toISOString() }, formatClock(r.at)),
        el('span', { class: 'name' }, r.name),
        r.organisation ? el('span', { class: 'muted' }, r.organisation) : null)));
  }

  // e.g. by_method {face, qr, manual} → #stat-method-face …; hidden when absent.
  function renderBreakdown(boxId, prefix, counts) {
    byId(boxId).hidden = !counts;
    for (const [key, value] of Object.entries(counts || {})) {
      const cell = byId(`${prefix}-${key}`);
      if (cell) cell.textContent = String(value);
    }
  }

  function renderChart() {
    const canvas = byId('checkin-chart');
    const series = fillBuckets(state.stats.per_10_minutes, chartRange());
    drawChart(canvas, series, { formatTime: formatClock });
    canvas.setAttribute('aria-label', chartSummary(series, formatClock));
  }

  async function refreshStats() {
    if (!event) return;
    const mine = ++statsSeq;
    const id = event.id;
    try {
      const stats = await ctx.api.get(`/events/${id}/stats`);
      if (mine !== statsSeq || event?.id !== id) return;
      state = { ...state, stats: normaliseStats(stats) };
      render();
    } catch (error) {
      if (mine === statsSeq) ctx.fail('Could not load statistics', error);
    }
  }

  function handle(type, message) {
    const data = parseStreamData(message.data);
    if (!data) return;
    if (type === 'stats') statsSeq += 1; // a fetch still in flight is older than this
    state = applyStreamMessage(state, type, data);
    if (type === 'check_in') {
      heardLive = true;
      api.onCheckIn?.(data.person?.id, data.checked_in_at);
    }
    render();
  }

  function connect() {
    if (!event || !ctx.key) return;
    // EventSource cannot send headers, so the stream takes the key in the query.
    const url = `/api/v1/events/${event.id}/stream?token=${encodeURIComponent(ctx.key)}`;
    const es = new EventSource(url);
    source = es;
    setStatus('connecting', 'connecting…');
    es.addEventListener('open', () => {
      setStatus('live', 'live');
      refreshStats(); // catch up on whatever happened while disconnected
    });
    es.addEventListener('stats', (m) => handle('stats', m));
    es.addEventListener('check_in', (m) => handle('check_in', m));
    es.addEventListener('error', () => {
      if (source !== es) return;
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. an HTTP error): retry on our own timer.
        es.close();
        source = null;
        setStatus('offline', 'offline, retrying…');
        reconnectTimer = setTimeout(connect, RECONNECT_MS);
      } else {
        setStatus('connecting', 'reconnecting…');
      }
    });
  }

  function stop() {
    clearTimeout(reconnectTimer);
    source?.close();
    source = null;
    setStatus('idle', 'offline');
  }

  function show(ev) {
    stop();
    event = ev;
    state = createLiveState();
    heardLive = false;
    render();
    refreshStats();
    connect();
  }

  // The attendee list is the recent list until the stream says more.
  function seedRecent(attendees) {
    if (heardLive) return;
    state = { ...state, recent: recentFromAttendees(attendees) };
    render();
  }

  // Redraw on resize (the canvas is sized in CSS) and each minute (the
  // axis follows the clock during an open event).
  new ResizeObserver(() => renderChart()).observe(byId('checkin-chart'));
  setInterval(() => { if (event) renderChart(); }, 60000);

  return api;
}
