// docs/openapi.json loaded once and compiled by strict Ajv, with the lookups
// the contract tests share: every operation, the operation a request hits,
// a status's response object and the validator of any schema in it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { repoRoot } from './paths.mjs';

const SPEC_FILE = path.join(repoRoot, 'docs', 'openapi.json');

export const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

// ---- The validator: strict Ajv over the description itself ----
const ajv = new Ajv({ strict: true, allErrors: true });
addFormats(ajv);
// The description's own members that are not JSON Schema keywords; the
// schemas are reached by JSON pointer into it, so they are never compiled.
ajv.addVocabulary(['openapi', 'info', 'servers', 'tags', 'paths', 'components']);
ajv.addSchema(spec, 'openapi.json');
const escape = (s) => s.replaceAll('~', '~0').replaceAll('/', '~1');
export const pointer = (...parts) => `openapi.json#/${parts.map(escape).join('/')}`;
export function validator(ref) {
  const v = ajv.getSchema(ref);
  assert.ok(v, `cannot resolve ${ref}`);
  return v;
}

export function operations() {
  const out = [];
  for (const [p, item] of Object.entries(spec.paths))
    for (const m of METHODS) if (item[m]) out.push({ method: m.toUpperCase(), path: p, op: item[m] });
  return out;
}
const templates = operations().map((o) => ({
  ...o,
  regex: new RegExp(`^${o.path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));
export function findOperation(method, urlPath) {
  return templates.find((t) => t.method === method && t.regex.test(urlPath));
}
// A response object, its `$ref` followed; and the pointer to where it lives.
export function responseOf(op, where, status) {
  let r = op.responses[String(status)];
  let at = [...where, 'responses', String(status)];
  if (r && r.$ref) {
    const name = r.$ref.replace('#/components/responses/', '');
    r = spec.components.responses[name];
    at = ['components', 'responses', name];
  }
  return { response: r, at };
}

export const mediaType = (header) => (header || '').split(';')[0].trim().toLowerCase();
export const ajvText = (errors) => (errors || []).map((e) => `body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`).join('\n  ');
