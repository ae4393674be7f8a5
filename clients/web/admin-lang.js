// The admin page's language for the parts that are translated (the
// invitations card, the statistics breakdown, new event-form fields; the
// rest is English for now). English by default, since most of the page
// is; the choice is remembered per browser.
import { translate, otherLanguage, STRINGS } from './i18n.js';

const LANG_KEY = 'facecheck.adminLang';
const listeners = new Set();

function stored() {
  try {
    const value = localStorage.getItem(LANG_KEY);
    return value in STRINGS ? value : null;
  } catch {
    return null;
  }
}

let lang = stored() || 'en';

export const adminLang = () => lang;
export const at = (key, vars) => translate(lang, key, vars);

// Re-render a section when the language changes.
export function onAdminLang(listener) {
  listeners.add(listener);
}

// Static text: [data-i18n] sets textContent, [data-i18n-label] aria-label,
// [data-i18n-placeholder] the placeholder.
export function applyAdminLang(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = at(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', at(node.dataset.i18nLabel));
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = at(node.dataset.i18nPlaceholder);
}

export function initAdminLang(button) {
  const paint = () => {
    button.textContent = at('adminLangToggle');
    button.setAttribute('aria-label', at('adminLangLabel'));
    button.lang = otherLanguage(lang) === 'zh' ? 'zh-CN' : 'en';
    applyAdminLang();
  };
  button.addEventListener('click', () => {
    lang = otherLanguage(lang);
    try { localStorage.setItem(LANG_KEY, lang); } catch { /* storage blocked */ }
    paint();
    for (const listener of listeners) listener(lang);
  });
  paint();
}
