/** `ecmkit pull vault` as a process (the built bundle, as shipped): exit codes, the key only from the environment, no secret in the output. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../../server/src/vault/sandbox';
import { assertNoSecret, CERT_DIR, SCRATCH, TEST_KEY, workspace } from './helpers';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

function cli(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('ecmkit pull vault (process)', () => {
  let sb: Sandbox;
  let dir: string;
  before(async () => {
    const ws = workspace();
    sb = await startSandbox({ workspace: ws, certDir: CERT_DIR, secrets: (n) => (n === 'vault.sharedKey' ? TEST_KEY : undefined), watch: false });
    dir = mkdtempSync(path.join(SCRATCH, 'cli-'));
    writeFileSync(path.join(dir, 'corp.vault.yaml'), readFileSync(path.join(ws, 'corp.vault.yaml'), 'utf8').replace(/^hostname: .*$/m, `hostname: ${sb.url}`));
  });
  after(() => sb.close());

  it('--check on an up-to-date file: exit 0; then a changed one: exit 1 with the difference; no key in any output', async () => {
    const env = { ECMKIT_VAULT_KEY: TEST_KEY };
    const same = await cli(['pull', 'vault', '--vault', sb.url, '--user', 'CORP\\jdoe', '--ca', sb.caPath, '--check'], dir, env);
    assert.equal(same.code, 0, same.stderr);
    const file = path.join(dir, 'corp.vault.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('ip: 10.1.2.3', 'ip: 10.1.2.30'));
    const differs = await cli(['pull', 'vault', '--vault', sb.url, '--user', 'CORP\\jdoe', '--ca', sb.caPath, '--check'], dir, env);
    assert.equal(differs.code, 1, differs.stderr);
    assert.match(differs.stdout, /~ endpoints WEB01: ip/);
    const written = await cli(['pull', 'vault', '--vault', sb.url, '--user', 'CORP\\jdoe', '--ca', sb.caPath], dir, env);
    assert.equal(written.code, 0, written.stderr);
    assert.match(readFileSync(file, 'utf8'), /ip: 10\.1\.2\.3,/);
    for (const r of [same, differs, written]) assertNoSecret(r.stdout + r.stderr);
    assert.deepEqual(sb.forbiddenCalls(), []);
  });

  it('without ECMKIT_VAULT_KEY: exit 2 and says where the key comes from; --help shows both pulls', async () => {
    const r = await cli(['pull', 'vault', '--vault', sb.url, '--user', 'CORP\\jdoe'], dir, {});
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ECMKIT_VAULT_KEY/);
    const help = await cli(['pull', '--help'], dir, {});
    assert.match(help.stdout, /pull pa --site/);
    assert.match(help.stdout, /pull vault --vault URL --user RUNAS/);
  });
});
