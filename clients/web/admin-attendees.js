// Attendees of the selected event: search, add/edit/remove, CSV import.
import { byId, el, busy, replaceChildren, confirmDialog } from './dom.js';
import { formatDateTime } from './format.js';
import { importReport } from './import-report.js';
import { enrolmentCell } from './enrol-report.js';
import { at, onAdminLang } from './admin-lang.js';

const PERSON_FIELDS = ['name', 'organisation', 'title', 'email', 'phone', 'external_id'];
const fieldInput = (field) => byId(`attendee-${field.replace('_', '-')}`);

// onSelection(count): the ticked attendees changed (invitations uses them).
export function initAttendees(ctx, { onEnrol, onLoaded, onSelection }) {
  const dialog = byId('attendee-dialog');
  const search = byId('attendee-search');
  const selectAll = byId('attendee-select-all');
  // Ticks survive a search, so a selection can be built from several.
  const selected = new Set();
  let event = null;
  let rows = [];
  let editing = null; // attendee being edited; null when adding
  let searchTimer = null;
  let seq = 0; // only the latest search may render

  const personId = (a) => a.person_id ?? a.id;

  function render() {
    const tbody = byId('attendee-table').tBodies[0];
    const filtered = search.value.trim() !== '';
    if (rows.length === 0) {
      replaceChildren(tbody, el('tr', {}, el('td', { colspan: 7, class: 'empty' },
        filtered ? 'No attendee matches the search.' : 'No attendees yet: add one or import a CSV guest list.')));
    } else {
      replaceChildren(tbody, rows.map(rowFor));
    }
    const checked = rows.filter((a) => a.checked_in_at).length;
    byId('attendee-count').textContent = `(${rows.length}${filtered ? ' shown' : ''}, ${checked} checked in)`;
    const ticked = rows.filter((a) => selected.has(personId(a))).length;
    selectAll.checked = rows.length > 0 && ticked === rows.length;
    selectAll.indeterminate = ticked > 0 && ticked < rows.length;
  }

  function setSelected(ids, on) {
    for (const id of ids) {
      if (on) selected.add(id);
      else selected.delete(id);
    }
    onSelection?.(selected.size);
  }

  function rowFor(a) {
    const id = personId(a);
    const face = enrolmentCell(a);
    return el('tr', { dataset: { testid: 'attendee-row', personId: String(id), checkedIn: String(Boolean(a.checked_in_at)) } },
      el('td', { class: 'select' }, el('input', {
        type: 'checkbox', checked: selected.has(id), dataset: { testid: 'attendee-select' },
        'aria-label': at('invSelectLabel', { name: a.name }),
        onchange: (e) => { setSelected([id], e.currentTarget.checked); render(); },
      })),
      el('th', { scope: 'row' }, a.name),
      el('td', {}, a.organisation || ''),
      el('td', {}, a.title || ''),
      el('td', { class: face.cls, title: face.title, dataset: { testid: 'attendee-face' } }, face.text),
      el('td', { dataset: { testid: 'attendee-checked-in' } },
        a.checked_in_at ? formatDateTime(a.checked_in_at) : '—'),
      el('td', { class: 'actions' },
        el('button', { type: 'button', dataset: { testid: 'attendee-enrol' }, 'aria-label': `Enrol face of ${a.name}`,
          onclick: () => onEnrol({ id, name: a.name }) }, 'Enrol face'),
        el('button', { type: 'button', class: 'ghost', dataset: { testid: 'attendee-edit' }, 'aria-label': `Edit ${a.name}`,
          onclick: () => openDialog(a) }, 'Edit'),
        el('button', { type: 'button', class: 'danger', dataset: { testid: 'attendee-delete' }, 'aria-label': `Remove ${a.name}`,
          onclick: () => remove(a) }, 'Remove')));
  }

  async function refresh() {
    if (!event) return;
    const mine = ++seq;
    const query = search.value.trim();
    try {
      const response = await ctx.api.get(`/events/${event.id}/attendees`, { query: { search: query } });
      if (mine !== seq) return;
      rows = Array.isArray(response) ? response : (response?.attendees ?? []);
      if (!query) {
        // The whole list: forget ticks of people no longer in it.
        const present = new Set(rows.map(personId));
        setSelected([...selected].filter((id) => !present.has(id)), false);
      }
      render();
      onLoaded?.(rows, query !== '');
    } catch (error) {
      if (mine === seq) ctx.fail('Could not load attendees', error);
    }
  }

  function show(ev) {
    event = ev;
    rows = [];
    search.value = '';
    setSelected([...selected], false);
    byId('import-result').hidden = true;
    byId('import-errors').hidden = true;
    render();
    return refresh();
  }

  // A live check-in: update the row in place rather than reloading the list.
  function markCheckedIn(id, at) {
    const row = rows.find((a) => personId(a) === id);
    if (!row || row.checked_in_at) return;
    row.checked_in = true;
    row.checked_in_at = at;
    render();
  }

  function openDialog(attendee) {
    editing = attendee;
    byId('attendee-dialog-title').textContent = attendee ? `Edit ${attendee.name}` : 'Add attendee';
    for (const f of PERSON_FIELDS) fieldInput(f).value = attendee?.[f] ?? '';
    byId('attendee-form-error').textContent = '';
    dialog.showModal();
    fieldInput('name').focus();
  }

  async function save() {
    const person = {};
    for (const f of PERSON_FIELDS) person[f] = fieldInput(f).value.trim();
    if (!person.name) {
      byId('attendee-form-error').textContent = 'A name is required.';
      return;
    }
    try {
      if (editing) {
        await ctx.api.patch(`/people/${personId(editing)}`, { json: person });
      } else {
        // An empty external_id would collide with nobody, but omitting it
        // is what "no value" means to the API.
        if (!person.external_id) delete person.external_id;
        await ctx.api.post(`/events/${event.id}/attendees`, { json: person });
      }
      dialog.close();
      ctx.notify(editing ? `Saved ${person.name}.` : `Added ${person.name}.`);
      await refresh();
      ctx.refreshStats();
    } catch (error) {
      byId('attendee-form-error').textContent = error.message;
    }
  }

  async function remove(a) {
    const answer = await confirmDialog({
      title: 'Remove attendee',
      message: `Remove ${a.name} from “${event.name}”?`,
      confirmLabel: 'Remove',
      checkbox: 'Also delete this person everywhere, with their face data',
    });
    if (!answer.ok) return;
    try {
      if (answer.checked) await ctx.api.del(`/people/${personId(a)}`);
      else await ctx.api.del(`/events/${event.id}/attendees/${personId(a)}`);
      ctx.notify(answer.checked ? `Deleted ${a.name} and their face data.` : `Removed ${a.name}.`);
      await refresh();
      ctx.refreshStats();
    } catch (error) {
      ctx.fail(`Could not remove ${a.name}`, error);
    }
  }

  function renderImport(report) {
    const result = byId('import-result');
    const errors = byId('import-errors');
    // On refusal the error box carries the summary, above the rows.
    result.textContent = report.summary;
    result.dataset.kind = report.ok ? 'ok' : 'error';
    result.hidden = !report.ok;
    errors.hidden = report.ok;
    replaceChildren(errors, report.ok ? [] : [
      el('p', {}, el('strong', {}, report.summary)),
      report.rows.length ? el('table', { dataset: { testid: 'import-error-table' } },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'CSV line'), el('th', { scope: 'col' }, 'Problem'))),
        el('tbody', {}, report.rows.map((r) => el('tr', { dataset: { testid: 'import-error-row', row: String(r.row) } },
          el('td', {}, String(r.row)), el('td', {}, r.message))))) : null,
    ]);
  }

  async function importCsv() {
    const file = byId('import-file').files[0];
    if (!file || !event) return;
    const form = new FormData();
    form.append('file', file, file.name);
    const link = byId('import-link-existing').checked;
    let outcome;
    try {
      outcome = { ok: true, value: await ctx.api.post(`/events/${event.id}/import`, { body: form, query: { link_existing: link } }) };
    } catch (error) {
      if (error.status === 401) return;
      outcome = { ok: false, error };
    }
    renderImport(importReport(outcome));
    if (outcome.ok) {
      byId('import-file').value = '';
      await refresh();
      ctx.refreshStats();
    }
  }

  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(refresh, 250); // one request per pause in typing
  });
  selectAll.addEventListener('change', () => {
    setSelected(rows.map(personId), selectAll.checked);
    render();
  });
  onAdminLang(render);
  byId('add-attendee').addEventListener('click', () => event && openDialog(null));
  byId('attendee-cancel').addEventListener('click', () => dialog.close());
  byId('attendee-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy(byId('attendee-save'), save);
  });
  // Choosing a file imports it at once; the button re-sends the same file.
  const startImport = () => {
    if (!byId('import-submit').disabled) busy(byId('import-submit'), importCsv);
  };
  byId('import-form').addEventListener('submit', (e) => {
    e.preventDefault();
    startImport();
  });
  byId('import-file').addEventListener('change', startImport);

  return { show, refresh, markCheckedIn, selectedIds: () => [...selected] };
}
