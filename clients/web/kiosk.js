// The kiosk page: camera → one frame at a time to the check-in route →
// welcome card / status line / face boxes. Decisions live in the pure
// modules (kiosk-logic, frame-scheduler, box-scaling); this file wires them
// to the DOM, the camera and the server.
import { createApi } from './api.js';
import { startCamera, stopStream, captureJpeg, cameraErrorKey } from './camera.js';
import { createOverlay } from './kiosk-overlay.js';
import { createFrameScheduler } from './frame-scheduler.js';
import {
  createChallengeRunner, CHALLENGE_FRAME_MS, ACTION_GLYPHS, ACTION_KEYS,
} from './kiosk-challenge.js';
import {
  describeCheckin, describeError, createStreak, createRecentMemory, tokenFromHash,
} from './kiosk-logic.js';
import { translate, pickLanguage, otherLanguage, STRINGS } from './i18n.js';
import { createQrCheckin } from './kiosk-qr-scanner.js';
import { describeQrError } from './kiosk-qr.js';

const TOKEN_KEY = 'facecheck.kioskToken';
const LANG_KEY = 'facecheck.kioskLang';
const FRAME_INTERVAL_MS = 500;
const REQUEST_TIMEOUT_MS = 10000;
const CAMERA_RETRY_MS = 5000;
const QR_NOTICE_MS = 4000;

const $ = (id) => document.getElementById(id);
const els = {
  video: $('video'), overlay: $('overlay'), capture: $('capture'), eventName: $('event-name'),
  lang: $('lang-toggle'), welcome: $('welcome'), greeting: $('welcome-greeting'),
  name: $('welcome-name'), detail: $('welcome-detail'), status: $('status-message'),
  tokenPanel: $('token-panel'), tokenForm: $('token-form'), tokenInput: $('token-input'),
  tokenHelp: $('token-help'), challenge: $('challenge'), challengeGlyph: $('challenge-glyph'),
  challengeText: $('challenge-text'), challengeStep: $('challenge-step'), qrCanvas: $('qr-canvas'),
};

const storage = safeStorage();
let lang = knownLanguage(storage.get(LANG_KEY)) || pickLanguage(navigator.languages?.length
  ? navigator.languages : [navigator.language]);
let api = null;
let eventId = null;
let challenges = null; // set when the event asks for an active liveness challenge
let stream = null;
let connectFailures = 0;
let retryTimer = null;
let cardTimer = null;
let statusText = () => '';
let cardResponse = null;
let statusHoldUntil = 0; // a QR refusal stays readable over idle frames
const streak = createStreak(2);
// Someone just welcomed is still in frame for a while; telling them
// "already checked in" seconds later would sound like an error.
const welcomed = createRecentMemory(20000);
// A guest who shows their QR code asked a question: always answer it.
const describe = (response) => describeCheckin(response, lang,
  { quiet: (id) => response?.method !== 'qr' && welcomed.has(id) });

const overlay = createOverlay(els.overlay, els.video);

const scheduler = createFrameScheduler({
  task: sendFrame, intervalMs: FRAME_INTERVAL_MS, onOutcome: handleOutcome,
});

function knownLanguage(value) {
  return value in STRINGS ? value : null;
}

// localStorage throws in some locked-down browser profiles; the kiosk must
// still work (it then just forgets the token on reload).
function safeStorage() {
  return {
    get: (k) => { try { return localStorage.getItem(k); } catch { return null; } },
    set: (k, v) => { try { localStorage.setItem(k, v); } catch { /* ignore */ } },
    remove: (k) => { try { localStorage.removeItem(k); } catch { /* ignore */ } },
  };
}

const t = (key, vars) => translate(lang, key, vars);

function setState(state) {
  document.body.dataset.state = state;
}

// The status line re-renders from a function so a language switch
// translates whatever is currently shown.
function setStatus(kind, render) {
  statusText = render;
  els.status.dataset.kind = kind;
  els.status.textContent = render();
}

function applyLanguage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  els.lang.textContent = t('langToggle');
  els.lang.lang = otherLanguage(lang) === 'zh' ? 'zh-CN' : 'en';
  els.lang.setAttribute('aria-label', t('langToggleLabel'));
  els.status.textContent = statusText();
  if (cardResponse && !els.welcome.hidden) renderCard(cardResponse);
}

