// Kiosk wording in Chinese and English. Guests read these from a few metres
// away, so they are short and say what to do next. The invitation page's,
// the admin page's and the staff desk's wording live in their own
// catalogues, merged below, so one translate() serves every page.
import { GUEST_STRINGS } from './i18n-guest.js';
import { ADMIN_STRINGS } from './i18n-admin.js';
import { DESK_STRINGS } from './i18n-desk.js';
import { codeStrings } from './i18n-codes.js';

export const LANGUAGES = ['zh', 'en'];

// The words for server codes: from the shared catalogue (clients/catalogue).
const CODE_STRINGS = codeStrings({
  checkedIn: ['face_statuses', 'checked_in'],
  already: ['face_statuses', 'already_checked_in'],
  notRecognised: ['face_statuses', 'not_recognised'],
  tooSmall: ['face_statuses', 'too_small'],
  checkinClosed: ['errors', 'checkin_closed', 'kiosk'],
  checkinNotYet: ['errors', 'checkin_not_yet_open', 'kiosk'],
  tokenRejected: ['errors', 'unauthorized', 'kiosk'],
  livenessFailed: ['face_statuses', 'liveness_failed'],
  livenessMismatch: ['face_statuses', 'liveness_mismatch'],
  livenessLocked: ['errors', 'liveness_locked', 'kiosk'],
  challengeTurnLeft: ['challenge_actions', 'turn_left', 'kiosk'],
  challengeTurnRight: ['challenge_actions', 'turn_right', 'kiosk'],
  challengeNod: ['challenge_actions', 'nod', 'kiosk'],
  challengeBlink: ['challenge_actions', 'blink', 'kiosk'],
});

export const KIOSK_STRINGS = {
  en: {
    ...CODE_STRINGS.en,
    pageTitle: 'Check-in',
    idle: 'Please look at the camera to check in',
    connecting: 'Connecting to the server…',
    cameraStarting: 'Starting the camera…',
    greeting: 'Welcome',
    cameraDenied: 'Camera access was denied. Allow the camera for this page; the kiosk keeps retrying.',
    cameraMissing: 'No camera was found. Connect a camera; the kiosk keeps retrying.',
    cameraError: 'The camera could not be started ({detail}). Retrying…',
    offline: 'Cannot reach the server. Retrying automatically…',
    busy: 'The server is busy. Retrying…',
    tokenMissing: 'Enter the kiosk token from the admin dashboard to start.',
    tokenLabel: 'Kiosk token',
    tokenSubmit: 'Start',
    error: 'Something went wrong ({detail}). Retrying…',
    langToggle: '中文',
    langToggleLabel: 'Switch to Chinese',
    listSeparator: ', ',
    challengeStep: 'Step {step} of {of}',
    challengeFaceCamera: 'Look straight at the camera first',
    challengeFailed: 'That did not work. Let us try again',
  },
  zh: {
    ...CODE_STRINGS.zh,
    pageTitle: '签到',
    idle: '请看向摄像头完成签到',
    connecting: '正在连接服务器…',
    cameraStarting: '正在启动摄像头…',
    greeting: '欢迎',
    cameraDenied: '摄像头权限被拒绝。请允许本页面使用摄像头，系统会自动重试。',
    cameraMissing: '未找到摄像头。请连接摄像头，系统会自动重试。',
    cameraError: '无法启动摄像头（{detail}），正在重试…',
    offline: '无法连接服务器，正在自动重试…',
    busy: '服务器繁忙，正在重试…',
    tokenMissing: '请输入管理后台生成的签到终端令牌。',
    tokenLabel: '签到终端令牌',
    tokenSubmit: '开始',
    error: '出错了（{detail}），正在重试…',
    langToggle: 'English',
    langToggleLabel: '切换到英文',
    listSeparator: '、',
    challengeStep: '第 {step} 步，共 {of} 步',
    challengeFaceCamera: '请先正对摄像头',
    challengeFailed: '未通过，请再试一次',
  },
};

export const STRINGS = Object.fromEntries(LANGUAGES.map((lang) => [lang, {
  ...KIOSK_STRINGS[lang], ...GUEST_STRINGS[lang], ...ADMIN_STRINGS[lang], ...DESK_STRINGS[lang],
}]));

// Chinese when the browser's first preference is any Chinese variant,
// English otherwise (the fallback for guests who read neither well).
export function pickLanguage(preferences) {
  const list = Array.isArray(preferences) ? preferences : [preferences];
  const first = String(list.find(Boolean) || '').toLowerCase();
  return first.startsWith('zh') ? 'zh' : 'en';
}

export function otherLanguage(lang) {
  return lang === 'zh' ? 'en' : 'zh';
}

export function translate(lang, key, vars = {}) {
  const table = STRINGS[lang] || STRINGS.en;
  const template = table[key] ?? STRINGS.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name) =>
    (name in vars ? String(vars[name]) : match));
}

// The welcome card greets in both languages, the chosen one first, because
// guests at a mixed event may not share the kiosk's setting.
export function bilingualGreeting(lang) {
  const first = translate(lang, 'greeting');
  const second = translate(otherLanguage(lang), 'greeting');
  return `${first} / ${second}`;
}
