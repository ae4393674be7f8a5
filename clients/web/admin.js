// The admin dashboard: sign-in, then one context object shared by the
// section modules (events, attendees, enrolment, live stats, invitations,
// kiosks, desks).
import { createApi } from './api.js';
import { byId, busy } from './dom.js';
import { initEvents } from './admin-events.js';
import { initAttendees } from './admin-attendees.js';
import { initEnrol } from './admin-enrol.js';
import { initLive } from './admin-live.js';
import { initKiosks } from './admin-kiosks.js';
import { initDesks } from './admin-desks.js';
import { initInvitations } from './admin-invitations.js';
import { initAdminLang } from './admin-lang.js';

// sessionStorage: the key dies with the tab, and other tabs cannot read it.
const KEY_STORAGE = 'facecheck.adminKey';
let noticeTimer = null;

const ctx = {
  api: null,
  key: '',
  event: null,

  notify(message, kind = 'info') {
    const notice = byId('notice');
    notice.textContent = message;
    notice.dataset.kind = kind;
    notice.hidden = false;
    clearTimeout(noticeTimer);
    // Errors stay until replaced: the admin may be looking elsewhere.
    if (kind !== 'error') noticeTimer = setTimeout(() => { notice.hidden = true; }, 6000);
  },

  // For any caught error in a section: one place that words it.
  fail(prefix, error) {
    if (error?.status === 401) return; // signOut already explains
    const detail = error?.isNetwork ? 'the server could not be reached' : (error?.message || String(error));
    ctx.notify(`${prefix}: ${detail}`, 'error');
  },

  signOut(reason = '') {
    try { sessionStorage.removeItem(KEY_STORAGE); } catch { /* private mode */ }
    live.stop();
    enrol.close();
    ctx.api = null;
    ctx.key = '';
    ctx.event = null;
    document.body.dataset.signedIn = 'false';
    byId('app-view').hidden = true;
    byId('signout').hidden = true;
    byId('signin-view').hidden = false;
    byId('signin-error').textContent = reason;
    byId('admin-key').value = '';
    byId('admin-key').focus();
  },

  // Called by the events module when the selection changes (null = none).
  selectEvent(event) {
    const changed = ctx.event?.id !== event?.id;
    ctx.event = event;
    byId('no-event').hidden = Boolean(event);
    byId('event-view').hidden = !event;
    if (!event) {
      live.stop();
      history.replaceState(null, '', location.pathname + location.search);
      return;
    }
    history.replaceState(null, '', `#event=${event.id}`);
    if (!changed) return; // an edit of the same event: sections keep their state
    live.show(event);
    attendees.show(event);
    invitations.show(event);
    kiosks.show(event);
    desks.show(event);
  },

  // After anything that changes registered/enrolled counts.
  refreshStats() {
    live.refreshStats();
  },
};

const enrol = initEnrol(ctx);
const live = initLive(ctx);
const attendees = initAttendees(ctx, {
  onEnrol: (person) => enrol.open(person),
  onLoaded: (rows, filtered) => { if (!filtered) live.seedRecent(rows); },
  onSelection: (count) => invitations.setSelectedCount(count),
});
const invitations = initInvitations(ctx, { selectedIds: () => attendees.selectedIds() });
enrol.onEnrolled = () => { attendees.refresh(); ctx.refreshStats(); };
live.onCheckIn = (personId, at) => {
  attendees.markCheckedIn(personId, at);
  invitations.markCheckedIn(personId, at);
};
const kiosks = initKiosks(ctx);
const desks = initDesks(ctx);
const events = initEvents(ctx);
initAdminLang(byId('admin-lang'));

async function signIn(key) {
  // Probe with the events list; a 401 here means a wrong key, not an
  // expired session, so it must not trigger signOut's message.
  const probe = createApi({ token: key });
  const list = await probe.get('/events');
  ctx.key = key;
  ctx.api = createApi({
    token: key,
    onUnauthorized: () => ctx.signOut('Your admin key is no longer accepted. Sign in again.'),
  });
  try { sessionStorage.setItem(KEY_STORAGE, key); } catch { /* private mode */ }
  document.body.dataset.signedIn = 'true';
  byId('signin-view').hidden = true;
  byId('signin-error').textContent = '';
  byId('app-view').hidden = false;
  byId('signout').hidden = false;
  const wanted = Number(new URLSearchParams(location.hash.slice(1)).get('event')) || null;
  events.render(list, wanted);
}

byId('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = byId('admin-key').value.trim();
  if (!key) return;
  busy(byId('signin'), () => signIn(key)).catch((error) => {
    byId('signin-error').textContent = error?.status === 401 || error?.status === 403
      ? 'That key was not accepted.'
      : `Could not sign in: ${error?.isNetwork ? 'the server could not be reached' : error?.message}`;
  });
});

byId('signout').addEventListener('click', () => ctx.signOut(''));

// Resume a session after a reload of the tab.
let saved = null;
try { saved = sessionStorage.getItem(KEY_STORAGE); } catch { /* private mode */ }
if (saved) {
  signIn(saved).catch((error) => {
    if (error?.status === 401) {
      ctx.signOut('Your admin key is no longer accepted. Sign in again.');
      return;
    }
    // Server down: keep the key filled in so one click retries.
    byId('admin-key').value = saved;
    byId('signin-error').textContent = 'Could not reach the server. Try again when it is back.';
  });
} else {
  byId('admin-key').focus();
}
