// The guest's invitation page (/invite/{code}): event and name, the consent
// question, the selfie, the status, withdrawal, and the guest's QR code.
// What to show is decided in invite-flow.js; this file renders it and
// talks to the invitation routes. The code in the URL is the credential,
// so no Authorization header is sent.
import { createApi } from './api.js';
import { translate, pickLanguage, otherLanguage, STRINGS } from './i18n.js';
import { codeFromLocation, inviteUrl } from './invite-code.js';
import { guestView, guestError, consentParagraphs, eventWhen } from './invite-flow.js';
import { createSelfie } from './invite-selfie.js';
import { qrSvg } from './qr-svg.js';

const LANG_KEY = 'facecheck.guestLang';
const $ = (id) => document.getElementById(id);
const STEP_SECTIONS = {
  consent: 'consent-step', declined: 'declined-step', selfie: 'selfie-step',
  enrolled: 'enrolled-step', checked_in: 'checked-in-step',
};

const STATUS_NAMES = { statusInvited: 'invited', statusEnrolled: 'enrolled', statusCheckedIn: 'checked_in' };

const code = codeFromLocation(location);
const api = createApi({ timeoutMs: 30000 });
let lang = storedLanguage() || pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
let invitation = null;
let reviewConsent = false;
let notice = null; // () => text, so a language switch re-renders it
let result = null; // the selfie's last refusal: {error} or {key}

const t = (key, vars) => translate(lang, key, vars);
const selfie = createSelfie({
  els: {
    viewfinder: $('viewfinder'), video: $('selfie-video'), canvas: $('selfie-canvas'),
    guideCanvas: $('guide-canvas'), guide: $('selfie-guide'), start: $('selfie-start'),
    capture: $('selfie-capture'), file: $('selfie-file'),
  },
  t,
  onImage: upload,
});

function storedLanguage() {
  try {
    const value = localStorage.getItem(LANG_KEY);
    return value in STRINGS ? value : null;
  } catch {
    return null; // storage blocked: fall back to the browser's language
  }
}

function setNotice(render, kind = 'info') {
  notice = render;
  const node = $('notice');
  node.hidden = !render;
  node.dataset.kind = kind;
  node.textContent = render ? render() : '';
  node.dataset.key = '';
  if (!render) $('retry-row').hidden = true;
}

function showError(error, { retry = false } = {}) {
  setNotice(() => guestError(error, lang).text, 'error');
  $('notice').dataset.key = guestError(error, lang).key;
  $('retry-row').hidden = !retry;
}

// One place that decides what a refusal does to the page. inResult: the
// selfie's own refusals are shown next to the camera, not at the top.
async function handleFailure(error, { inResult = false } = {}) {
  const view = guestError(error, lang);
  if (view.action === 'fatal') {
    invitation = null;
    showError(error);
  } else if (view.action === 'reload') {
    reviewConsent = invitation?.consent?.state === 'declined';
    await load();
    showError(error);
  } else if (inResult) {
    result = { error };
  } else {
    showError(error, { retry: view.action === 'retry' });
  }
}

function renderResult() {
  const box = $('selfie-result');
  box.hidden = !result;
  if (!result) return;
  const view = result.error ? guestError(result.error, lang) : { key: result.key, text: t(result.key), problems: [] };
  box.dataset.kind = result.error ? 'refused' : 'sending';
  box.dataset.key = view.key;
  box.dataset.code = result.error?.code || '';
  $('selfie-message').textContent = view.text;
  const items = view.problems.map((text) => Object.assign(document.createElement('li'), { textContent: text }));
  if (result.error && view.action === 'retake') {
    items.push(Object.assign(document.createElement('li'), { textContent: t('selfieRetry') }));
  }
  $('selfie-problems').replaceChildren(...items);
}

function renderConsent() {
  const paragraphs = consentParagraphs(invitation?.consent?.text, lang);
  $('consent-text').replaceChildren(...paragraphs.map((text) =>
    Object.assign(document.createElement('p'), { textContent: text })));
  $('consent-text').dataset.version = String(invitation?.consent?.version ?? '');
}

function renderQr() {
  const box = $('qr-code');
  const url = inviteUrl(location.origin, code);
  if (box.dataset.url !== url) {
    box.replaceChildren(qrSvg(document, url, t('qrLabel')));
    box.dataset.url = url;
  }
  box.firstElementChild?.setAttribute('aria-label', t('qrLabel'));
}

