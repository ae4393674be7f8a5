// Invitations of the selected event: invite everyone or the ticked
// attendees, list them with consent / face / check-in, revoke one,
// download the CSV for a mail merge, and open the printable QR cards.
// Row texts come from invitation-list.js; wording from i18n via admin-lang.
import { byId, el, busy, replaceChildren, confirmDialog, saveResponse } from './dom.js';
import { at, adminLang, onAdminLang } from './admin-lang.js';
import {
  invitationsFrom, invitationRow, invitationSummary, markInvitationCheckedIn,
} from './invitation-list.js';

export function initInvitations(ctx, { selectedIds }) {
  let event = null;
  let list = [];
  let selectedCount = 0;
  let seq = 0; // only the latest load may render

  function renderButtons() {
    const button = byId('invite-selected');
    button.textContent = at('invInviteSelected', { count: selectedCount });
    button.disabled = selectedCount === 0;
  }

  function rowFor(inv) {
    const r = invitationRow(inv, adminLang(), { origin: location.origin });
    return el('tr', {
      dataset: {
        testid: 'invitation-row', code: r.code, personId: String(r.personId ?? ''), consent: r.consent,
        faceEnrolled: String(r.faceEnrolled), checkedIn: String(r.checkedIn), state: r.state,
      },
    },
    el('th', { scope: 'row' }, r.name),
    el('td', {}, r.email),
    el('td', { class: `consent ${r.consent}`, dataset: { testid: 'invitation-consent' } }, r.consentText),
    el('td', { class: r.faceEnrolled ? 'ok' : 'muted' }, r.faceText),
    el('td', { dataset: { testid: 'invitation-checked-in' } }, r.checkedInText),
    el('td', { class: r.state === 'active' ? '' : 'muted' }, r.stateText),
    el('td', { class: 'link' }, r.state === 'active'
      ? el('a', { href: r.link, target: '_blank', rel: 'noopener noreferrer', dataset: { testid: 'invitation-link' } }, r.link)
      : '—'),
    el('td', { class: 'actions' }, r.canRevoke ? el('button', {
      type: 'button', class: 'danger', dataset: { testid: 'invitation-revoke' },
      'aria-label': at('invRevokeLabel', { name: r.name }), onclick: () => revoke(r),
    }, at('invRevoke')) : null));
  }

  function render() {
    renderButtons();
    const summary = invitationSummary(list);
    byId('invitation-count').textContent = list.length
      ? at('invCount', { total: summary.total, active: summary.active }) : '';
    byId('invitation-summary').textContent = list.length ? at('invSummary', summary) : '';
    const tbody = byId('invitation-table').tBodies[0];
    replaceChildren(tbody, list.length === 0
      ? el('tr', {}, el('td', { colspan: 8, class: 'empty' }, at('invEmpty')))
      : list.map(rowFor));
  }

  async function load() {
    if (!event) return;
    const mine = ++seq;
    try {
      const response = await ctx.api.get(`/events/${event.id}/invitations`);
      if (mine !== seq) return;
      list = invitationsFrom(response);
      render();
    } catch (error) {
      if (mine === seq) ctx.fail(at('invLoadFailed'), error);
    }
  }

  function show(ev) {
    event = ev;
    list = [];
    render();
    return load();
  }

  async function invite(body) {
    if (!event) return;
    try {
      const response = await ctx.api.post(`/events/${event.id}/invitations`, { json: body });
      await load();
      ctx.notify(at('invCreated', { created: Number(response?.created) || 0, total: list.length }));
      ctx.refreshStats(); // consent counts include the new invitations
    } catch (error) {
      if (error?.code === 'not_an_attendee') ctx.notify(at('invNotAttendee'), 'error');
      else ctx.fail(at('invCreateFailed'), error);
    }
  }

  async function inviteSelected() {
    const ids = selectedIds();
    if (ids.length === 0) {
      ctx.notify(at('invNoneSelected'));
      return;
    }
    await invite({ person_ids: ids });
  }

  async function revoke(row) {
    const answer = await confirmDialog({
      title: at('invRevokeTitle'),
      message: at('invRevokeMessage', { name: row.name }),
      confirmLabel: at('invRevoke'),
    });
    if (!answer.ok) return;
    try {
      await ctx.api.del(`/invitations/${encodeURIComponent(row.code)}`);
      ctx.notify(at('invRevoked', { name: row.name }));
      await load();
    } catch (error) {
      ctx.fail(at('invRevokeFailed'), error);
    }
  }

  async function downloadCsv() {
    if (!event) return;
    try {
      const response = await ctx.api.get(`/events/${event.id}/invitations.csv`, { as: 'response' });
      await saveResponse(response, `invitations-event-${event.id}.csv`);
    } catch (error) {
      ctx.fail(at('invCsvFailed'), error);
    }
  }

  // A new tab keeps this tab's sessionStorage copy (the admin key) only
  // when it is opened with an opener, so window.open without noopener.
  function printCards() {
    if (!event) return;
    window.open(`invite-cards.html#event=${event.id}`, '_blank');
  }

  byId('invite-all').addEventListener('click', (e) => busy(e.currentTarget, () => invite({ all: true })));
  byId('invite-selected').addEventListener('click', (e) => busy(e.currentTarget, inviteSelected));
  byId('invitations-csv').addEventListener('click', (e) => busy(e.currentTarget, downloadCsv));
  byId('print-cards').addEventListener('click', printCards);
  onAdminLang(render);

  return {
    show,
    refresh: load,
    // From the attendee list's ticks.
    setSelectedCount(count) {
      selectedCount = count;
      renderButtons();
    },
    // A live check-in: mark the row without a reload.
    markCheckedIn(personId, when) {
      const next = markInvitationCheckedIn(list, personId, when);
      if (next !== list) {
        list = next;
        render();
      }
    },
  };
}
