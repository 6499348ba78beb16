import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { openInventoryFile, type Item } from '../../server/src/pull/updateFile';
import { PA_SPEC } from '../../server/src/pull/paSpec';

const dir = mkdtempSync(path.join(tmpdir(), 'ecmkit-update-'));

type Live = { site?: string } & Record<string, Item[] | string | undefined>;

async function pull(file: string, live: Live, check = false) {
  const t = await openInventoryFile(file, PA_SPEC, { check });
  t.setTop('site', live.site);
  for (const s of PA_SPEC.sections) for (const it of (live[s.name] as Item[] | undefined) ?? []) t.put(s.name, it);
  return t.finish();
}

const EXAMPLE = `# The PA site.
site: support.example.com

securityProviders:
  - { name: corp.example.com, type: activeDirectory }   # AD
  - { name: local, type: local }

users:
  - { username: jdoe, email: jdoe@example.com, securityProvider: corp.example.com }
  # leaves soon
  - { username: old, email: old@example.com, securityProvider: local }

jumpClients:
  - name: WEB01
    hostname: web01        # the computer name
    os: windows
    credentialInjection: false
  - { name: KIOSK-7, hostname: kiosk-7, os: windows, credentialInjection: false }
apiAccounts:
  - { name: ECM prod, clientId: abc, enabled: true, ecmAccess: true, ipAddresses: [10.20.0.15] }
`;

const LIVE: Live = {
  site: 'support.example.com',
  securityProviders: [{ name: 'corp.example.com', type: 'ldap', fqdn: 'corp.example.com' }, { name: 'local', type: 'local' }],
  users: [
    { username: 'jdoe', email: 'jdoe@example.com', securityProvider: 'corp.example.com', enabled: true },
    { username: 'new', email: 'new@example.com', securityProvider: 'local', enabled: false },
  ],
  jumpGroups: [{ name: 'Servers', ecmGroup: '2' }],
  jumpClients: [
    { name: 'web01', hostname: 'web01', fqdn: 'web01.corp.example.com', os: 'windows', credentialInjection: true, jumpGroup: 'Servers' },
    { name: 'KIOSK-7', hostname: 'kiosk-7', os: 'windows', credentialInjection: true },
    { name: 'DB01', hostname: 'DB01', os: 'linux', credentialInjection: true },
  ],
  apiAccounts: [{ name: 'ECM prod', clientId: 'abc', enabled: true, ecmAccess: true, ipAddresses: ['10.20.0.15', '10.20.0.16'] }],
};

