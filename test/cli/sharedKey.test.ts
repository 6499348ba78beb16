// A shared key that cannot travel in the Vault's PS-Auth header is refused up front (exit 2, a message
// that says which key, where it was read from and how to make one, never the value) by every command that
// would send or accept it: broker, sandbox and vault-test. Before, a key typed as `…` made every find
// answer 502 UND_ERR_INVALID_ARG while /v1/health said the Vault was reachable.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { sharedKeyProblem } from '../../server/src/model/secrets';
import { copyExamples } from '../support/fixtures';
import { ROOT } from '../support/lspClient';

const MAIN = path.join(ROOT, 'server/src/cli/main.ts');
const ws = copyExamples();
after(() => ws.cleanup());

function ecmkit(args: string[], key: string) {
  const env = { ...process.env, ECMKIT_SECRET_VAULT_SHAREDKEY: key, ECMKIT_CACHE_DIR: path.join(ws.dir, '.cache') };
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('shared keys that cannot go into an HTTP header', () => {
  it('sharedKeyProblem: printable ASCII passes; non-ASCII, control characters, ";", edge spaces and empty do not', () => {
    assert.equal(sharedKeyProblem('3f9a0c'.repeat(10)), undefined);
    assert.equal(sharedKeyProblem('a key-with inner space_!~'), undefined);
    assert.match(sharedKeyProblem('…')!, /outside ASCII/);
    assert.match(sharedKeyProblem('clé')!, /outside ASCII/);
    assert.match(sharedKeyProblem('ab\tc')!, /control character/);
    assert.match(sharedKeyProblem('abc\n')!, /control character/);
    assert.match(sharedKeyProblem('ab;c')!, /';'/);
    assert.match(sharedKeyProblem(' abc')!, /space/);
    assert.match(sharedKeyProblem('')!, /empty/);
  });

  const KEY = 'geheim-…-wert';
  const cases: [string, string[], RegExp][] = [
    ['broker --sandbox', ['broker', '--workspace', ws.dir, '--sandbox', '--port', '0'], /^ecmkit broker: The shared key of ECM ecm-01 \(vault\.sharedKey: \$\{secret:vault\.sharedKey\}, read from the environment variable ECMKIT_SECRET_VAULT_SHAREDKEY\) holds a character outside ASCII/],
    ['broker (configured Vault)', ['broker', '--workspace', ws.dir, '--port', '0'], /^ecmkit broker: The shared key of ECM ecm-01 /],
    ['sandbox', ['sandbox', '--workspace', ws.dir, '--port', '0'], /^ecmkit sandbox: The API key of integration ecm-integration \(authenticationCredential: /],
    ['vault-test', ['vault-test', path.join(ws.dir, 'prod.ecm.yaml')], /^ecmkit vault-test: The shared key of ECM ecm-01 /],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2 before starting, with how to make a key, and the value never shown`, () => {
      const r = ecmkit(args, KEY);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '', 'nothing started, so nothing listening');
      assert.match(r.stderr, message);
      assert.match(r.stderr, /openssl rand -hex 32/);
      assert.ok(!r.stderr.includes('geheim'), 'the key is never printed');
    });
  }

  it('--key-file: the key in the file is checked the same way', () => {
    const file = path.join(ws.dir, 'bad.key');
    writeFileSync(file, 'abc;def\n');
    chmodSync(file, 0o600);
    for (const cmd of ['broker', 'sandbox']) {
      const r = ecmkit([cmd, '--workspace', ws.dir, '--port', '0', '--key-file', file, ...(cmd === 'broker' ? ['--sandbox'] : [])], 'fine-key');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^ecmkit ${cmd}: The key in .*bad\\.key \\(--key-file\\) holds ';'`));
      assert.ok(!r.stderr.includes('abc;def'));
    }
  });
});
