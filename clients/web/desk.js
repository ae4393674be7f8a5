// The staff desk page: find a guest and check them in by hand (or undo
// it), check in an invitation QR code from the camera or a USB scanner,
// and register walk-ins. This file owns the token, the header counts, the
// notice and the language; the sections are desk-results.js,
// desk-scan.js and desk-walkin.js, and the decisions are in desk-logic.js
// and desk-search.js.
import { createApi } from './api.js';
import { byId } from './dom.js';
import { translate, pickLanguage, otherLanguage, STRINGS } from './i18n.js';
import { createFrameScheduler, backoffMs } from './frame-scheduler.js';
import { readDeskToken, deskTokenFromHash, deskError, deskCounts } from './desk-logic.js';
import { initResults } from './desk-results.js';
import { initScan } from './desk-scan.js';
import { initWalkIn } from './desk-walkin.js';

const TOKEN_KEY = 'facecheck.deskToken';
const LANG_KEY = 'facecheck.deskLang';
const STATS_INTERVAL_MS = 5000;
const REQUEST_TIMEOUT_MS = 10000;
const CLOSED_RETRY_MS = 30000;
const NOTICE_MS = 6000;

// localStorage throws in some locked-down profiles; the desk still works
// (it then forgets the token on reload).
const storage = {
  get: (k) => { try { return localStorage.getItem(k); } catch { return null; } },
  set: (k, v) => { try { localStorage.setItem(k, v); } catch { /* ignore */ } },
  remove: (k) => { try { localStorage.removeItem(k); } catch { /* ignore */ } },
};

let lang = storage.get(LANG_KEY) in STRINGS ? storage.get(LANG_KEY)
  : pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
let api = null;
let eventId = null;
let retryTimer = null;
let noticeTimer = null;
let notice = null; // {kind, key, vars}: re-rendered on a language switch
let counts = null; // the last stats body

const t = (key, vars) => translate(lang, key, vars);
const setState = (state) => { document.body.dataset.state = state; };

// ---- notice -------------------------------------------------------------------

function renderNotice() {
  const box = byId('notice');
  box.hidden = !notice;
  if (!notice) return;
  box.dataset.kind = notice.kind;
  box.dataset.key = notice.key;
  box.textContent = t(notice.key, notice.vars);
}

function showNotice(kind, key, vars = {}) {
  notice = { kind, key, vars };
  renderNotice();
  clearTimeout(noticeTimer);
  // Errors stay until replaced: the staff may be looking at the guest.
  if (kind !== 'error') noticeTimer = setTimeout(() => { notice = null; renderNotice(); }, NOTICE_MS);
}

// Any refused request: a refused token goes back to the token form,
// anything else is said in the notice. Returns deskError's view.
function fail(error) {
  const view = deskError(error, lang);
  if (view.fatal) askForToken('deskErrUnauthorized');
  else showNotice('error', view.key, view.vars);
  return view;
}

// ---- header counts --------------------------------------------------------------

function renderCounts() {
  if (!counts) return;
  const view = deskCounts(counts, lang);
  const box = byId('counts');
  Object.assign(box.dataset, {
    checkedIn: view.checkedIn, registered: view.registered,
    face: view.byMethod.face, qr: view.byMethod.qr, manual: view.byMethod.manual,
  });
  byId('counts-main').textContent = view.text;
  byId('counts-methods').textContent = view.methodText;
  box.title = box.dataset.state === 'stale' ? t('deskCountsStale') : '';
}

const getStats = () => api.get(`/events/${eventId}/stats`, { timeoutMs: REQUEST_TIMEOUT_MS });

// One poll at a time (a slow server lowers the rate, never piles up).
const stats = createFrameScheduler({
  task: getStats,
  intervalMs: STATS_INTERVAL_MS,
  onOutcome(outcome) {
    if (outcome.ok) {
      counts = outcome.value;
      byId('counts').dataset.state = 'live';
      renderCounts();
      return undefined;
    }
    if (deskError(outcome.error).fatal) return askForToken('deskErrUnauthorized');
    // Keep the last numbers, marked stale; a later poll may recover.
    byId('counts').dataset.state = 'stale';
    renderCounts();
    return Math.max(STATS_INTERVAL_MS, backoffMs(outcome.failures));
  },
});

// After this desk changed something: fresh numbers now, not in 5 s.
function refreshCounts() {
  getStats().then((body) => { counts = body; renderCounts(); })
    .catch(() => { /* the poll reports problems */ });
}