function render() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  $('lang-toggle').textContent = t('langToggle');
  $('lang-toggle').lang = otherLanguage(lang) === 'zh' ? 'zh-CN' : 'en';
  $('lang-toggle').setAttribute('aria-label', t('langToggleLabel'));
  if (notice) $('notice').textContent = notice();
  selfie.retranslate();
  renderResult();
  const loaded = Boolean(invitation);
  $('event-card').hidden = !loaded;
  $('qr-section').hidden = !loaded;
  if (!loaded) {
    document.body.dataset.step = $('notice').dataset.kind === 'error' ? 'error' : 'loading';
    for (const id of Object.values(STEP_SECTIONS)) $(id).hidden = true;
    $('withdraw').hidden = true;
    return;
  }
  const view = guestView(invitation, { reviewConsent });
  document.body.dataset.step = view.step;
  document.body.dataset.consent = view.consent;
  const ev = invitation.event || {};
  document.title = `${ev.name || 'facecheck'} · ${t('guestPageTitle')}`;
  $('event-name').textContent = ev.name || '';
  $('event-when').textContent = eventWhen(ev, lang);
  $('event-venue').textContent = ev.venue || '';
  $('event-venue').hidden = !ev.venue;
  $('guest-name').textContent = t('guestHello', { name: invitation.attendee?.name || '' });
  $('status').textContent = t(view.statusKey, view.statusVars);
  $('status').dataset.status = STATUS_NAMES[view.statusKey];
  for (const [step, id] of Object.entries(STEP_SECTIONS)) $(id).hidden = step !== view.step;
  $('withdraw').hidden = !view.canWithdraw;
  if (view.step === 'consent') renderConsent();
  if (view.step !== 'selfie' && selfie.running) selfie.stop();
  renderQr();
}

async function load() {
  $('retry-row').hidden = true;
  try {
    invitation = await api.get(`/invitations/${code}`);
    setNotice(null);
  } catch (error) {
    if (guestError(error, lang).action === 'fatal') invitation = null;
    showError(error, { retry: guestError(error, lang).action !== 'fatal' });
  }
  render();
}

// A declining answer never needs the new text, so a version change during
// a decline or a withdrawal is answered with the new version at once.
async function answerConsent(accepted) {
  const send = () => api.post(`/invitations/${code}/consent`,
    { json: { accepted, version: invitation.consent?.version } });
  try {
    return await send();
  } catch (error) {
    if (error?.code !== 'consent_version_changed') throw error;
    invitation = await api.get(`/invitations/${code}`);
    if (accepted) throw error; // the guest must read what they agree to
    return send();
  }
}

async function act(button, action) {
  button.disabled = true;
  setNotice(null);
  try {
    await action();
  } catch (error) {
    await handleFailure(error);
  } finally {
    button.disabled = false;
    render();
  }
}

async function consent(button, accepted) {
  await act(button, async () => {
    invitation = await answerConsent(accepted);
    reviewConsent = false;
  });
}

async function upload(image) {
  result = { key: 'selfieSending' };
  renderResult();
  const form = new FormData();
  form.append('image', image, image.name || 'selfie.jpg');
  setNotice(null);
  try {
    await api.post(`/invitations/${code}/face`, { body: form });
    result = null;
    selfie.stop();
    invitation = await api.get(`/invitations/${code}`);
  } catch (error) {
    result = null;
    await handleFailure(error, { inResult: true });
  }
  render();
}

async function withdraw() {
  await act($('withdraw-button'), async () => {
    // The face first: it is what matters most. Deleting it may already
    // record the withdrawal; decline only if consent still stands.
    if (invitation.face?.enrolled) {
      await api.del(`/invitations/${code}/face`);
      invitation = await api.get(`/invitations/${code}`);
    }
    if (invitation.consent?.state === 'accepted') invitation = await answerConsent(false);
    setNotice(() => t('withdrawDone'), 'ok');
  });
}

$('consent-accept').addEventListener('click', (e) => consent(e.currentTarget, true));
$('consent-decline').addEventListener('click', (e) => consent(e.currentTarget, false));
$('consent-review').addEventListener('click', () => {
  reviewConsent = true;
  render();
});
$('withdraw-button').addEventListener('click', () => $('withdraw-dialog').showModal());
$('withdraw-cancel').addEventListener('click', () => $('withdraw-dialog').close());
$('withdraw-confirm').addEventListener('click', () => {
  $('withdraw-dialog').close();
  withdraw();
});
$('retry').addEventListener('click', load);
$('lang-toggle').addEventListener('click', () => {
  lang = otherLanguage(lang);
  try { localStorage.setItem(LANG_KEY, lang); } catch { /* storage blocked */ }
  render();
});

if (code) {
  setNotice(() => t('guestLoading'));
  render();
  load();
} else {
  setNotice(() => t('errNoCode'), 'error');
  $('notice').dataset.key = 'errNoCode';
  render();
}
