// The route lists agree: the routes the server registers (src/http, read
// as source), the route index of docs/api-contract.md and docs/openapi.json
// name the same method + path pairs, the contract's who column matches each
// operation's security, and the description itself is well formed. No
// server, no browser.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../lib/paths.mjs';
import { operations, pointer, responseOf, spec, validator } from '../lib/openapi.mjs';

const CONTRACT_FILE = path.join(repoRoot, 'docs', 'api-contract.md');
const HTTP_SOURCES = path.join(repoRoot, 'src', 'http');

const normalise = (route) => route.replace(/\{[^}]+\}/g, '{}');
const specRoutes = () => new Set(operations().map((o) => `${o.method} ${normalise(o.path)}`));

// Every route the server registers: router.get/post/patch/del/get_stream("...")
// in src/http. Read, never built: a route added there without a line in
// docs/openapi.json fails here.
function serverRoutes() {
  const verbs = { get: 'GET', get_stream: 'GET', post: 'POST', patch: 'PATCH', del: 'DELETE' };
  const routes = new Set();
  for (const file of readdirSync(HTTP_SOURCES).filter((f) => f.endsWith('.cpp'))) {
    const source = readFileSync(path.join(HTTP_SOURCES, file), 'utf8');
    for (const m of source.matchAll(/\brouter\.(get_stream|get|post|patch|del)\(\s*"([^"]+)"/g))
      routes.add(`${verbs[m[1]]} ${normalise(m[2])}`);
  }
  return routes;
}

// The route index of docs/api-contract.md: rows `| METHOD | /path | who |`.
function contractRows() {
  const rows = new Map();
  for (const line of readFileSync(CONTRACT_FILE, 'utf8').split('\n')) {
    const m = /^\|\s*(GET|POST|PATCH|DELETE|PUT)\s*\|\s*`?([^|`\s]+)`?\s*\|([^|]*)\|/.exec(line);
    if (m) rows.set(`${m[1]} ${normalise(m[2])}`, m[3]);
  }
  return rows;
}
const contractRoutes = () => new Set(contractRows().keys());
// The credentials a `who` cell names, as security schemes ('none': no
// credential: anyone, or the invitation code in the path).
function whoSchemes(cell) {
  const who = cell.replace(/\([^)]*\)/g, ''); // asides: (redirect to /admin.html)
  const out = new Set();
  if (/\badmin\b/.test(who)) out.add('adminKey');
  if (/\bkiosks?\b/.test(who)) out.add('kioskToken');
  if (/\bdesk\b/.test(who)) out.add('deskToken');
  if (/\b(anyone|code)\b/.test(who)) out.add('none');
  return [...out].sort();
}
const securitySchemes = (op) => [...new Set(op.security.flatMap((s) => (Object.keys(s).length ? Object.keys(s) : ['none'])))]
  .filter((k) => k !== 'streamToken') // the same secrets, in the query
  .concat(op.security.length ? [] : ['none'])
  .sort();

const difference = (a, b) => [...a].filter((x) => !b.has(x)).sort();

describe('the route lists agree', () => {
  test('every route the server registers is in docs/openapi.json, and nothing else', () => {
    const server = serverRoutes();
    assert.ok(server.size > 40, `found only ${server.size} route registrations in src/http: has the way routes are registered changed? Update serverRoutes()`);
    assert.deepEqual(difference(server, specRoutes()), [], 'routes the server registers that docs/openapi.json lacks');
    assert.deepEqual(difference(specRoutes(), server), [], 'operations of docs/openapi.json the server does not register');
  });

  test('docs/api-contract.md indexes the same routes as docs/openapi.json', () => {
    const contract = contractRoutes();
    assert.deepEqual(difference(specRoutes(), contract), [], 'operations of docs/openapi.json missing from the index of docs/api-contract.md');
    assert.deepEqual(difference(contract, specRoutes()), [], 'routes of docs/api-contract.md missing from docs/openapi.json');
  });

  test('the who column of docs/api-contract.md names the schemes of each operation\'s security', () => {
    const rows = contractRows();
    const wrong = operations()
      .map(({ method, path: p, op }) => ({ key: `${method} ${normalise(p)}`, security: securitySchemes(op) }))
      .filter(({ key, security }) => rows.has(key) && whoSchemes(rows.get(key)).join() !== security.join())
      .map(({ key, security }) => `${key}: contract says "${rows.get(key).trim()}" (${whoSchemes(rows.get(key))}), openapi.json ${security}`);
    assert.deepEqual(wrong, []);
  });

  test('the description is well formed: every schema compiles under strict Ajv, every $ref resolves, ids are unique', () => {
    for (const name of Object.keys(spec.components.schemas)) validator(pointer('components', 'schemas', name));
    const ids = new Set();
    for (const { method, path: p, op } of operations()) {
      assert.ok(op.operationId && !ids.has(op.operationId), `${method} ${p}: operationId missing or repeated`);
      ids.add(op.operationId);
      assert.ok(Array.isArray(op.security), `${method} ${p}: say who may call it (security)`);
      for (const s of op.security) for (const k of Object.keys(s)) assert.ok(spec.components.securitySchemes[k], `${method} ${p}: unknown scheme ${k}`);
      const declared = [...(spec.paths[p].parameters || []), ...(op.parameters || [])].filter((x) => x.in === 'path').map((x) => x.name).sort();
      const inPath = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(declared, inPath, `${method} ${p}: path parameters`);
      for (const type of Object.keys(op.requestBody?.content || {}))
        validator(pointer('paths', p, method.toLowerCase(), 'requestBody', 'content', type, 'schema'));
      for (const status of Object.keys(op.responses)) {
        const { response, at } = responseOf(op, ['paths', p, method.toLowerCase()], status);
        assert.ok(response && response.description !== undefined, `${method} ${p} ${status}: response missing or without description`);
        for (const type of Object.keys(response.content || {})) validator(pointer(...at, 'content', type, 'schema'));
      }
    }
  });
});
