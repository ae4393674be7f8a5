// Events: the sidebar list, the selected event's header, and the
// create/edit/delete dialogs.
import { byId, el, busy, replaceChildren, confirmDialog, saveResponse } from './dom.js';
import { eventFields, eventPayload } from './event-form.js';
import { at } from './admin-lang.js';
import { formatDateTime } from './format.js';

const FIELD_IDS = {
  name: 'event-name', venue: 'event-venue', starts: 'event-starts', ends: 'event-ends',
  status: 'event-status', threshold: 'event-threshold', opensBefore: 'event-opens-before',
  closesAfter: 'event-closes-after', liveness: 'event-liveness',
  consentText: 'event-consent-text', selfRegister: 'event-self-register',
  retainDays: 'event-retain-days',
};

// Checkboxes carry booleans; every other field is its text.
const readField = (input) => (input.type === 'checkbox' ? input.checked : input.value);
function writeField(input, value) {
  if (input.type === 'checkbox') input.checked = value === true;
  else input.value = value;
}

export function initEvents(ctx) {
  const dialog = byId('event-dialog');
  let events = [];
  let editing = null; // the event being edited, null when creating

  function listFrom(response) {
    return Array.isArray(response) ? response : (response?.events ?? []);
  }

  function renderList() {
    const selected = ctx.event?.id;
    replaceChildren(byId('event-list'), events.length === 0
      ? el('li', { class: 'empty' }, 'No events yet.')
      : events.map((ev) => el('li', {},
        el('button', {
          type: 'button', class: 'event-item', 'aria-current': ev.id === selected ? 'true' : null,
          dataset: { testid: 'event-item', eventId: String(ev.id) },
          onclick: () => select(ev.id),
        },
        el('span', { class: 'event-item-name' }, ev.name),
        el('span', { class: `badge ${ev.status}` }, ev.status),
        el('span', { class: 'muted small' }, formatDateTime(ev.starts_at))))));
  }

  function renderHeader(ev) {
    byId('event-title').textContent = ev.name;
    const parts = [
      ev.venue,
      `${formatDateTime(ev.starts_at)} – ${formatDateTime(ev.ends_at)}`,
      `status: ${ev.status}`,
      `threshold: ${ev.match_threshold ?? 'default'}`,
    ].filter(Boolean);
    byId('event-meta').textContent = parts.join(' · ');
  }

  function select(id) {
    const ev = events.find((e) => e.id === id) || null;
    if (ev) renderHeader(ev);
    ctx.selectEvent(ev);
    renderList();
  }

  // response: GET /events body; wanted: id to select (e.g. from the URL).
  function render(response, wanted = null) {
    events = listFrom(response);
    const keep = wanted ?? ctx.event?.id;
    if (events.some((e) => e.id === keep)) select(keep);
    else { ctx.selectEvent(null); renderList(); }
  }

  async function reload(wanted) {
    render(await ctx.api.get('/events'), wanted);
  }

  function openDialog(ev) {
    editing = ev;
    byId('event-dialog-title').textContent = ev ? 'Edit event' : 'New event';
    const fields = eventFields(ev);
    for (const [key, id] of Object.entries(FIELD_IDS)) writeField(byId(id), fields[key]);
    replaceChildren(byId('event-form-errors'));
    dialog.showModal();
    byId('event-name').focus();
  }

  async function save() {
    const fields = {};
    for (const [key, id] of Object.entries(FIELD_IDS)) fields[key] = readField(byId(id));
    const { payload, errors } = eventPayload(fields);
    for (const id of Object.values(FIELD_IDS)) byId(id).removeAttribute('aria-invalid');
    for (const e of errors) byId(FIELD_IDS[e.field])?.setAttribute('aria-invalid', 'true');
    replaceChildren(byId('event-form-errors'), errors.map((e) => el('li', {}, e.message)));
    if (errors.length) return;
    try {
      const saved = editing
        ? await ctx.api.patch(`/events/${editing.id}`, { json: payload })
        : await ctx.api.post('/events', { json: payload });
      dialog.close();
      const id = saved?.id ?? saved?.event?.id ?? editing?.id;
      await reload(id);
      if (editing && ctx.event) renderHeader(ctx.event);
      ctx.notify(editing ? 'Event saved.' : 'Event created.');
    } catch (error) {
      replaceChildren(byId('event-form-errors'), el('li', {}, error.message));
    }
  }

  async function remove() {
    const ev = ctx.event;
    if (!ev) return;
    const answer = await confirmDialog({
      title: 'Delete event',
      message: `Delete “${ev.name}” with its attendee list, check-ins and kiosk tokens? People and their faces are kept.`,
      confirmLabel: 'Delete event',
    });
    if (!answer.ok) return;
    try {
      await ctx.api.del(`/events/${ev.id}`);
      ctx.notify(`Deleted “${ev.name}”.`);
      ctx.event = null;
      await reload(null);
    } catch (error) {
      ctx.fail('Could not delete the event', error);
    }
  }

  // Downloads one of the event's CSV files (attendance, audit log).
  async function downloadCsv(route, filename, failure) {
    const ev = ctx.event;
    if (!ev) return;
    try {
      const response = await ctx.api.get(`/events/${ev.id}/${route}`, { as: 'response' });
      await saveResponse(response, `${filename}-event-${ev.id}.csv`);
    } catch (error) {
      ctx.fail(failure, error);
    }
  }
  const exportCsv = () => downloadCsv('export.csv', 'attendance', 'Could not export');
  // Who did what at this event: consent, desk work and the admins' changes.
  const exportAudit = () => downloadCsv('audit.csv', 'audit', at('exportAuditFailed'));

  byId('new-event').addEventListener('click', () => openDialog(null));
  byId('edit-event').addEventListener('click', () => ctx.event && openDialog(ctx.event));
  byId('delete-event').addEventListener('click', remove);
  byId('export-csv').addEventListener('click', (e) => busy(e.currentTarget, exportCsv));
  byId('export-audit').addEventListener('click', (e) => busy(e.currentTarget, exportAudit));
  byId('event-cancel').addEventListener('click', () => dialog.close());
  byId('event-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy(byId('event-save'), save);
  });

  return { render, reload };
}