// ---- sections ---------------------------------------------------------------------

const shared = { t, lang: () => lang, api: () => api, eventId: () => eventId, fail, showNotice, refreshCounts };

const scan = initScan({
  ...shared,
  onFatal: () => askForToken('deskErrUnauthorized'),
  onCheckedIn: (view) => {
    if (view.personId !== null) results.markRow(view.personId, view.checkedInAt, view.method || 'qr');
  },
});

const results = initResults({ ...shared, checkInByCode: (code) => scan.checkInByCode(code) });

const walkIn = initWalkIn({
  t,
  post: (payload) => api.post(`/events/${eventId}/desk/walk-ins`, { json: payload, timeoutMs: REQUEST_TIMEOUT_MS }),
  onAdded: (view) => {
    showNotice('ok', view.key, { name: view.name });
    refreshCounts();
    results.refresh();
  },
  onError: fail,
});

// ---- start-up: token → event → counts ----------------------------------------------

function askForToken(problemKey) {
  clearTimeout(retryTimer);
  stats.stop();
  scan.stop();
  storage.remove(TOKEN_KEY);
  setState('token');
  byId('desk-app').hidden = true;
  byId('token-panel').hidden = false;
  const help = byId('token-help');
  help.dataset.key = problemKey || 'deskTokenHelp';
  help.textContent = t(help.dataset.key);
  byId('token-input').focus();
}

async function connect(token, failures = 0) {
  clearTimeout(retryTimer);
  api = createApi({ token, timeoutMs: REQUEST_TIMEOUT_MS });
  setState('connecting');
  byId('token-panel').hidden = true;
  try {
    const me = await api.get('/desk/me');
    eventId = me?.desk?.event_id ?? me?.event?.id;
    const name = me?.event?.name || 'facecheck';
    byId('event-name').textContent = name;
    document.title = `${name} · ${t('deskPageTitle')}`;
  } catch (error) {
    const view = fail(error);
    if (view.fatal) return;
    // The event not open (a draft, or over) or the server away: keep the
    // token and try again, slowly for the former.
    const closed = view.key === 'deskErrEventNotOpen' || view.key === 'deskErrEventOver';
    setState(closed ? 'closed' : 'offline');
    retryTimer = setTimeout(() => connect(token, failures + 1),
      closed ? CLOSED_RETRY_MS : backoffMs(failures + 1));
    return;
  }
  if (notice?.kind === 'error') {
    notice = null;
    renderNotice();
  }
  setState('ready');
  byId('desk-app').hidden = false;
  if (!document.hidden) stats.start();
  byId('search').focus();
}

function applyLanguage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  const toggle = byId('lang-toggle');
  toggle.textContent = t('deskLangToggle');
  toggle.lang = otherLanguage(lang) === 'zh' ? 'zh-CN' : 'en';
  toggle.setAttribute('aria-label', t('deskLangLabel'));
  const help = byId('token-help');
  help.textContent = t(help.dataset.key);
  if (eventId !== null) document.title = `${byId('event-name').textContent} · ${t('deskPageTitle')}`;
  renderNotice();
  renderCounts();
  results.render();
  scan.applyLanguage();
  walkIn.applyLanguage();
}

byId('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const read = readDeskToken(byId('token-input').value);
  byId('token-input').value = '';
  if (read.problem) return askForToken(read.problem);
  storage.set(TOKEN_KEY, read.token);
  return connect(read.token);
});
byId('lang-toggle').addEventListener('click', () => {
  lang = otherLanguage(lang);
  storage.set(LANG_KEY, lang);
  applyLanguage();
});
// A hidden tab (a closed laptop lid) need not poll the counts.
document.addEventListener('visibilitychange', () => {
  if (document.hidden) stats.stop();
  else if (document.body.dataset.state === 'ready') stats.start();
});

function init() {
  applyLanguage();
  const fromHash = deskTokenFromHash(location.hash);
  if (fromHash) {
    // Drop the token from the address bar so it is not left on screen.
    history.replaceState(null, '', location.pathname + location.search);
    if (fromHash.problem) return askForToken(fromHash.problem);
    storage.set(TOKEN_KEY, fromHash.token);
  }
  const token = fromHash?.token || storage.get(TOKEN_KEY);
  return token ? connect(token) : askForToken(null);
}

init();
