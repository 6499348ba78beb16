// Vault faults (issue 7, item 3): a real faulty proxy in front of the real sandbox Vault (test/support/
// faultProxy.ts), met by the broker and by the connectivity test. Each fault must give its error code within
// the time limit, leave the broker serving, and be forgotten as soon as the Vault is back; a 401 after the
// session idled out costs exactly one new sign-in; a check-out the Vault half-answered leaves no request open.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startBroker, type RunningBroker } from '../../server/src/broker/start';
import { BrokerLog, type BrokerEvent } from '../../server/src/broker/log';
import { Workspace } from '../../server/src/model/workspace';
import { ensureSandboxCerts } from '../../server/src/net/certs';
import { runConnectivityTest, type ConnectivityReport } from '../../server/src/vault/connectivity';
import { startSandbox, type Sandbox } from '../../server/src/vault/sandbox';
import { vaultTestInputs } from '../../server/src/vault/testInputs';
import { assertNoSecret, CERT_DIR, PASSWORDS, ROOT, secrets, SHARED_KEY, workspace } from '../broker/helpers';
import { startFaultProxy, type FaultMode, type FaultProxy } from '../support/faultProxy';

/** The broker's time limit per Vault call, and the connectivity test's budget for a whole run. */
const TIMEOUT = 800;
const BUDGET = 1200;
/** What a fault may add on top of the limit (scheduling, the answer itself) on a slow CI machine. */
const SLACK = 800;

const JDOE = { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' };

interface Row { fault: string; path: string; observed: string; ms: number }
const matrix: Row[] = [];
after(() => {
  if (!matrix.length) return;
  const dir = path.join(ROOT, 'test-results', 'hardening');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'faults.json'), JSON.stringify(matrix, null, 2) + '\n');
  matrix.sort((a, b) => a.path.localeCompare(b.path));
  console.log(['fault matrix (fault × path → observed, ms):', ...matrix.map((r) => `  ${r.fault.padEnd(22)} ${r.path.padEnd(16)} ${r.observed.padEnd(34)} ${r.ms}`)].join('\n'));
});

interface Rig { dir: string; sandbox: Sandbox; proxy: FaultProxy; broker: RunningBroker; events: BrokerEvent[]; call(method: string, route: string, body?: unknown): Promise<{ status: number; body: any; text: string; ms: number }> }

