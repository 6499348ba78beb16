// Simulate (engine/injection.ts) and the code lens (engine/injectionSummary.ts) route a jump client's request
// as the broker does (domain/routing.ts): to its jump group's ECM group, where the first ECM serves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveInjection } from '../../server/src/engine/injection';
import { jumpClientSummaries } from '../../server/src/engine/injectionSummary';
import { BASE, sub, workspace, type Edit } from '../support/editedExamples';

const PA = 'file:///ws/site.pa.yaml';
/** ecm-02 signs in with an account of ECM group 2, where jump group Servers (WEB02) routes; ecm-02 alone has Domain Matching on. */
const serversOnEcm02: Edit = {
  'site.pa.yaml': (t) => sub('ecmAccess: true, ecmGroup: "1", ipAddresses: [10.20.0.16]', 'ecmAccess: true, ecmGroup: "2", ipAddresses: [10.20.0.16]')(sub('{ name: Servers, ecmGroup: "1" }', '{ name: Servers, ecmGroup: "2" }')(t)),
  'standby.ecm.json': sub('"enableDomainMatching": false', '"enableDomainMatching": true'),
  'corp.vault.yaml': sub('{ name: web-deploy, type: windowsDomain, policy: Windows servers, domain: corp.example.com', '{ name: web-deploy, type: windowsDomain, policy: Windows servers, domain: emea.corp.example.com'),
};
const names = (r: ReturnType<typeof resolveInjection>) => r.credentials.map((c) => c.name);

describe('Simulate routes by ECM group', () => {
  it('WEB02 (jump group Servers → ECM group 2) is served by ecm-02, WEB01 (no jump group) by the first ECM', () => {
    const ws = workspace(serversOnEcm02);
    const web02 = resolveInjection(ws, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB02' });
    assert.equal(web02.ecm, 'ecm-02');
    assert.deepEqual(names(web02), ['helpdesk-shared'], 'ecm-02 withholds the EMEA credential (Domain Matching)');
    const route = web02.trace.find((t) => t.step === 'route')!;
    assert.equal(route.outcome, 'pass');
    assert.match(route.detail, /WEB02 is in jump group Servers, whose credential requests go to ECM group 2, which ECM ecm-02 is in/);
    const web01 = resolveInjection(ws, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' });
    assert.equal(web01.ecm, 'ecm-01');
    assert.deepEqual(names(web01), ['web01-admin', 'web-deploy', 'helpdesk-shared']);
    assert.equal(web01.trace.find((t) => t.step === 'route'), undefined);
  });
  it('an ECM chosen by name that is not in the jump client\'s group never gets the request', () => {
    const r = resolveInjection(workspace(serversOnEcm02), { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB02' }, { ecm: 'ecm-01' });
    assert.equal(r.failure?.code, 'no-ecm');
    assert.match(r.failure!.message, /ECM ecm-01 is in ECM group 1, so the appliance never sends it this request/);
  });
  it('a group no ECM is in: no ECM, the route step says why and points at the jump group', () => {
    const r = resolveInjection(workspace({ 'site.pa.yaml': sub('{ name: Servers, ecmGroup: "1" }', '{ name: Servers, ecmGroup: "7" }') }), { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB02' });
    assert.equal(r.failure?.code, 'no-ecm');
    const step = r.trace.find((t) => t.step === 'route')!;
    assert.equal(step.outcome, 'fail');
    assert.match(step.detail, /no ECM of site support\.example\.com is in that group.*jumpgroup\/no-ecm/);
    assert.equal(step.source!.range.start.line, BASE['site.pa.yaml'].split('\n').findIndex((l) => l.includes('{ name: Servers')), 'on the jump group\'s ecmGroup');
  });
});

describe('the code lens counts through the routed ECM', () => {
  it('WEB02 through ecm-02 (its group), WEB01 through ecm-01', () => {
    const s = jumpClientSummaries(workspace(serversOnEcm02), PA);
    assert.deepEqual([s.get('WEB01'), s.get('WEB02')].map((x) => [x!.credentials, x!.users]), [[3, 3], [1, 3]]);
  });
  it('a jump client whose group no ECM is in: 0, and why', () => {
    const s = jumpClientSummaries(workspace({ 'site.pa.yaml': sub('{ name: Servers, ecmGroup: "1" }', '{ name: Servers, ecmGroup: "7" }') }), PA);
    assert.deepEqual(s.get('WEB02'), { jumpClient: 'WEB02', credentials: 0, users: 0, reason: 'no ECM is in ECM group 7, where jump group Servers sends its requests' });
    assert.equal(s.get('WEB01')!.credentials, 3);
  });
});
