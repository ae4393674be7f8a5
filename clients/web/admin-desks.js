// Desk tokens of the selected event (staff desk pages): create (the token
// and the desk.html link are shown once), list, revoke. Like kiosks, but
// translated through admin-lang.
import { byId, el, busy, replaceChildren, confirmDialog } from './dom.js';
import { formatDateTime } from './format.js';
import { at, onAdminLang } from './admin-lang.js';

// The desk page reads the token from the URL fragment, which browsers
// never send to the server, so it stays out of access logs.
export function deskUrl(token, pageUrl) {
  const url = new URL('desk.html', pageUrl);
  url.hash = `token=${encodeURIComponent(token)}`;
  return url.href;
}

export function desksFrom(response) {
  return Array.isArray(response) ? response : (response?.desks ?? []);
}

export function initDesks(ctx) {
  let event = null;
  let desks = [];
  let issuedId = null; // the desk whose token is on screen
  let seq = 0; // only the latest load may render

  function render() {
    const tbody = byId('desk-list').tBodies[0];
    if (desks.length === 0) {
      replaceChildren(tbody, el('tr', {}, el('td', { colspan: 4, class: 'empty' }, at('desksEmpty'))));
      return;
    }
    replaceChildren(tbody, desks.map((d) => el('tr', { dataset: { testid: 'desk-row', deskId: String(d.id) } },
      el('th', { scope: 'row' }, d.name),
      el('td', {}, formatDateTime(d.created_at)),
      el('td', { class: d.revoked_at ? 'muted' : 'ok' },
        d.revoked_at ? at('desksRevokedAt', { date: formatDateTime(d.revoked_at) }) : at('desksActive')),
      el('td', { class: 'actions' }, d.revoked_at ? null : el('button', {
        type: 'button', class: 'danger', dataset: { testid: 'desk-revoke' },
        'aria-label': at('desksRevokeLabel', { name: d.name }), onclick: () => revoke(d),
      }, at('desksRevoke'))))));
  }

  async function load() {
    if (!event) return;
    const mine = ++seq;
    try {
      const response = await ctx.api.get(`/events/${event.id}/desks`);
      if (mine !== seq) return;
      desks = desksFrom(response);
      render();
    } catch (error) {
      if (mine === seq) ctx.fail(at('desksLoadFailed'), error);
    }
  }

  function show(ev) {
    event = ev;
    desks = [];
    byId('desk-issued').hidden = true;
    byId('desk-token').value = '';
    byId('desk-url').value = '';
    render();
    return load();
  }

  async function create() {
    const name = byId('desk-name').value.trim();
    if (!name || !event) return;
    try {
      const issued = await ctx.api.post(`/events/${event.id}/desks`, { json: { name } });
      issuedId = issued.desk?.id ?? null;
      byId('desk-token').value = issued.token;
      byId('desk-url').value = deskUrl(issued.token, location.href);
      byId('desk-issued').hidden = false;
      byId('desk-name').value = '';
      byId('desk-url').select();
      await load();
    } catch (error) {
      ctx.fail(at('desksCreateFailed'), error);
    }
  }

  async function copyUrl() {
    const input = byId('desk-url');
    try {
      await navigator.clipboard.writeText(input.value);
      ctx.notify(at('desksCopied'));
    } catch {
      // The Clipboard API needs a secure context; let the admin copy by hand.
      input.select();
      ctx.notify(at('desksCopyManual'));
    }
  }

  async function revoke(d) {
    const answer = await confirmDialog({
      title: at('desksRevokeTitle'),
      message: at('desksRevokeMessage', { name: d.name }),
      confirmLabel: at('desksRevoke'),
    });
    if (!answer.ok) return;
    try {
      await ctx.api.del(`/desks/${d.id}`);
      ctx.notify(at('desksRevoked', { name: d.name }));
      // The token is useless now; do not leave it on screen.
      if (d.id === issuedId) byId('desk-issued').hidden = true;
      await load();
    } catch (error) {
      ctx.fail(at('desksRevokeFailed'), error);
    }
  }

  byId('desk-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy(byId('desk-create'), create);
  });
  byId('desk-copy').addEventListener('click', copyUrl);
  onAdminLang(render);

  return { show };
}