test('an update keeps comments, order and the file\'s own fields; changes only what differs', async () => {
  const file = path.join(dir, 'a.pa.yaml');
  writeFileSync(file, EXAMPLE);
  const { changes, written } = await pull(file, LIVE);
  assert.equal(written, true);
  const text = readFileSync(file, 'utf8');
  const v = parse(text);
  // Comments and untouched items are byte-identical.
  assert.match(text, /^# The PA site\.\nsite: support\.example\.com\n\nsecurityProviders:\n  - \{ name: corp\.example\.com, type: activeDirectory \}   # AD\n/);
  assert.match(text, /hostname: web01        # the computer name/);
  assert.match(text, /  - \{ username: jdoe, email: jdoe@example\.com, securityProvider: corp\.example\.com \}\n/);
  // credentialInjection kept (false) on both matched clients, new one true.
  assert.deepEqual(v.jumpClients.map((j: Item) => [j.name, j.credentialInjection, j.jumpGroup]), [['web01', false, 'Servers'], ['KIOSK-7', false, undefined], ['DB01', true, undefined]]);
  // The case rename kept the item and put fqdn after hostname.
  assert.deepEqual(Object.keys(v.jumpClients[0]), ['name', 'hostname', 'fqdn', 'os', 'credentialInjection', 'jumpGroup']);
  assert.deepEqual(v.users.map((u: Item) => u.username), ['jdoe', 'new']);
  assert.deepEqual(v.jumpGroups, [{ name: 'Servers', ecmGroup: '2' }]);
  assert.deepEqual(v.apiAccounts[0].ipAddresses, ['10.20.0.15', '10.20.0.16']);
  assert.match(text, /ipAddresses: \[10\.20\.0\.15, 10\.20\.0\.16\]/, 'the inline list keeps its spacing');
  assert.deepEqual(changes.map((c) => `${c.kind} ${c.section} ${c.name}`).sort(), [
    'added jumpClients DB01', 'added jumpGroups Servers', 'added users new', 'changed apiAccounts ECM prod', 'changed jumpClients web01', 'removed users old',
  ]);
  // A second pull finds nothing to change and writes nothing.
  const again = await pull(file, LIVE);
  assert.deepEqual(again, { changes: [], counts: { added: 0, removed: 0, changed: 0 }, written: false });
  assert.equal(readFileSync(file, 'utf8'), text);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('--check finds the differences and writes nothing', async () => {
  const file = path.join(dir, 'b.pa.yaml');
  writeFileSync(file, EXAMPLE);
  const { changes, written } = await pull(file, LIVE, true);
  assert.equal(written, false);
  assert.equal(changes.length, 6);
  assert.equal(readFileSync(file, 'utf8'), EXAMPLE);
});

test('a JSON file keeps its key order and indentation', async () => {
  const file = path.join(dir, 'c.pa.json');
  const src = { site: 'support.example.com', jumpClients: [{ credentialInjection: false, name: 'KIOSK-7', os: 'windows' }] };
  writeFileSync(file, JSON.stringify(src, null, 4) + '\n');
  await pull(file, LIVE);
  const text = readFileSync(file, 'utf8');
  const v = JSON.parse(text);
  assert.match(text, /^\{\n    "site"/);
  assert.deepEqual(Object.keys(v), ['site', 'securityProviders', 'users', 'jumpGroups', 'jumpClients', 'apiAccounts']);
  assert.deepEqual(v.jumpClients[0], { credentialInjection: false, name: 'KIOSK-7', os: 'windows', hostname: 'kiosk-7' });
});

test('a new file is written from the API alone (YAML and JSON), equal as data', async () => {
  for (const name of ['d.pa.yaml', 'd.pa.json']) {
    const file = path.join(dir, name);
    const { written, changes } = await pull(file, LIVE);
    assert.equal(written, true);
    const v = name.endsWith('json') ? JSON.parse(readFileSync(file, 'utf8')) : parse(readFileSync(file, 'utf8'));
    assert.deepEqual(v, LIVE);
    assert.equal(changes.filter((c) => c.kind === 'added').length, changes.length);
  }
});

test('a file that does not parse, or a section that is not a list, is refused and left alone', async () => {
  const file = path.join(dir, 'e.pa.yaml');
  for (const bad of ['site: [unclosed\n', 'users: nope\n']) {
    writeFileSync(file, bad);
    await assert.rejects(pull(file, LIVE), /does not parse|is not a list/);
    assert.equal(readFileSync(file, 'utf8'), bad);
  }
});

test('empty and missing sections get block lists under their key', async () => {
  const file = path.join(dir, 'f.pa.yaml');
  writeFileSync(file, 'site: support.example.com\nusers: []\njumpClients:\n');
  await pull(file, LIVE);
  const v = parse(readFileSync(file, 'utf8'));
  assert.equal(v.users.length, 2);
  assert.equal(v.jumpClients.length, 3);
  assert.match(readFileSync(file, 'utf8'), /^users:\n  - \{ username: jdoe/m);
});

test('fields the API no longer gives are removed from inline and block items; CRLF line ends are kept', async () => {
  const file = path.join(dir, 'g.pa.yaml');
  const src = [
    'site: support.example.com',
    'jumpClients:',
    '  - { name: A, fqdn: a.example.com, os: windows, credentialInjection: false }   # keep me',
    '  - name: B',
    '    fqdn: b.example.com',
    '    jumpGroup: Gone',
    '    credentialInjection: false',
    '  - { name: C, jumpGroup: Gone }',
    '',
  ].join('\r\n');
  writeFileSync(file, src);
  const live: Live = { site: 'support.example.com', jumpClients: [{ name: 'A', os: 'windows', credentialInjection: true }, { name: 'B', credentialInjection: true }, { name: 'C', credentialInjection: true }] };
  const { changes } = await pull(file, live);
  const text = readFileSync(file, 'utf8');
  assert.equal(text, [
    'site: support.example.com',
    'jumpClients:',
    '  - { name: A, os: windows, credentialInjection: false }   # keep me',
    '  - name: B',
    '    credentialInjection: false',
    '  - { name: C }',
    '',
  ].join('\r\n'));
  assert.deepEqual(changes.map((c) => `${c.name}: ${c.fields}`), ['A: fqdn', 'B: fqdn,jumpGroup', 'C: jumpGroup']);
});

test('items of the same name are matched in order; a stale block item and its lines go, the comment before it stays', async () => {
  const file = path.join(dir, 'h.pa.yaml');
  writeFileSync(file, 'jumpClients:\n  - { name: X, os: windows }\n  - { name: X, os: linux }\n  # about Y\n  - name: Y\n    os: linux\nsite: s.example.com');
  await pull(file, { site: 's.example.com', jumpClients: [{ name: 'X', os: 'windows' }, { name: 'X', os: 'macos' }] });
  assert.equal(readFileSync(file, 'utf8'), 'jumpClients:\n  - { name: X, os: windows }\n  - { name: X, os: macos }\n  # about Y\nsite: s.example.com');
});

test('a new item follows the style of the list it joins (block items stay block)', async () => {
  const file = path.join(dir, 'i.pa.yaml');
  writeFileSync(file, 'users:\n    - username: a\n      email: a@example.com\n');
  await pull(file, { users: [{ username: 'a', email: 'a@example.com' }, { username: 'b', email: 'b@example.com', enabled: false }] });
  assert.equal(readFileSync(file, 'utf8'), 'users:\n    - username: a\n      email: a@example.com\n    - username: b\n      email: b@example.com\n      enabled: false\n');
});
