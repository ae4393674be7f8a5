// The desk's walk-in form: validate, register, then show the guest's
// invitation link as a big QR code so they can give (or refuse) consent
// and add their face on their own phone. Decisions are in desk-logic.js.
import { byId, busy, replaceChildren } from './dom.js';
import { qrSvg } from './qr-svg.js';
import { walkInPayload, describeWalkIn, WALK_IN_FIELDS } from './desk-logic.js';

// t(key, vars): the page's translate. post(payload) → the 201 body.
// onAdded(view) after a success; onError(error) for a refused request.
export function initWalkIn({ t, post, onAdded, onError }) {
  const form = byId('walkin-form');
  const result = byId('walkin-result');
  let shown = null; // the walk-in on screen, re-rendered on a language switch
  let errors = {};

  function renderErrors() {
    for (const field of ['name', 'email']) {
      const input = byId(`walkin-${field}`);
      const key = errors[field];
      input.setAttribute('aria-invalid', key ? 'true' : 'false');
      byId(`walkin-${field}-error`).textContent = key ? t(key) : '';
    }
  }

  function renderResult() {
    if (!shown) return;
    byId('walkin-done').textContent = t(shown.key, { name: shown.name });
    const qr = byId('walkin-qr');
    qr.dataset.url = shown.url;
    replaceChildren(qr, shown.url ? qrSvg(document, shown.url, t('deskWalkInQrLabel', { name: shown.name })) : null);
    const link = byId('walkin-link');
    link.href = shown.url;
    link.textContent = shown.url;
  }

  function values() {
    const out = Object.fromEntries(WALK_IN_FIELDS.map((f) => [f, byId(`walkin-${f}`).value]));
    out.checkIn = byId('walkin-checkin').checked;
    return out;
  }

  async function submit() {
    const { payload, errors: found } = walkInPayload(values());
    errors = found;
    renderErrors();
    if (!payload) {
      byId(found.name ? 'walkin-name' : 'walkin-email').focus();
      return;
    }
    try {
      const body = await post(payload);
      shown = describeWalkIn(body, location.origin);
      renderResult();
      form.hidden = true;
      result.hidden = false;
      onAdded(shown);
    } catch (error) {
      if (error?.code === 'missing_field') {
        errors = { name: 'deskWalkInNameRequired' };
        renderErrors();
      }
      onError(error);
    }
  }

  // Back to an empty form for the next guest; the QR code leaves the
  // screen so the next guest does not scan someone else's link.
  function reset() {
    shown = null;
    errors = {};
    form.reset();
    renderErrors();
    replaceChildren(byId('walkin-qr'));
    result.hidden = true;
    form.hidden = false;
    byId('walkin-name').focus();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(byId('walkin-submit'), submit);
  });
  byId('walkin-next').addEventListener('click', reset);

  return {
    applyLanguage() {
      renderErrors();
      renderResult();
    },
  };
}