// ---- welcome card -------------------------------------------------------

function renderCard(response) {
  const view = describe(response);
  els.welcome.dataset.kind = view.kind;
  els.welcome.dataset.method = response?.method || 'face';
  els.greeting.textContent = view.kind === 'welcome' ? view.title : '';
  els.name.textContent = view.kind === 'welcome' ? view.text : view.title;
  els.detail.textContent = view.kind === 'welcome' ? view.detail : view.text;
  return view;
}

function showCard(response) {
  cardResponse = response;
  const view = renderCard(response);
  els.welcome.hidden = false;
  clearTimeout(cardTimer);
  cardTimer = setTimeout(() => { els.welcome.hidden = true; cardResponse = null; }, view.holdMs);
}

// ---- the loop -------------------------------------------------------------

const capture = () => captureJpeg(els.video, els.capture, { maxWidth: 640, quality: 0.8 });

function showChallenge(step) {
  els.challenge.hidden = !step;
  if (!step) return;
  els.challengeGlyph.textContent = ACTION_GLYPHS[step.action] || '';
  const key = step.reason === 'not_frontal' ? 'challengeFaceCamera' : ACTION_KEYS[step.action];
  els.challengeText.textContent = key ? t(key) : '';
  els.challengeStep.textContent = t('challengeStep', { step: step.done + 1, of: step.of });
  els.challenge.dataset.action = step.action || '';
}

// Active liveness: the runner's step replaces the plain check-in frame.
async function sendFrame() {
  if (challenges) return { challengeStep: await challenges.step() };
  const blob = await captureJpeg(els.video, els.capture, { maxWidth: 640, quality: 0.8 });
  if (!blob) return null; // the camera has not produced a frame yet
  const form = new FormData();
  form.append('image', blob, 'frame.jpg');
  return api.post(`/events/${eventId}/checkin`, { body: form, timeoutMs: REQUEST_TIMEOUT_MS });
}

function handleChallengeStep(step) {
  if (!step) return undefined;
  if (step.kind === 'prompt') {
    showChallenge(step);
    return CHALLENGE_FRAME_MS;
  }
  showChallenge(null);
  if (step.kind === 'failed') {
    setStatus('liveness', () => t('challengeFailed'));
    return 1500;
  }
  if (step.kind === 'checkin') return handleOutcome({ ok: true, value: step.response });
  setStatus('idle', () => t('idle'));
  return undefined;
}

function handleOutcome(outcome) {
  if (!outcome.ok) {
    challenges?.reset();
    showChallenge(null);
    return handleFailure(outcome.error, outcome.failures);
  }
  if (outcome.value && 'challengeStep' in outcome.value) {
    return handleChallengeStep(outcome.value.challengeStep);
  }
  const response = outcome.value;
  if (!response) return undefined;
  setState('running');
  overlay.draw(response);
  const view = describe(response);
  const confirmed = streak.push(view.kind);
  if (view.kind === 'welcome') welcomed.remember(view.people.map((p) => p.id));
  if (view.kind === 'welcome' || view.kind === 'already') {
    showCard(response);
    setStatus('idle', () => t('idle'));
    return view.holdMs; // pause while the card is up
  }
  if (view.kind === 'not_recognised' && !confirmed) return undefined;
  if (view.kind === 'idle' && Date.now() < statusHoldUntil) return undefined;
  setStatus(view.kind, () => describe(response).text);
  return undefined;
}

function handleFailure(error, count) {
  const view = describeError(error, lang, count);
  overlay.clear();
  if (view.fatal) {
    askForToken(true);
    return undefined;
  }
  setState(view.kind);
  setStatus(view.kind, () => describeError(error, lang, count).text);
  return view.retryMs;
}

