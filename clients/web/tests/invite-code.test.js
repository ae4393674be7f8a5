import test from 'node:test';
import assert from 'node:assert/strict';
import {
  INVITE_CODE_RE, isInviteCode, codeFromPath, codeFromHash, codeFromLocation, codeFromScan, inviteUrl,
} from '../invite-code.js';

const CODE = 'ivabcdefghijklmnopqrstuv23';

test('a code is "iv" and 24 letters of the base32 alphabet, nothing else', () => {
  assert.equal(CODE.length, 26);
  assert.ok(INVITE_CODE_RE.test(CODE));
  assert.ok(isInviteCode(CODE));
  for (const bad of ['', 'iv', CODE.slice(0, 25), `${CODE}a`, CODE.toUpperCase(), `xx${CODE.slice(2)}`,
    `${CODE.slice(0, 25)}1`, `${CODE.slice(0, 25)}8`, ` ${CODE}`, null, 42]) {
    assert.equal(isInviteCode(bad), false, String(bad));
  }
});

test('the code is the last segment of /invite/{code}', () => {
  assert.equal(codeFromPath(`/invite/${CODE}`), CODE);
  assert.equal(codeFromPath(`/invite/${CODE}/`), CODE);
  assert.equal(codeFromPath(`/base/invite/${CODE}`), CODE);
  assert.equal(codeFromPath('/invite.html'), null);
  assert.equal(codeFromPath('/invite/'), null);
  assert.equal(codeFromPath(`/invite/${CODE}/extra`), null);
  assert.equal(codeFromPath('/invite/%E0%A4%A'), null, 'bad escapes do not throw');
  assert.equal(codeFromPath(undefined), null);
});

test('invite.html#code=… works for tests; the path wins over the fragment', () => {
  assert.equal(codeFromHash(`#code=${CODE}`), CODE);
  assert.equal(codeFromHash(`code=${CODE}&x=1`), CODE);
  assert.equal(codeFromHash('#code=nope'), null);
  assert.equal(codeFromHash(''), null);
  assert.equal(codeFromLocation({ pathname: '/invite.html', hash: `#code=${CODE}` }), CODE);
  const other = 'iv222222222222222222222222';
  assert.equal(codeFromLocation({ pathname: `/invite/${CODE}`, hash: `#code=${other}` }), CODE);
  assert.equal(codeFromLocation({ pathname: '/invite.html', hash: '' }), null);
  assert.equal(codeFromLocation(), null);
});

test('a scanned QR is an invitation when it is a bare code or a URL ending in /invite/CODE', () => {
  assert.equal(codeFromScan(CODE), CODE);
  assert.equal(codeFromScan(`  ${CODE}\n`), CODE);
  assert.equal(codeFromScan(`https://checkin.example/invite/${CODE}`), CODE);
  assert.equal(codeFromScan(`http://192.168.1.10:8080/invite/${CODE}`), CODE);
  assert.equal(codeFromScan(`https://checkin.example/invite/${CODE}?utm=mail#top`), CODE);
  for (const other of ['WIFI:S:guest;T:WPA;P:secret;;', 'https://example.com/', `https://x.example/${CODE}`,
    `https://x.example/invite/${CODE}/more`, `ftp://x.example/invite/${CODE}`, `javascript:alert(1)//invite/${CODE}`,
    `invite/${CODE}`, '', null]) {
    assert.equal(codeFromScan(other), null, String(other));
  }
});

test('the guest link is origin + /invite/ + code', () => {
  assert.equal(inviteUrl('https://checkin.example', CODE), `https://checkin.example/invite/${CODE}`);
  assert.equal(inviteUrl('http://localhost:8080/', CODE), `http://localhost:8080/invite/${CODE}`);
  assert.equal(codeFromScan(inviteUrl('http://localhost:8080', CODE)), CODE);
});
