// Printable QR cards of an event's active invitations: name, event and
// the QR code of the guest's link, for the desk to hand out or post. Opened
// from the admin page (which passes the event in the fragment and the admin
// key through this tab's copy of sessionStorage).
import { createApi } from './api.js';
import { byId, el, replaceChildren } from './dom.js';
import { translate, otherLanguage } from './i18n.js';
import { at, adminLang, initAdminLang, onAdminLang } from './admin-lang.js';
import { invitationsFrom, printableInvitations, invitationLink } from './invitation-list.js';
import { eventWhen } from './invite-flow.js';
import { qrSvg } from './qr-svg.js';

const KEY_STORAGE = 'facecheck.adminKey'; // the admin page's
let event = null;
let cards = [];
let message = null; // [key, vars, kind]: re-said when the language changes

function adminKey() {
  try { return sessionStorage.getItem(KEY_STORAGE) || ''; } catch { return ''; }
}

function say(key, vars, kind = 'info') {
  message = key ? [key, vars, kind] : null;
  const node = byId('cards-message');
  node.hidden = !key;
  node.dataset.kind = kind;
  node.textContent = key ? at(key, vars) : '';
  if (kind === 'error') document.body.dataset.state = 'error';
}

// Guests at one event may not share a language, so the caption is in both,
// the chosen one first (as the kiosk's greeting).
function caption() {
  const lang = adminLang();
  return `${translate(lang, 'cardScan')} · ${translate(otherLanguage(lang), 'cardScan')}`;
}

function card(inv) {
  const url = invitationLink(inv, location.origin);
  const place = [eventWhen(event, adminLang()), event?.venue].filter(Boolean).join(' · ');
  return el('article', { class: 'invite-card', dataset: { testid: 'invite-card', code: String(inv.code ?? '') } },
    el('p', { class: 'card-event' }, event?.name || ''),
    place ? el('p', { class: 'card-place' }, place) : null,
    el('p', { class: 'card-name', dataset: { testid: 'invite-card-name' } }, inv.name || ''),
    el('div', { class: 'card-qr', dataset: { url } }, qrSvg(document, url, `QR: ${inv.name || ''}`)),
    el('p', { class: 'card-caption' }, caption()),
    el('p', { class: 'card-url' }, url));
}

function render() {
  document.documentElement.lang = adminLang() === 'zh' ? 'zh-CN' : 'en';
  byId('cards-count').textContent = event ? at('cardsCount', { count: cards.length }) : '';
  if (event) document.title = `${event.name} · ${at('cardsTitle')}`;
  replaceChildren(byId('cards'), cards.map(card));
  byId('cards-print').disabled = cards.length === 0;
  if (event && cards.length === 0) say('cardsEmpty');
  else if (message) say(...message);
}

async function load() {
  const id = Number(new URLSearchParams(location.hash.slice(1)).get('event'));
  if (!Number.isInteger(id) || id <= 0) return say('cardsNoEvent', {}, 'error');
  const key = adminKey();
  if (!key) return say('cardsSignIn', {}, 'error');
  const api = createApi({ token: key });
  try {
    const [ev, response] = await Promise.all([
      api.get(`/events/${id}`),
      api.get(`/events/${id}/invitations`),
    ]);
    event = ev?.event ?? ev;
    cards = printableInvitations(invitationsFrom(response));
  } catch (error) {
    if (error?.status === 401) return say('cardsSignIn', {}, 'error');
    return say('cardsLoadFailed', { detail: error?.message || error?.code || '?' }, 'error');
  }
  document.body.dataset.state = 'ready';
  return render();
}

byId('cards-print').addEventListener('click', () => window.print());
initAdminLang(byId('cards-lang'));
onAdminLang(render);
load();
