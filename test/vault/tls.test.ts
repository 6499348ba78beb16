/** The network stages of vault-test against real TLS servers with real generated certificates. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VaultClient } from '../../server/src/vault/client';
import { runConnectivityTest, type ConnectivityReport } from '../../server/src/vault/connectivity';
import { VaultError } from '../../server/src/vault/errors';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { assertNoSecret, certSet, closedPort, silentServer, TEST_KEY, tlsServer, type Listening } from './helpers';

const certs = certSet();
const servers: Listening[] = [];
const serve = async (...a: Parameters<typeof tlsServer>): Promise<Listening> => {
  const s = await tlsServer(...a);
  servers.push(s);
  return s;
};
after(async () => { await Promise.all(servers.map((s) => s.close())); });

const stage = (r: ConnectivityReport, name: string) => r.stages.find((s) => s.stage === name);
const tlsOnly = (url: string, ca?: string, timeoutMs?: number) => runConnectivityTest({ hostname: url, ca, tlsOnly: true, timeoutMs });

describe('vault-test network stages', () => {
  let good: Listening;
  before(async () => { good = await serve(certs.good); });

  it('passes dns, tcp and tls for a CA-signed certificate when the CA is supplied, describing the certificate', async () => {
    const r = await tlsOnly(good.url, certs.ca.certPem);
    assert.equal(r.ok, true, JSON.stringify(r.stages));
    assert.deepEqual(r.stages.map((s) => s.stage), ['dns', 'tcp', 'tls']);
    const tls = stage(r, 'tls')!;
    assert.match(tls.detail, /subject CN=localhost/);
    assert.match(tls.detail, /issuer CN=ecmkit test CA/);
    assert.match(tls.detail, /SANs DNS:localhost, IP Address:127\.0\.0\.1/);
    assert.match(tls.detail, /\d+ days left/);
    assert.match(tls.detail, /TLSv1\.[23]/);
    assert.equal(tls.warning, undefined);
    for (const s of r.stages) assert.ok(s.ms >= 0 && Number.isInteger(s.ms));
  });

  it('names the unknown issuer when the CA is not supplied', async () => {
    const r = await tlsOnly(good.url);
    const tls = stage(r, 'tls')!;
    assert.equal(r.ok, false);
    assert.equal(tls.ok, false);
    assert.match(tls.detail, /issued by a CA that is not trusted/);
    assert.match(tls.detail, /issuer CN=ecmkit test CA/, 'the rejected certificate is still described');
    assert.match(tls.hint, /--ca/);
  });

  it('names a self-signed certificate, and still rejects it when it is given as the CA (the ECM does)', async () => {
    const s = await serve(certs.selfSigned);
    const without = stage(await tlsOnly(s.url), 'tls')!;
    assert.equal(without.ok, false);
    assert.match(without.detail, /self-signed/);
    const withCa = stage(await tlsOnly(s.url, certs.selfSigned.certPem), 'tls')!;
    assert.equal(withCa.ok, false);
    assert.match(withCa.detail, /self-signed/);
    assert.match(withCa.detail, /ECM rejects/);
  });

  it('names an expired certificate and a not-yet-valid one', async () => {
    const expired = await serve(certs.expired);
    const e = stage(await tlsOnly(expired.url, certs.ca.certPem), 'tls')!;
    assert.equal(e.ok, false);
    assert.match(e.detail, /has expired/);
    assert.match(e.detail, /expired \d+ days ago/);
    const future = await serve(certs.notYetValid);
    const f = stage(await tlsOnly(future.url, certs.ca.certPem), 'tls')!;
    assert.equal(f.ok, false);
    assert.match(f.detail, /not valid yet/);
  });

  it('warns when the certificate expires within 30 days but passes', async () => {
    const s = await serve(certs.expiring);
    const r = await tlsOnly(s.url, certs.ca.certPem);
    const tls = stage(r, 'tls')!;
    assert.equal(tls.ok, true);
    assert.equal(tls.warning, true);
    assert.match(tls.detail, /expires in (9|10) days/);
    assert.match(tls.hint, /Renew/);
  });

  it('names a hostname mismatch', async () => {
    const s = await serve(certs.wrongName);
    const tls = stage(await tlsOnly(s.url, certs.ca.certPem), 'tls')!;
    assert.equal(tls.ok, false);
    assert.match(tls.detail, /does not name 127\.0\.0\.1/);
    assert.match(tls.detail, /DNS:vault\.other\.example/);
    assert.match(tls.hint, /Subject Alternative Names/);
  });

  it('names an old protocol (TLS 1.0/1.1 only)', async () => {
    const s = await serve(certs.good, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const tls = stage(await tlsOnly(s.url, certs.ca.certPem), 'tls')!;
    assert.equal(tls.ok, false);
    assert.match(tls.detail, /old TLS version/);
  });

  it('fails tcp with "refused" on a closed port', async () => {
    const port = await closedPort();
    const r = await tlsOnly(`https://127.0.0.1:${port}`, certs.ca.certPem);
    assert.deepEqual(r.stages.map((s) => [s.stage, s.ok]), [['dns', true], ['tcp', false]]);
    assert.match(r.stages[1].detail, /connection refused/);
    assert.match(r.stages[1].hint, /Nothing listens on port/);
  });

  it('bounds the whole test by --timeout against a server that accepts TCP and never answers', async () => {
    const s = await silentServer();
    servers.push(s);
    const t0 = performance.now();
    const r = await runConnectivityTest({ hostname: s.url, ca: certs.ca.certPem, timeoutMs: 700, runAs: 'CORP\\jdoe', key: 'x' });
    const elapsed = performance.now() - t0;
    assert.equal(r.ok, false);
    const tls = stage(r, 'tls')!;
    assert.equal(tls.ok, false);
    assert.match(tls.detail, /No TLS handshake within \d+ ms/);
    assert.ok(elapsed < 700 + 400, `took ${elapsed} ms`);
  });

  it('fails dns for a name that does not resolve, and rejects a non-https URL before any network', async () => {
    const r = await tlsOnly('https://does-not-exist.invalid');
    assert.deepEqual(r.stages.map((s) => [s.stage, s.ok]), [['dns', false]]);
    assert.match(r.stages[0].detail, /does not resolve|DNS/);
    const h = await tlsOnly('http://127.0.0.1:1');
    assert.equal(h.ok, false);
    assert.match(h.stages[0].detail, /not https/);
  });

  it('runs the http stage: 404 means no Password Safe API there', async () => {
    const s = await serve(certs.good, {}, 404);
    const r = await runConnectivityTest({ hostname: s.url, ca: certs.ca.certPem, runAs: 'CORP\\jdoe', key: 'x' });
    assert.deepEqual(r.stages.map((x) => [x.stage, x.ok]), [['dns', true], ['tcp', true], ['tls', true], ['http', false]]);
    assert.match(r.stages[3].detail, /No Password Safe v3 API/);
    assert.match(r.stages[3].hint, /--tls-only/);
  });
  it('fails the http stage for a web page answering 200 and for a service that does not speak HTTP', async () => {
    const page = await serve(certs.good, {}, 200, 'HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\nserver: nginx\r\ncontent-length: 20\r\nconnection: close\r\n\r\n<html>Welcome</html>');
    let r = await runConnectivityTest({ hostname: page.url, ca: certs.ca.certPem, runAs: 'CORP\\jdoe', key: 'x' });
    assert.deepEqual(r.stages.map((x) => [x.stage, x.ok]), [['dns', true], ['tcp', true], ['tls', true], ['http', false]]);
    assert.match(r.stages[3].detail, /HTTP 200 with a web page \(text\/html\) .*server nginx: a web site answers there, not the Password Safe API/);
    const ssh = await serve(certs.good, {}, 200, 'SSH-2.0-OpenSSH_9.6\r\n');
    r = await runConnectivityTest({ hostname: ssh.url, ca: certs.ca.certPem, runAs: 'CORP\\jdoe', key: 'x' });
    assert.equal(r.stages[3].ok, false);
    assert.match(r.stages[3].detail, /not an HTTP server \(HPE_/);
    assert.match(r.stages[3].hint, /port in vault\.hostname/);
  });
});

describe('Vault client TLS errors', () => {
  it('throws typed tls errors naming the case, and a timeout error for a silent server', async () => {
    const cases: [keyof ReturnType<typeof certSet>, string | undefined, string][] = [
      ['selfSigned', undefined, 'self-signed'],
      ['good', undefined, 'unknown-issuer'],
      ['expired', certs.ca.certPem, 'expired'],
      ['wrongName', certs.ca.certPem, 'hostname-mismatch'],
    ];
    for (const [which, ca, tlsCase] of cases) {
      const s = await serve(certs[which] as never);
      const c = new VaultClient({ hostname: s.url, ca, timeoutMs: 2000 });
      await assert.rejects(c.signIn('k', 'CORP\\jdoe'), (e: unknown) => {
        assert.ok(e instanceof VaultError, String(e));
        assert.equal(e.kind, 'tls', `${which}: ${e.message}`);
        assert.equal(e.details.tlsCase, tlsCase, `${which}: ${e.message}`);
        return true;
      });
      await c.close();
    }
    const silent = await silentServer();
    servers.push(silent);
    const c = new VaultClient({ hostname: silent.url, ca: certs.ca.certPem, timeoutMs: 300 });
    const t0 = performance.now();
    await assert.rejects(c.managedAccounts(), (e: unknown) => e instanceof VaultError && e.kind === 'timeout' && /did not answer within 300 ms/.test(e.message));
    assert.ok(performance.now() - t0 < 1500);
    await c.close();
    const port = await closedPort();
    const refused = new VaultClient({ hostname: `https://127.0.0.1:${port}`, timeoutMs: 1000 });
    await assert.rejects(refused.managedAccounts(), (e: unknown) => e instanceof VaultError && e.kind === 'unreachable' && /refused/.test(e.message));
    await refused.close();
  });

  it('refuses an answer over the size limit instead of holding it in memory', async () => {
    const server = createHttpsServer({ key: certs.good.keyPem, cert: certs.good.certPem }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const more = () => { while (sent < 8 * 1024 * 1024) { sent += chunk.length; if (!res.write(chunk)) { res.once('drain', more); return; } } res.end('[]'); };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const c = new VaultClient({ hostname: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: certs.ca.certPem, maxBodyBytes: 1024 * 1024 });
      await assert.rejects(c.managedAccounts(), (e: unknown) => e instanceof VaultError && e.kind === 'bad-response' && /is over 1 MB/.test(e.message));
      await c.close();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('redacts the key when a server echoes it back in an error body', async () => {
    const server = createHttpsServer({ key: certs.good.keyPem, cert: certs.good.certPem }, (req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(`denied: ${req.headers.authorization}`));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const c = new VaultClient({ hostname: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: certs.ca.certPem });
    await assert.rejects(c.signIn(TEST_KEY, 'CORP\\jdoe'), (e: unknown) => {
      assert.ok(e instanceof VaultError && e.kind === 'auth');
      assert.match(e.message, /denied: PS-Auth key=«redacted»; runas=CORP/);
      assertNoSecret(e.message + inspect(e));
      return true;
    });
    await c.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('refuses a plain-http Vault URL', () => {
    assert.throws(() => new VaultClient({ hostname: 'http://vault.example.com' }), (e: unknown) => e instanceof VaultError && e.kind === 'config');
  });
});