// Invitation QR codes in view check their guest in through the QR route,
// between face frames (never while one is out).
const qr = createQrCheckin({
  video: els.video,
  canvas: els.qrCanvas,
  state: () => ({ running: scheduler.running, hidden: document.hidden,
    faceInFlight: scheduler.inFlight, challengeActive: Boolean(challenges?.active) }),
  request: (code) => api.post(`/events/${eventId}/checkin/qr`, { json: { code }, timeoutMs: REQUEST_TIMEOUT_MS }),
  onResponse: (response) => handleOutcome({ ok: true, value: response }),
  onError: (error) => {
    const view = describeQrError(error, lang);
    if (view.fatal) return askForToken(true);
    statusHoldUntil = Date.now() + QR_NOTICE_MS;
    return setStatus(view.kind, () => describeQrError(error, lang).text);
  },
});

// ---- start-up: token → event → camera → loop ---------------------------

function askForToken(rejected) {
  scheduler.stop();
  clearTimeout(retryTimer);
  storage.remove(TOKEN_KEY);
  setState('token');
  els.tokenHelp.dataset.i18n = rejected ? 'tokenRejected' : 'tokenMissing';
  els.tokenHelp.textContent = t(els.tokenHelp.dataset.i18n);
  setStatus('token', () => t(rejected ? 'tokenRejected' : 'tokenMissing'));
  els.tokenPanel.hidden = false;
  els.tokenInput.focus();
}

async function connect(token) {
  clearTimeout(retryTimer);
  api = createApi({ token, timeoutMs: REQUEST_TIMEOUT_MS });
  setState('connecting');
  setStatus('connecting', () => t('connecting'));
  try {
    const me = await api.get('/kiosk/me');
    eventId = me?.kiosk?.event_id ?? me?.event?.id;
    challenges = me?.event?.liveness === 'active'
      ? createChallengeRunner({ api, eventId, capture, timeoutMs: REQUEST_TIMEOUT_MS }) : null;
    const name = me?.event?.name || 'facecheck';
    els.eventName.textContent = name;
    document.title = `${name} · facecheck`;
    connectFailures = 0;
  } catch (error) {
    connectFailures += 1;
    const count = connectFailures;
    const view = describeError(error, lang, count);
    if (view.fatal) return askForToken(true);
    setState(view.kind);
    setStatus(view.kind, () => describeError(error, lang, count).text);
    retryTimer = setTimeout(() => connect(token), view.retryMs);
    return undefined;
  }
  return openCamera();
}

async function openCamera() {
  clearTimeout(retryTimer);
  if (!stream) {
    setState('camera');
    setStatus('camera', () => t('cameraStarting'));
    try {
      stream = await startCamera(els.video);
    } catch (error) {
      const key = cameraErrorKey(error);
      setState('camera-error');
      setStatus(key, () => t(key, { detail: error?.message || error?.name || '?' }));
      retryTimer = setTimeout(openCamera, CAMERA_RETRY_MS);
      return;
    }
    // An unplugged camera ends its track: go back to waiting for one.
    for (const track of stream.getTracks()) {
      track.addEventListener('ended', () => {
        scheduler.stop();
        stopStream(stream);
        stream = null;
        openCamera();
      }, { once: true });
    }
  }
  setState('running');
  setStatus('idle', () => t('idle'));
  if (!document.hidden) scheduler.start();
  qr.start(); // it scans only while the face loop runs
}

els.tokenForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const token = els.tokenInput.value.trim();
  if (!token) return;
  storage.set(TOKEN_KEY, token);
  els.tokenInput.value = '';
  els.tokenPanel.hidden = true;
  connect(token);
});

els.lang.addEventListener('click', () => {
  lang = otherLanguage(lang);
  storage.set(LANG_KEY, lang);
  applyLanguage();
});

// A hidden tab (or a sleeping tablet) should not keep sending frames.
document.addEventListener('visibilitychange', () => {
  if (document.hidden) scheduler.stop();
  else if (stream && document.body.dataset.state !== 'token') scheduler.start();
});

function init() {
  applyLanguage();
  const fromHash = tokenFromHash(location.hash);
  if (fromHash) {
    storage.set(TOKEN_KEY, fromHash);
    // Drop the token from the address bar so it is not left on screen.
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = fromHash || storage.get(TOKEN_KEY);
  if (token) connect(token);
  else askForToken(false);
}

init();
