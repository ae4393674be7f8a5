// Catalogue keys of the pages whose words are the API's machine codes:
// they come from catalogue.js (generated from clients/catalogue/messages.json,
// shared with the Mini Program), never typed here. Each key names
// [group, code, audience]: the audience's own wording (kiosk, guest, desk)
// when the catalogue has one, else the code's general wording.
import { word } from './catalogue.js';

export function codeStrings(keys) {
  return Object.fromEntries(['zh', 'en'].map((lang) => [lang, Object.fromEntries(
    Object.entries(keys).map(([key, [group, code, audience]]) => {
      const text = word(group, code, lang, audience);
      if (text == null) throw new Error(`catalogue has no ${group}.${code}`);
      return [key, text];
    }))]));
}

// A server code → its general wording in lang, or null (an unknown code).
export function codeText(code, lang, audience) {
  return word('errors', String(code ?? ''), lang, audience);
}

// The {detail} of a page's generic "something went wrong (…)" message. The
// server's `message` is English, so it is shown only in English; in Chinese
// the code's words from the catalogue, else the bare code or HTTP status
// (for the organiser to look up).
export function errorDetail(error, lang) {
  const code = String(error?.code ?? '');
  const status = error?.status ?? 0;
  if (lang !== 'zh') return error?.message || code || `HTTP ${status}`;
  return codeText(code, 'zh') || code || `HTTP ${status}`;
}
