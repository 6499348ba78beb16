// `ecmkit broker` as a process: the one stdout line, the 0600 token file, SIGTERM checks leases in and
// removes the token, usage errors exit 2. Secrets come from ECMKIT_SECRET_* like any CLI secret.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { PASSWORDS, ROOT, SHARED_KEY, workspace } from './helpers';

const MAIN = path.join(ROOT, 'server/src/cli/main.ts');
const ENV = {
  ...process.env,
  ECMKIT_SECRET_VAULT_SHAREDKEY: SHARED_KEY,
  ECMKIT_SECRET_WEB01_ADMIN: PASSWORDS['web01-admin'],
  ECMKIT_CACHE_DIR: path.join(workspace(), '.cache'),
};
const children: ChildProcess[] = [];
after(() => { for (const c of children) if (c.exitCode === null) c.kill('SIGKILL'); });

function start(args: string[]): { child: ChildProcess; line: Promise<string>; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'broker', ...args], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  const line = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${err}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, line, stderr: () => err, exit };
}

describe('ecmkit broker (process)', () => {
  it('prints exactly one line, serves with the token, and on SIGTERM checks in and removes the token', async () => {
    const dir = workspace();
    const p = start(['--workspace', dir, '--sandbox', '--port', '0']);
    const out = await p.line;
    const m = /^broker listening on http:\/\/127\.0\.0\.1:(\d+) token=(\S+)\n$/.exec(out);
    assert.ok(m, `stdout: ${JSON.stringify(out)}`);
    const [, port, tokenPath] = m;
    assert.equal(statSync(tokenPath).mode & 0o777, 0o600);
    const token = readFileSync(tokenPath, 'utf8').trim();
    const api = async (method: string, route: string, body?: unknown) => {
      const r = await fetch(`http://127.0.0.1:${port}${route}`, { method, headers: { authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: (r.status === 204 ? undefined : await r.json()) as any };
    };
    assert.equal((await api('GET', '/v1/health')).body.vault.reachable, true);
    const f = await api('POST', '/v1/credentials/find', { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' });
    assert.equal(f.body.credentials.length, 3);
    const co = await api('POST', '/v1/credentials/checkout', { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01', credentialId: f.body.credentials[0].id });
    assert.equal(co.body.password, PASSWORDS['web01-admin'], 'the stored secret, from ECMKIT_SECRET_WEB01_ADMIN');

    p.child.kill('SIGTERM');
    assert.equal(await p.exit, 0);
    assert.equal(existsSync(tokenPath), false, 'the token file is removed');
    const log = p.stderr();
    assert.match(log, /lease shutdown-checkin: web01-admin for CORP\\jdoe/);
    assert.match(log, /PUT Requests\/\d+\/checkin → 204/);
    assert.match(log, /broker stopped/);
    assert.doesNotMatch(log, /errors? in the workspace/, 'a clean workspace has nothing to say');
    for (const s of [SHARED_KEY, PASSWORDS['web01-admin'], token]) assert.ok(!log.includes(s), 'no secret on stderr');
  });

  it('says how many errors the workspace has when it starts and when that changes; a provider the Vault lacks fails at the provider step', async () => {
    const dir = workspace({ 'prod.ecm.yaml': [['corp.example.com=CORP\n', 'corp.example.com=CORPX\n']] });
    const p = start(['--workspace', dir, '--sandbox', '--port', '0']);
    const out = await p.line;
    const [, port, tokenPath] = /^broker listening on http:\/\/127\.0\.0\.1:(\d+) token=(\S+)\n$/.exec(out)!;
    await until(() => /1 error in the workspace \(prod\.ecm\.yaml\): the broker answers from the files as they are; ecmkit check \(or the Problems panel\) lists them\./.test(p.stderr()), 'the error count on stderr');
    const token = readFileSync(tokenPath, 'utf8').trim();
    const r = await fetch(`http://127.0.0.1:${port}/v1/credentials/find`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' }) });
    const body = await r.json() as { error: { code: string }; trace: { step: string; outcome: string; detail: string }[] };
    assert.equal(r.status, 404);
    assert.equal(body.error.code, 'user-not-found');
    const provider = body.trace.find((t) => t.step === 'provider')!;
    assert.equal(provider.outcome, 'fail');
    assert.match(provider.detail, /no security provider CORPX .*correct the mapping line \(prod\.ecm\.yaml line 17\)/);
    assert.equal(body.trace.find((t) => t.step === 'user'), undefined, 'no user step after the provider failed');
    // Fixed in the file: the broker re-reads it and says the errors are gone.
    writeFileSync(path.join(dir, 'prod.ecm.yaml'), readFileSync(path.join(dir, 'prod.ecm.yaml'), 'utf8').replace('CORPX', 'CORP'));
    await until(() => /no errors in the workspace now/.test(p.stderr()), 'the count going back to none');
    p.child.kill('SIGTERM');
    assert.equal(await p.exit, 0);
  });

  it('--log json writes one stamped event per line (what the editor reads); text writes the trace step by step', async () => {
    for (const format of ['json', 'text']) {
      const p = start(['--workspace', workspace(), '--sandbox', '--port', '0', '--log', format]);
      const [, port, tokenPath] = /^broker listening on http:\/\/127\.0\.0\.1:(\d+) token=(\S+)\n$/.exec(await p.line)!;
      const token = readFileSync(tokenPath, 'utf8').trim();
      const r = await fetch(`http://127.0.0.1:${port}/v1/credentials/find`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' }) });
      assert.equal(r.status, 200);
      await r.arrayBuffer();
      await until(() => /\/v1\/credentials\/find/.test(p.stderr()), 'the request logged');
      p.child.kill('SIGTERM');
      assert.equal(await p.exit, 0);
      const lines = p.stderr().trimEnd().split('\n');
      if (format === 'json') {
        const events = lines.map((l) => JSON.parse(l) as { type: string; time: string; steps?: { step: string }[] });
        for (const e of events) assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `${e.type} is stamped`);
        const trace = events.find((e) => e.type === 'trace')!;
        assert.ok(trace.steps!.some((s) => s.step === 'vault-query'));
        assert.equal(events.at(-1)!.type, 'info', 'the last event (broker stopped) is written before the process exits');
      } else {
        assert.ok(lines.some((l) => /^#\d+ trace: CORP\\jdoe on WEB01/.test(l)), 'the trace head');
        assert.ok(lines.some((l) => /^ {4}\S+ vault-query: The Vault lists \d+ accounts CORP\\jdoe may check out for WEB01/.test(l)), 'a step per line, plain text');
        assert.ok(!lines.some((l) => l.includes('`')), 'no backticks in the log');
        assert.equal(lines.at(-1), 'broker stopped');
      }
    }
  });

  it('exits 2 on usage errors and on a workspace without an ECM', async () => {
    const run = (args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, ['--import', 'tsx', MAIN, 'broker', ...args], { cwd: ROOT, env: ENV });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d) => { stdout += d; });
      c.stderr.on('data', (d) => { stderr += d; });
      c.on('exit', (status) => resolve({ status, stdout, stderr }));
    });
    const cases = [['--port', 'abc'], ['--sandbox', '--vault', 'https://v.example.com'], ['--workspace', path.join(ROOT, 'schemas')], ['--sandbox', '--ca', path.join(ROOT, 'examples', 'corp.vault.yaml')], ['--ecm', path.join(ROOT, 'examples', 'corp.vault.yaml')]];
    const results = await Promise.all(cases.map(run));
    results.forEach((r, i) => {
      assert.equal(r.status, 2, `${cases[i].join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^ecmkit broker: /);
      assert.equal(r.stdout, '');
    });
  });
});

async function until(ok: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
