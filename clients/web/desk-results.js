// The desk's search box and result rows: debounced search, one button per
// row (check in, or undo with a confirmation), and rows updated in place
// when this desk checks someone in. Decisions are in desk-search.js.
import { byId, el, busy, replaceChildren, confirmDialog } from './dom.js';
import { describeCodeCheckin } from './desk-logic.js';
import {
  searchPlan, createDebouncer, resultsFrom, deskRow, applyCheckin, searchStatus, methodLabel,
} from './desk-search.js';

// ctx: {t, lang(), api(), eventId(), fail(error) → view, showNotice,
// refreshCounts(), checkInByCode(code)}.
export function initResults(ctx) {
  const box = byId('search');
  let search = { state: 'idle', query: '', lastQuery: null, rows: [], total: 0, seq: 0 };
  const timeoutMs = 10000;

  function rowFor(a) {
    const r = deskRow(a, ctx.lang());
    const button = el('button', {
      type: 'button', class: r.action === 'undo' ? 'danger' : '',
      dataset: { testid: r.action === 'undo' ? 'result-undo' : 'result-checkin' },
      'aria-label': r.actionLabel,
      onclick: (e) => busy(e.currentTarget, () => (r.action === 'undo' ? undo(r) : checkIn(r))),
    }, r.actionText);
    return el('tr', {
      dataset: {
        testid: 'result-row', personId: String(r.personId ?? ''), checkedIn: String(r.checkedIn),
        method: r.method || '', consent: r.consent, faceEnrolled: String(r.faceEnrolled),
      },
    },
    el('th', { scope: 'row' }, r.name, r.title ? el('span', { class: 'muted small sub' }, r.title) : null),
    el('td', {}, r.organisation),
    el('td', {}, r.phone, r.email ? el('span', { class: 'muted small sub' }, r.email) : null),
    el('td', { class: r.faceEnrolled ? 'ok' : 'muted' }, r.faceText),
    el('td', { class: `consent ${r.consent}` }, r.consentText),
    el('td', { class: r.checkedIn ? 'ok' : 'muted', dataset: { testid: 'result-checked-in' } }, r.checkedInText),
    el('td', { class: 'actions' }, button));
  }

  function render() {
    const status = searchStatus({ state: search.state, query: search.query,
      shown: search.rows.length, total: search.total });
    const line = byId('search-status');
    line.dataset.key = status.key;
    line.textContent = ctx.t(status.key, status.vars);
    replaceChildren(byId('results').tBodies[0], search.rows.map(rowFor));
  }

  async function run(query) {
    const mine = ++search.seq; // only the latest search may render
    search = { ...search, state: 'loading', query, lastQuery: query };
    render();
    try {
      const body = await ctx.api().get(`/events/${ctx.eventId()}/desk/attendees`,
        { query: { search: query }, timeoutMs });
      if (mine !== search.seq) return;
      const { attendees, total } = resultsFrom(body);
      search = { ...search, state: 'done', rows: attendees, total };
    } catch (error) {
      if (mine !== search.seq) return;
      search = { ...search, state: 'idle', rows: [], total: 0, lastQuery: null };
      ctx.fail(error);
    }
    render();
  }

  const debounced = createDebouncer(run);

  // Typing searches after a pause; Enter searches at once, or checks in
  // the invitation code a scanner typed into the search box.
  function onInput({ enter = false } = {}) {
    const plan = searchPlan(box.value, search.lastQuery);
    if (plan.action === 'clear' || plan.action === 'code') {
      debounced.cancel();
      const checkNow = plan.action === 'code' && enter;
      if (checkNow) box.value = ''; // ready for the next scan
      // seq + 1: a search still out must not render over this.
      search = { ...search, seq: search.seq + 1, state: plan.action === 'code' && !checkNow ? 'code' : 'idle',
        rows: [], total: 0, lastQuery: null };
      render();
      if (checkNow) ctx.checkInByCode(plan.code);
      return;
    }
    if (plan.action === 'search') debounced.call(plan.query);
    if (!enter) return;
    // Enter on the query already shown searches again (a fresh list).
    if (debounced.pending) debounced.flush();
    else run(plan.query);
  }

  function markRow(personId, at, method) {
    const next = applyCheckin(search.rows, personId, at, method);
    if (next !== search.rows) {
      search = { ...search, rows: next };
      render();
    }
  }

  async function checkIn(row) {
    try {
      const body = await ctx.api().post(`/events/${ctx.eventId()}/desk/checkins`,
        { json: { person_id: row.personId }, timeoutMs });
      const view = describeCodeCheckin(body);
      markRow(row.personId, view.checkedInAt, view.method || 'manual');
      ctx.showNotice(view.kind === 'already' ? 'info' : 'ok', view.key, view.vars);
      ctx.refreshCounts();
    } catch (error) {
      // Not an attendee any more: the list is stale, show the current one.
      if (ctx.fail(error).key === 'deskErrNotFound') onInput({ enter: true });
    }
  }

  async function undo(row) {
    const answer = await confirmDialog({
      title: ctx.t('deskUndoTitle'),
      message: ctx.t('deskUndoMessage', { name: row.name, time: row.time, method: methodLabel(row.method, ctx.lang()) }),
      confirmLabel: ctx.t('deskUndoConfirm'),
    });
    if (!answer.ok) return;
    try {
      await ctx.api().del(`/events/${ctx.eventId()}/checkins/${row.personId}`, { timeoutMs });
      markRow(row.personId, null);
      ctx.showNotice('ok', 'deskUndoneNotice', { name: row.name });
      ctx.refreshCounts();
    } catch (error) {
      // 404: not checked in any more (undone elsewhere): show the truth.
      if (ctx.fail(error).key === 'deskErrNotFound') markRow(row.personId, null);
    }
  }

  box.addEventListener('input', () => onInput());
  box.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    onInput({ enter: true });
  });

  return {
    render,
    markRow,
    // After a walk-in: the new guest may match what is shown.
    refresh() {
      if (search.lastQuery) run(search.lastQuery);
    },
  };
}
