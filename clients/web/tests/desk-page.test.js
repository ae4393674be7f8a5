// Static checks of the desk page and the admin Desks card, without a
// browser: the ids the scripts look up exist, every catalogue key they
// name exists in both languages, and nothing inline would be blocked by
// the page policy (script-src 'self'; style-src 'self').
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { STRINGS } from '../i18n.js';
import { deskUrl, desksFrom } from '../admin-desks.js';

const read = (name) => readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
const DESK_SCRIPTS = ['desk.js', 'desk-results.js', 'desk-scan.js', 'desk-walkin.js', 'desk-camera.js'];
// confirmDialog (dom.js) looks these up by id.
const CONFIRM_IDS = ['confirm-dialog', 'confirm-title', 'confirm-message', 'confirm-ok', 'confirm-cancel',
  'confirm-extra', 'confirm-checkbox', 'confirm-checkbox-label'];

const idsIn = (html) => new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
const looked = (js) => [...js.matchAll(/byId\(['`]([^'`$]+)['`]\)/g)].map((m) => m[1]);
const templated = (js) => [...js.matchAll(/byId\(`walkin-\$\{[^}]+\}(-error)?`\)/g)].length;

function assertNoInline(html, page) {
  assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/i, `${page}: inline script`);
  assert.doesNotMatch(html, /<style/i, `${page}: <style>`);
  assert.doesNotMatch(html, /\sstyle=/i, `${page}: style attribute`);
  assert.doesNotMatch(html, /\son[a-z]+=/i, `${page}: inline event handler`);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i, `${page}: something from another server`);
}

test('desk.html: nothing inline, and every id the scripts use exists', () => {
  const html = read('desk.html');
  assertNoInline(html, 'desk.html');
  const ids = idsIn(html);
  for (const script of DESK_SCRIPTS) {
    for (const id of looked(read(script))) assert.ok(ids.has(id), `${script} looks up #${id}`);
  }
  for (const id of CONFIRM_IDS) assert.ok(ids.has(id), `#${id} for confirmDialog`);
  assert.ok(templated(read('desk-walkin.js')) > 0);
  for (const field of ['name', 'organisation', 'title', 'phone', 'email']) assert.ok(ids.has(`walkin-${field}`));
  for (const field of ['name', 'email']) assert.ok(ids.has(`walkin-${field}-error`));
});

test('every catalogue key the desk names exists in both languages', () => {
  const html = read('desk.html');
  const keys = new Set([...html.matchAll(/data-(?:i18n|i18n-placeholder|key)="([^"]+)"/g)].map((m) => m[1]));
  for (const script of [...DESK_SCRIPTS, 'desk-logic.js', 'desk-search.js']) {
    for (const m of read(script).matchAll(/'(desk[A-Z]\w+)'/g)) keys.add(m[1]);
  }
  assert.ok(keys.size > 40);
  for (const key of keys) {
    assert.ok(STRINGS.en[key], `en.${key}`);
    assert.ok(STRINGS.zh[key], `zh.${key}`);
  }
});

test('admin Desks card: ids and keys exist; the link carries the token in the fragment', () => {
  const html = read('admin.html');
  assertNoInline(html, 'admin.html');
  const ids = idsIn(html);
  const js = read('admin-desks.js');
  for (const id of looked(js)) assert.ok(ids.has(id), `admin-desks.js looks up #${id}`);
  const keys = new Set([...js.matchAll(/'(desks[A-Z]\w+)'/g)].map((m) => m[1]));
  for (const m of html.matchAll(/data-i18n(?:-placeholder)?="(desks\w+)"/g)) keys.add(m[1]);
  for (const key of keys) assert.ok(STRINGS.en[key] && STRINGS.zh[key], key);
  assert.equal(deskUrl('dk_AbC-_1', 'https://checkin.example/admin'), 'https://checkin.example/desk.html#token=dk_AbC-_1');
  assert.equal(deskUrl('dk_x', 'http://localhost:8080/admin.html#event=3'), 'http://localhost:8080/desk.html#token=dk_x');
  assert.deepEqual(desksFrom({ desks: [{ id: 1 }] }), [{ id: 1 }]);
  assert.deepEqual(desksFrom([{ id: 2 }]), [{ id: 2 }]);
  assert.deepEqual(desksFrom(null), []);
});
