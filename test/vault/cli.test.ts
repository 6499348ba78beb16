/** `ecmkit sandbox` and `ecmkit vault-test` as processes: the printed line, JSON contract, exit codes, no secret. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertNoSecret, CERT_DIR, KEY_ENV, TEST_KEY, workspace } from './helpers';

// The built bundle, as shipped (`npm test` builds first, like test/cli).
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const env = { ...process.env, [KEY_ENV]: TEST_KEY, ECMKIT_CACHE_DIR: CERT_DIR };

function cli(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...env, ...extraEnv } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - t0 }));
  });
}

describe('ecmkit sandbox + vault-test', () => {
  let dir: string;
  let proc: ChildProcess;
  let url: string;
  let ca: string;
  let sandboxErr = '';

  before(async () => {
    dir = workspace();
    proc = spawn(process.execPath, [CLI, 'sandbox', '--workspace', dir, '--port', '0'], { env });
    proc.stderr!.on('data', (d) => (sandboxErr += d));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out);
      });
      proc.on('exit', (c) => reject(new Error(`sandbox exited ${c}: ${sandboxErr}`)));
    });
    const m = /^sandbox listening on (https:\/\/127\.0\.0\.1:\d+) ca=(.+)\n$/.exec(line);
    assert.ok(m, `unexpected line: ${JSON.stringify(line)}`);
    [, url, ca] = m;
  });
  after(() => { proc.kill('SIGTERM'); });

  it('vault-test --format json: the contract shape, every stage passing, exit 0', async () => {
    const r = await cli(['vault-test', path.join(dir, 'prod.ecm.yaml'), '--vault', url, '--ca', ca, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(j), ['ok', 'stages']);
    assert.equal(j.ok, true);
    assert.deepEqual(j.stages.map((s: { stage: string }) => s.stage), ['dns', 'tcp', 'tls', 'http', 'auth', 'accounts', 'signout']);
    for (const s of j.stages) {
      assert.deepEqual(Object.keys(s), ['stage', 'ok', 'ms', 'detail', 'hint']);
      assert.equal(typeof s.ms, 'number');
    }
    assertNoSecret(r.stdout + r.stderr);
  });

  it('text output, --user, exit 1 with a wrong key, and nothing secret anywhere', async () => {
    const ok = await cli(['vault-test', path.join(dir, 'prod.ecm.yaml'), '--vault', url, '--ca', ca, '--user', 'EMEA\\asmith']);
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /as EMEA\\asmith/);
    assert.match(ok.stdout, /PASS  signout/);
    assert.match(ok.stdout, /Result: PASS/);
    const bad = await cli(['vault-test', path.join(dir, 'prod.ecm.yaml'), '--vault', url, '--ca', ca], { [KEY_ENV]: 'another-wrong-key-value' });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /FAIL  auth/);
    assertNoSecret(ok.stdout + ok.stderr + bad.stdout + bad.stderr + sandboxErr, [TEST_KEY, 'another-wrong-key-value']);
  });

  it('--tls-only stops after tls; without --ca the tls stage names the untrusted issuer', async () => {
    const t = await cli(['vault-test', path.join(dir, 'prod.ecm.yaml'), '--vault', url, '--ca', ca, '--tls-only', '--format', 'json']);
    assert.equal(t.code, 0);
    assert.deepEqual(JSON.parse(t.stdout).stages.map((s: { stage: string }) => s.stage), ['dns', 'tcp', 'tls']);
    const n = await cli(['vault-test', path.join(dir, 'prod.ecm.yaml'), '--vault', url, '--format', 'json']);
    assert.equal(n.code, 1);
    const tls = JSON.parse(n.stdout).stages[2];
    assert.equal(tls.ok, false);
    assert.match(tls.detail, /not trusted/);
  });

  it('usage errors exit 2', async () => {
    assert.equal((await cli(['vault-test'])).code, 2);
    assert.equal((await cli(['vault-test', path.join(dir, 'corp.vault.yaml')])).code, 2);
    assert.equal((await cli(['vault-test', path.join(dir, 'prod.ecm.yaml'), '--timeout', 'soon'])).code, 2);
    const missingCa = await cli(['vault-test', path.join(dir, 'prod.ecm.yaml'), '--ca', path.join(dir, 'nope.pem')]);
    assert.equal(missingCa.code, 2);
    assert.match(missingCa.stderr, /Cannot read the CA file/);
    const notPem = await cli(['vault-test', path.join(dir, 'prod.ecm.yaml'), '--ca', path.join(dir, 'corp.vault.yaml')]);
    assert.match(notPem.stderr, /corp\.vault\.yaml \(--ca\) holds no PEM certificate/);
    const notFolder = await cli(['sandbox', '--workspace', path.join(dir, 'prod.ecm.yaml')]);
    assert.equal(notFolder.code, 2);
    assert.match(notFolder.stderr, /--workspace .*prod\.ecm\.yaml is not a folder/);
    const emptyVault = await cli(['vault-test', path.join(dir, 'prod.ecm.yaml'), '--vault=']);
    assert.equal(emptyVault.code, 2);
    assert.match(emptyVault.stderr, /--vault is empty/);
    const broken = path.join(dir, 'broken.ecm.yaml');
    writeFileSync(broken, 'name: [x\n');
    try {
      const r = await cli(['vault-test', broken]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /broken\.ecm\.yaml does not parse \(line \d+: .*\); fix it first \(ecmkit check /);
    } finally {
      rmSync(broken);
    }
  });

  it('the sandbox refuses to start without its key and names the env var', async () => {
    const r = await cli(['sandbox', '--workspace', dir], { [KEY_ENV]: undefined });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ECMKIT_SECRET_VAULT_SHAREDKEY/);
    assert.equal(r.stdout, '');
  });
});
