// Several ECMs on one site: the longest-connected one serves, the others stand by; disconnecting it fails
// over, a reconnected ECM queues at the back. Against the real sandbox over real HTTP.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { agreed, broker, closeAll, names, stepOf, workspace } from './helpers';

after(closeAll);

const order = (body: any) => body.ecms.map((e: any) => `${e.name}:${e.connected ? e.order : '-'}${e.active ? '*' : ''}`).join(' ');

describe('broker: the site\'s ECM set and failover', () => {
  it('routes to the longest-connected ECM and fails over when it disconnects', async () => {
    // The standby differs in one setting, so the failover shows in the answer too.
    const b = await broker({ edits: {
      'standby.ecm.json': [['"includeUnavailableCredentials": false', '"includeUnavailableCredentials": true']],
      'corp.vault.yaml': [[/(\{ name: web-deploy,[\s\S]*?checkedOutBy: )null/, '$1"EMEA\\\\asmith"']],
    } });
    const start = await b.call('GET', '/v1/ecms');
    assert.equal(start.status, 200);
    assert.equal(start.body.site, 'support.example.com');
    assert.equal(start.body.active, 'ecm-01');
    assert.equal(order(start.body), 'ecm-01:1* ecm-02:2');
    assert.deepEqual(Object.keys(start.body.ecms[0]).sort(), ['active', 'connected', 'connectedSince', 'file', 'group', 'host', 'name', 'order']);
    // Both sign in with API accounts of ECM group 1, which serves both jump groups.
    assert.deepEqual(start.body.groups, [{ group: '1', active: 'ecm-01', ecms: ['ecm-01', 'ecm-02'], jumpGroups: ['Servers', 'Kiosks'] }]);

    const one = await b.find('jdoe', 'corp.example.com', 'WEB01');
    assert.equal(one.body.ecm, 'ecm-01');
    assert.deepEqual(names(one.body), ['web01-admin', 'helpdesk-shared']);
    // A lease taken through ecm-01 outlives the failover.
    const lease = await b.call('POST', '/v1/credentials/checkout', { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01', credentialId: one.body.credentials[0].id });
    assert.equal(lease.status, 200);

    const off = await b.call('POST', '/v1/ecms/ecm-01/disconnect');
    assert.equal(off.status, 200);
    assert.equal(off.body.active, 'ecm-02');
    assert.equal(order(off.body), 'ecm-02:1* ecm-01:-');
    const two = await b.find('jdoe', 'corp.example.com', 'WEB01');
    assert.equal(two.body.ecm, 'ecm-02');
    assert.match(stepOf(two.body, 'ecm').detail, /ECM ecm-02 serves site support\.example\.com: Include Unavailable on/);
    assert.ok(stepOf(two.body, 'ecm').source.uri.endsWith('standby.ecm.json'));
    assert.match(stepOf(two.body, 'vault-sign-in').detail, /^Signed in/, 'ecm-02 has its own session');
    assert.deepEqual(two.body.credentials.map((c: any) => [c.name, c.available]), [['web01-admin', true], ['web-deploy', false], ['helpdesk-shared', true]], 'his own check-out stays his');
    agreed(two.body);
    assert.ok(b.events.some((e) => e.type === 'ecm' && e.action === 'active' && e.name === 'ecm-02'));

    // Reconnected, ecm-01 queues behind ecm-02.
    const back = await b.call('POST', '/v1/ecms/ecm-01/connect');
    assert.equal(order(back.body), 'ecm-02:1* ecm-01:2');
    assert.equal((await b.find('jdoe', 'corp.example.com', 'WEB02')).body.ecm, 'ecm-02');
    const flip = await b.call('POST', '/v1/ecms/ecm-02/disconnect');
    assert.equal(flip.body.active, 'ecm-01');
    assert.equal((await b.find('jdoe', 'corp.example.com', 'WEB02')).body.ecm, 'ecm-01');

    // None connected: the appliance has nowhere to send the request.
    await b.call('POST', '/v1/ecms/ecm-01/disconnect');
    const none = await b.find('jdoe', 'corp.example.com', 'WEB01');
    assert.equal(none.status, 503);
    assert.equal(none.body.error.code, 'no-ecm-connected');
    assert.equal((await b.call('GET', '/v1/health')).body.ecm, null);
    assert.equal((await b.call('POST', '/v1/ecms/ecm-99/disconnect')).body.error.code, 'ecm-not-found');
    assert.equal((await b.call('GET', '/v1/ecms/ecm-01/disconnect')).body.error.code, 'method-not-allowed');

    await b.call('POST', '/v1/ecms/ecm-02/connect');
    assert.equal((await b.call('POST', `/v1/leases/${lease.body.leaseId}/checkin`)).status, 204);
    assert.equal(b.sandbox!.activeRequests().length, 0);
  });

  it('serves the ECM named by --ecm first', async () => {
    const dir = workspace();
    const b = await broker({ workspace: dir, ecmFile: path.join(dir, 'standby.ecm.json') });
    const v = await b.call('GET', '/v1/ecms');
    assert.equal(order(v.body), 'ecm-02:1* ecm-01:2');
    assert.equal((await b.find('bwayne', 'local', 'WEB01')).body.ecm, 'ecm-02');
  });

  it('lets at most five ECMs serve a site; the sixth is listed as ignored', async () => {
    const dir = workspace();
    const text = readFileSync(path.join(dir, 'standby.ecm.json'), 'utf8');
    for (const n of [3, 4, 5, 6]) writeFileSync(path.join(dir, `extra${n}.ecm.json`), text.replace('"ecm-02"', `"ecm-0${n}"`));
    const b = await broker({ workspace: dir });
    const v = await b.call('GET', '/v1/ecms');
    assert.equal(v.body.max, 5);
    assert.equal(v.body.ecms.length, 5);
    assert.deepEqual(v.body.ignored, ['ecm-02'], 'standby.ecm.json sorts after extra*.ecm.json, so it is the sixth');
  });
});

describe('broker: routing by ECM group (the PA file\'s API accounts and jump groups)', () => {
  // ecm-02 signs in with an account of ECM group 2, and jump group Kiosks routes there; Servers stays on group 1.
  const twoGroups = {
    'site.pa.yaml': [
      ['{ name: Kiosks, ecmGroup: "1" }', '{ name: Kiosks, ecmGroup: "2" }'],
      ['clientId: 0e8f3a91-2b7c-4c55-9d10-7a6e4b3f2c18, enabled: true, ecmAccess: true, ecmGroup: "1"', 'clientId: 0e8f3a91-2b7c-4c55-9d10-7a6e4b3f2c18, enabled: true, ecmAccess: true, ecmGroup: "2"'],
      // KIOSK-7 takes credentials, so its requests matter.
      ['credentialInjection: false, jumpGroup: Kiosks', 'credentialInjection: true, jumpGroup: Kiosks'],
    ],
    'corp.vault.yaml': [[/(- \{ name: WEB02,[^\n]*\n)/, '$1  - { name: KIOSK-7, description: Kiosk, type: Windows, network: LAN, ip: 10.3.0.70, groups: [] }\n']],
  } satisfies Record<string, [string | RegExp, string][]>;

  it('a jump client\'s request goes to its jump group\'s ECM group; an ECM of another group never serves it', async () => {
    const b = await broker({ edits: twoGroups });
    const v = await b.call('GET', '/v1/ecms');
    assert.deepEqual(v.body.ecms.map((e: any) => [e.name, e.group, e.active]), [['ecm-01', '1', true], ['ecm-02', '2', true]]);
    assert.deepEqual(v.body.groups, [
      { group: '1', active: 'ecm-01', ecms: ['ecm-01'], jumpGroups: ['Servers'] },
      { group: '2', active: 'ecm-02', ecms: ['ecm-02'], jumpGroups: ['Kiosks'] },
    ]);
    assert.equal(v.body.active, 'ecm-01', 'a request with no jump group goes to the longest connected of all');

    const kiosk = await b.find('jdoe', 'corp.example.com', 'KIOSK-7');
    assert.equal(kiosk.status, 200, JSON.stringify(kiosk.body));
    assert.equal(kiosk.body.ecm, 'ecm-02', 'ecm-01 is connected longer, but is not in ECM group 2');
    assert.match(stepOf(kiosk.body, 'route').detail, /KIOSK-7 is in jump group Kiosks, whose credential requests go to ECM group 2, which ECM ecm-02 is in/);
    assert.ok(stepOf(kiosk.body, 'route').source.uri.endsWith('site.pa.yaml'));
    const web02 = await b.find('jdoe', 'corp.example.com', 'WEB02');
    assert.equal(web02.body.ecm, 'ecm-01');
    // Without a jump group, any ECM of the site may serve: the longest connected.
    assert.equal((await b.find('jdoe', 'corp.example.com', 'WEB01')).body.ecm, 'ecm-01');

    // ecm-02 gone: group 2 has no ECM connected, and ecm-01 does not take over its requests.
    const off = await b.call('POST', '/v1/ecms/ecm-02/disconnect');
    assert.deepEqual(off.body.groups.map((g: any) => [g.group, g.active]), [['1', 'ecm-01'], ['2', null]]);
    const none = await b.find('jdoe', 'corp.example.com', 'KIOSK-7');
    assert.equal(none.status, 503);
    assert.equal(none.body.error.code, 'no-ecm-connected');
    assert.match(none.body.error.message, /No ECM of ECM group 2 of site support\.example\.com \(where jump group Kiosks of KIOSK-7 sends its requests\) is connected \(ecm-02 is disconnected\)/);
    assert.equal((await b.find('jdoe', 'corp.example.com', 'WEB02')).body.ecm, 'ecm-01', 'group 1 is unaffected');
    await b.call('POST', '/v1/ecms/ecm-02/connect');
    assert.equal((await b.find('jdoe', 'corp.example.com', 'KIOSK-7')).body.ecm, 'ecm-02');
  });

  it('a jump group routed to an ECM group no ECM is in: the request reaches no ECM, and /v1/ecms lists that group empty', async () => {
    const b = await broker({ edits: { ...twoGroups, 'site.pa.yaml': [...twoGroups['site.pa.yaml'], ['{ name: Servers, ecmGroup: "1" }', '{ name: Servers, ecmGroup: "3" }']] } });
    const v = await b.call('GET', '/v1/ecms');
    assert.deepEqual(v.body.groups.find((g: any) => g.group === '3'), { group: '3', active: null, ecms: [], jumpGroups: ['Servers'] });
    const r = await b.find('jdoe', 'corp.example.com', 'WEB02');
    assert.equal(r.status, 503);
    assert.match(r.body.error.message, /No ECM is in ECM group 3 of site support\.example\.com .*jumpgroup\/no-ecm/);
  });
});