async function rig(o: { sessionIdleMs?: number; timeoutMs?: number } = {}): Promise<Rig> {
  const dir = workspace();
  const sandbox = await startSandbox({ workspace: dir, secrets, certDir: CERT_DIR, watch: false, sessionIdleMs: o.sessionIdleMs });
  const certs = await ensureSandboxCerts(CERT_DIR);
  const proxy = await startFaultProxy({ upstream: sandbox.url, caPem: sandbox.caPem, cert: certs });
  const log = new BrokerLog();
  const events: BrokerEvent[] = [];
  log.on((e) => events.push(e));
  const broker = await startBroker({ workspace: dir, vaultUrl: proxy.url, ca: sandbox.caPem, secrets, watch: false, log, timeoutMs: o.timeoutMs ?? TIMEOUT });
  const call: Rig['call'] = async (method, route, body) => {
    const t0 = performance.now();
    const res = await fetch(broker.url + route, { method, headers: { authorization: `Bearer ${broker.token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const ms = Math.round(performance.now() - t0);
    return { status: res.status, body: text ? JSON.parse(text) : undefined, text, ms };
  };
  return { dir, sandbox, proxy, broker, events, call };
}

async function down(r: Rig | undefined): Promise<void> {
  if (!r) return;
  await r.proxy.set({ kind: 'pass' });
  await r.broker.close();
  await r.proxy.close();
  await r.sandbox.close();
}

/** The faults, what the broker must answer, and which stage of the connectivity test must fail. */
const FAULTS: { name: string; mode: FaultMode; code: string; stage: string }[] = [
  { name: 'down (refused)', mode: { kind: 'refuse' }, code: 'vault-unreachable', stage: 'tcp' },
  { name: 'drop (silent)', mode: { kind: 'drop' }, code: 'vault-unreachable', stage: 'tls' },
  { name: 'reset on connect', mode: { kind: 'reset' }, code: 'vault-unreachable', stage: 'tls' },
  { name: 'slower than timeout', mode: { kind: 'delay', ms: 5000 }, code: 'vault-unreachable', stage: 'http' },
  { name: 'no answer', mode: { kind: 'hang' }, code: 'vault-unreachable', stage: 'http' },
  { name: 'cut mid-response', mode: { kind: 'cut', bytes: 40 }, code: 'vault-unreachable', stage: 'http' },
  { name: 'HTTP 503', mode: { kind: 'status', status: 503 }, code: 'vault-error', stage: 'http' },
  { name: 'HTTP 500', mode: { kind: 'status', status: 500, body: '<html>Internal error</html>' }, code: 'vault-error', stage: 'http' },
  { name: '401 on every call', mode: { kind: 'status', status: 401 }, code: 'vault-auth-failed', stage: 'auth' },
  { name: 'cert turns self-signed', mode: { kind: 'self-signed' }, code: 'vault-tls', stage: 'tls' },
];

describe('Vault faults', () => {
describe('Vault faults through the broker', { concurrency: 1 }, () => {
  let r: Rig;
  before(async () => { r = await rig(); });
  after(() => down(r));

  for (const f of FAULTS) {
    it(`${f.name} → ${f.code} within the time limit; the broker keeps serving and recovers at once`, async () => {
      // A healthy start, with an open Vault session (so faults meet an established client too).
      const ok = await r.call('POST', '/v1/credentials/find', JDOE);
      assert.equal(ok.status, 200, ok.text);

      await r.proxy.set(f.mode);
      const bad = await r.call('POST', '/v1/credentials/find', JDOE);
      matrix.push({ fault: f.name, path: 'broker find', observed: `${bad.status} ${bad.body?.error?.code}`, ms: bad.ms });
      assert.equal(bad.body?.error?.code, f.code, bad.text);
      assert.ok(bad.status >= 500 || bad.status === 401 || bad.status === 404, `status ${bad.status}`);
      assert.ok(bad.ms < TIMEOUT + SLACK, `answered in ${bad.ms} ms`);
      assert.ok(Array.isArray(bad.body.trace) && bad.body.trace.some((t: any) => t.outcome === 'fail'), 'the trace says which step failed');
      assertNoSecret(bad.text);

      // Check-out meets the same fault (it signs in or reuses the session, then asks the Vault).
      const co = await r.call('POST', '/v1/credentials/checkout', { ...JDOE, credentialId: ok.body.credentials[0].id });
      matrix.push({ fault: f.name, path: 'broker checkout', observed: `${co.status} ${co.body?.error?.code}`, ms: co.ms });
      assert.equal(co.body?.error?.code, f.code, co.text);
      assert.ok(co.ms < 2 * TIMEOUT + SLACK, `answered in ${co.ms} ms`);

      // The broker itself is up: health answers (saying whether the Vault is reachable) and other routes work.
      const h = await r.call('GET', '/v1/health');
      assert.equal(h.status, 200);
      assert.equal(h.body.status, 'ok');
      assert.equal((await r.call('GET', '/v1/ecms')).status, 200);

      await r.proxy.set({ kind: 'pass' });
      const again = await r.call('POST', '/v1/credentials/find', JDOE);
      matrix.push({ fault: f.name, path: 'broker recovery', observed: `${again.status}`, ms: again.ms });
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.body.credentials.map((c: any) => c.name), ['web01-admin', 'web-deploy', 'helpdesk-shared']);
      // A check-out the Vault acted on but whose answer was lost is checked in by the broker (settle.ts).
      await waitFor(() => r.sandbox.activeRequests().length === 0, 3000, () => 'a check-out left open in the Vault: ' + JSON.stringify(r.sandbox.activeRequests()));
      assertNoSecret(JSON.stringify(r.events));
    });
  }

  it('health says the Vault is unreachable while it is down and reachable as soon as it is back', async () => {
    await r.proxy.set({ kind: 'refuse' });
    const h = await r.call('GET', '/v1/health');
    assert.equal(h.body.vault.reachable, false);
    await r.proxy.set({ kind: 'pass' });
    const h2 = await r.call('GET', '/v1/health');
    assert.equal(h2.body.vault.reachable, true);
  });
});

describe('Vault faults in the middle of a check-out', { concurrency: 1 }, () => {
  let r: Rig;
  before(async () => { r = await rig(); });
  after(() => down(r));

  const checkout = async () => {
    const f = await r.call('POST', '/v1/credentials/find', JDOE);
    assert.equal(f.status, 200, f.text);
    return r.call('POST', '/v1/credentials/checkout', { ...JDOE, credentialId: f.body.credentials[0].id });
  };

  for (const [name, mode] of [
    ['Credentials cut', { kind: 'cut', bytes: 30, match: /\/Credentials\// }],
    ['Credentials 503', { kind: 'status', status: 503, match: /\/Credentials\// }],
    ['Requests answer late', { kind: 'delay', ms: 1600, match: /\/Requests$/ }],
    ['Requests answer cut', { kind: 'cut', bytes: 30, match: /\/Requests$/ }],
  ] as [string, FaultMode][]) {
    it(`${name}: the caller gets an error and the Vault request is checked in, not left open`, async () => {
      await r.proxy.set(mode);
      const co = await checkout();
      matrix.push({ fault: name, path: 'broker checkout', observed: `${co.status} ${co.body?.error?.code}`, ms: co.ms });
      assert.ok(co.status >= 500, co.text);
      assert.match(co.body.error.code, /^vault-/);
      assert.ok(co.ms < TIMEOUT + SLACK, `answered in ${co.ms} ms`);
      assert.equal(r.broker.broker.leases.open().length, 0, 'no lease for a failed check-out');
      await r.proxy.set({ kind: 'pass' });
      // The request the Vault made (it got the POST even if its answer was lost) is checked in by the broker.
      await waitFor(() => r.sandbox.activeRequests().length === 0, 8000, () => JSON.stringify(r.sandbox.activeRequests()));
      const next = await checkout();
      assert.equal(next.status, 200, next.text);
      assert.equal((await r.call('POST', `/v1/leases/${next.body.leaseId}/checkin`)).status, 204);
      assert.equal(r.sandbox.activeRequests().length, 0);
    });
  }

  it('a check-in while the Vault is down fails, keeps the lease, and succeeds once the Vault is back', async () => {
    const co = await checkout();
    assert.equal(co.status, 200, co.text);
    await r.proxy.set({ kind: 'refuse' });
    const ci = await r.call('POST', `/v1/leases/${co.body.leaseId}/checkin`);
    matrix.push({ fault: 'down (refused)', path: 'broker checkin', observed: `${ci.status} ${ci.body?.error?.code}`, ms: ci.ms });
    assert.equal(ci.body.error.code, 'vault-unreachable');
    assert.equal(r.broker.broker.leases.open().length, 1);
    await r.proxy.set({ kind: 'pass' });
    assert.equal((await r.call('POST', `/v1/leases/${co.body.leaseId}/checkin`)).status, 204);
    assert.equal(r.sandbox.activeRequests().length, 0);
    assertNoSecret(JSON.stringify(r.events), [], []);
    assert.ok(!JSON.stringify(r.events).includes(PASSWORDS['web01-admin']));
  });
});

describe('401 after the Vault session idled out', { concurrency: 1 }, () => {
  let r: Rig;
  before(async () => { r = await rig({ sessionIdleMs: 300, timeoutMs: 5000 }); }); // timing is not the point here
  after(() => down(r));

  const signIns = () => r.events.filter((e) => e.type === 'vault' && e.path === 'Auth/SignAppin').length;

  it('signs in again exactly once, even for many concurrent requests, and answers them all', async () => {
    assert.equal((await r.call('POST', '/v1/credentials/find', JDOE)).status, 200);
    assert.equal(signIns(), 1);
    await new Promise((res) => setTimeout(res, 450)); // the sandbox's idle-out (300 ms) passes
    const t0 = performance.now();
    const all = await Promise.all(Array.from({ length: 20 }, () => r.call('POST', '/v1/credentials/find', JDOE)));
    const ms = Math.round(performance.now() - t0);
    matrix.push({ fault: '401 after session idle', path: 'broker find ×20', observed: `${[...new Set(all.map((a) => a.status))].join(',')}; sign-ins +${signIns() - 1}`, ms });
    for (const a of all) assert.equal(a.status, 200, a.text);
    assert.equal(signIns(), 2, 'one re-sign-in for all twenty');
    const expired = r.events.filter((e) => e.type === 'vault' && e.status === 401).length;
    assert.ok(expired >= 1);
  });

  it('a 401 that persists after the re-sign-in is vault-auth-failed, not a loop', async () => {
    await r.proxy.set({ kind: 'status', status: 401, match: /ManagedAccounts/ });
    const before = signIns();
    const bad = await r.call('POST', '/v1/credentials/find', JDOE);
    assert.equal(bad.body.error.code, 'vault-auth-failed', bad.text);
    assert.equal(signIns() - before, 1, 'exactly one re-sign-in');
    await r.proxy.set({ kind: 'pass' });
    assert.equal((await r.call('POST', '/v1/credentials/find', JDOE)).status, 200);
  });
});

describe('Vault faults through the connectivity test (vault-test)', { concurrency: 1 }, () => {
  let dir: string;
  let sandbox: Sandbox;
  let proxy: FaultProxy;
  let inputs: ReturnType<typeof vaultTestInputs>;
  before(async () => {
    dir = workspace();
    sandbox = await startSandbox({ workspace: dir, secrets, certDir: CERT_DIR, watch: false });
    proxy = await startFaultProxy({ upstream: sandbox.url, caPem: sandbox.caPem, cert: await ensureSandboxCerts(CERT_DIR) });
    const ws = await Workspace.load([dir]);
    inputs = vaultTestInputs(ws, pathToFileURL(path.join(dir, 'prod.ecm.yaml')).href, secrets);
  });
  after(async () => { await proxy.close(); await sandbox.close(); });

  const run = (): Promise<ConnectivityReport> =>
    runConnectivityTest({ hostname: proxy.url, ca: sandbox.caPem, timeoutMs: BUDGET, runAs: inputs.runAs, key: inputs.key, context: inputs.context });

  for (const f of FAULTS) {
    it(`${f.name} → the ${f.stage} stage fails within the budget; the next run passes once the Vault is back`, async () => {
      await proxy.set(f.mode);
      const t0 = performance.now();
      const rep = await run();
      const ms = Math.round(performance.now() - t0);
      const failed = rep.stages.find((s) => !s.ok);
      matrix.push({ fault: f.name, path: 'vault-test', observed: `${failed?.stage ?? 'none'} stage fails (${rep.stages.map((s) => `${s.stage} ${s.ms}`).join(', ')})`, ms });
      assert.equal(rep.ok, false);
      assert.equal(failed?.stage, f.stage, JSON.stringify(rep.stages));
      assert.ok(failed!.detail.length > 10 && failed!.hint !== undefined);
      assert.ok(ms < BUDGET + SLACK, `took ${ms} ms`);
      assertNoSecret(JSON.stringify(rep));
      assert.ok(!JSON.stringify(rep).includes(SHARED_KEY));

      await proxy.set({ kind: 'pass' });
      const good = await run();
      assert.equal(good.ok, true, JSON.stringify(good.stages));
    });
  }
});
});

async function waitFor(cond: () => boolean, ms: number, what: () => string = () => ''): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
