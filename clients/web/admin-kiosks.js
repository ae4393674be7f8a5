// Kiosk tokens of the selected event: create (shown once), list, revoke.
import { byId, el, busy, replaceChildren, confirmDialog } from './dom.js';
import { formatDateTime } from './format.js';

// The kiosk page reads the token from the URL fragment, which browsers
// never send to the server, so it stays out of access logs.
export function kioskUrl(token, pageUrl) {
  const url = new URL('kiosk.html', pageUrl);
  url.hash = `token=${encodeURIComponent(token)}`;
  return url.href;
}

export function initKiosks(ctx) {
  let event = null;
  let kiosks = [];
  let issuedId = null; // the kiosk whose token is on screen

  function render() {
    const tbody = byId('kiosk-list').tBodies[0];
    if (kiosks.length === 0) {
      replaceChildren(tbody, el('tr', {}, el('td', { colspan: 4, class: 'empty' }, 'No kiosks yet.')));
      return;
    }
    replaceChildren(tbody, kiosks.map((k) => el('tr', { dataset: { testid: 'kiosk-row', kioskId: String(k.id) } },
      el('th', { scope: 'row' }, k.name),
      el('td', {}, formatDateTime(k.created_at)),
      el('td', { class: k.revoked_at ? 'muted' : 'ok' },
        k.revoked_at ? `revoked ${formatDateTime(k.revoked_at)}` : 'active'),
      el('td', { class: 'actions' }, k.revoked_at ? null : el('button', {
        type: 'button', class: 'danger', dataset: { testid: 'kiosk-revoke' },
        'aria-label': `Revoke ${k.name}`, onclick: () => revoke(k),
      }, 'Revoke')))));
  }

  async function load() {
    if (!event) return;
    const id = event.id;
    try {
      const response = await ctx.api.get(`/events/${id}/kiosks`);
      if (event?.id !== id) return;
      kiosks = Array.isArray(response) ? response : (response?.kiosks ?? []);
      render();
    } catch (error) {
      ctx.fail('Could not load kiosks', error);
    }
  }

  function show(ev) {
    event = ev;
    kiosks = [];
    byId('kiosk-issued').hidden = true;
    byId('kiosk-token').value = '';
    byId('kiosk-url').value = '';
    render();
    return load();
  }

  async function create() {
    const name = byId('kiosk-name').value.trim();
    if (!name || !event) return;
    try {
      const issued = await ctx.api.post(`/events/${event.id}/kiosks`, { json: { name } });
      issuedId = issued.kiosk?.id ?? null;
      byId('kiosk-token').value = issued.token;
      byId('kiosk-url').value = kioskUrl(issued.token, location.href);
      byId('kiosk-issued').hidden = false;
      byId('kiosk-name').value = '';
      byId('kiosk-url').select();
      await load();
    } catch (error) {
      ctx.fail('Could not create the kiosk', error);
    }
  }

  async function copyUrl() {
    const input = byId('kiosk-url');
    try {
      await navigator.clipboard.writeText(input.value);
      ctx.notify('Kiosk URL copied.');
    } catch {
      // Clipboard API needs a secure context; let the admin copy by hand.
      input.select();
      ctx.notify('Select-all is done: press Ctrl+C (⌘C) to copy.');
    }
  }

  async function revoke(k) {
    const answer = await confirmDialog({
      title: 'Revoke kiosk token',
      message: `Revoke “${k.name}”? That kiosk stops working at once.`,
      confirmLabel: 'Revoke',
    });
    if (!answer.ok) return;
    try {
      await ctx.api.del(`/kiosks/${k.id}`);
      ctx.notify(`Revoked ${k.name}.`);
      // The token is useless now; do not leave it on screen.
      if (k.id === issuedId) byId('kiosk-issued').hidden = true;
      await load();
    } catch (error) {
      ctx.fail('Could not revoke', error);
    }
  }

  byId('kiosk-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy(byId('kiosk-create'), create);
  });
  byId('kiosk-copy').addEventListener('click', copyUrl);

  return { show };
}
