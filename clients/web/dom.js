// Tiny DOM helpers for the dashboard. Everything user-supplied (guest
// names from a CSV!) goes in as text nodes, never as HTML.
import { filenameFromDisposition } from './format.js';

export const byId = (id) => document.getElementById(id);

// el('button', {type: 'button', dataset: {testid: 'x'}, onclick}, 'Label', child…)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function replaceChildren(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

// Disables a button while its async action runs, so a double click does not
// create two events.
export async function busy(button, action) {
  const wasDisabled = button.disabled;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    button.disabled = wasDisabled;
    button.removeAttribute('aria-busy');
  }
}

// Asks a question in #confirm-dialog. Resolves to {ok, checked}; `checkbox`
// (a label) adds an extra opt-in such as "also delete their face data".
export function confirmDialog({ title, message, confirmLabel = 'Delete', checkbox = null }) {
  const dialog = byId('confirm-dialog');
  byId('confirm-title').textContent = title;
  byId('confirm-message').textContent = message;
  byId('confirm-ok').textContent = confirmLabel;
  const extra = byId('confirm-extra');
  const box = byId('confirm-checkbox');
  extra.hidden = !checkbox;
  byId('confirm-checkbox-label').textContent = checkbox || '';
  box.checked = false;
  return new Promise((resolve) => {
    const done = (ok) => {
      byId('confirm-ok').removeEventListener('click', onOk);
      dialog.removeEventListener('close', onClose);
      if (dialog.open) dialog.close();
      resolve({ ok, checked: box.checked });
    };
    const onOk = () => done(true);
    const onClose = () => done(false); // Esc or Cancel
    byId('confirm-ok').addEventListener('click', onOk);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    byId('confirm-cancel').focus(); // the safe choice is the default
  });
}

// Admin downloads need the Authorization header, so a plain link cannot
// fetch them: the caller fetches (as: 'response'), this hands the browser
// a blob URL named by Content-Disposition.
export async function saveResponse(response, fallbackName) {
  const blob = await response.blob();
  const name = filenameFromDisposition(response.headers.get('Content-Disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke later: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
