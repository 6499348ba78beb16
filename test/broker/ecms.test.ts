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
    assert.deepEqual(Object.keys(start.body.ecms[0]).sort(), ['active', 'connected', 'connectedSince', 'file', 'host', 'name', 'order']);

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
