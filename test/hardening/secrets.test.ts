// Secrets (issue 7, item 5): the whole flow with known, unique secret values — check (text, JSON, SARIF),
// the language server, the sandbox Vault, vault-test (passing and with a wrong key), the broker (health,
// find, check-out, check-in, refusals, bad tokens), the broker's debug adapter (launch, Debug Console
// commands, a check-out, disconnect) — and not one of those values may appear in any stdout/stderr, log
// line, trace, Debug Console or LSP message, error, diagnostic, or file ecmkit wrote (the temp folder, the
// cache folder, HOME and the workspace are scanned), except in the one check-out answer that hands a
// password to its caller. The broker's token file is owner-only (0600, in a 0700 folder).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { BrokerDebugSession, type DapMessage } from '../../client/src/broker/debugSession';
import { secretEnvName } from '../../server/src/model/secrets';
import { EXAMPLES, ROOT } from '../broker/helpers';
import { LspClient } from '../support/lspClient';

const CLI = path.join(ROOT, 'dist/cli.js');
const tag = randomBytes(6).toString('hex');
/** The secrets of this run: every one is unique, so finding it anywhere is a leak. */
const SECRETS: Record<string, string> = {
  'vault.sharedKey': `SharedKey-${tag}-q7`,
  'ecm-01.clientSecret': `ClientSecret-${tag}-w3`,
  'ecm-02.clientSecret': `ClientSecret2-${tag}-e5`,
  'web01-admin': `Pw-web01-${tag}-!1`,
  'web-deploy': `Pw-deploy-${tag}-!2`,
  'db01-sa': `Pw-sa-${tag}-!3`,
  'helpdesk-shared': `Pw-helpdesk-${tag}-!4`,
};
/** Written into a file as a literal (what the secret/plaintext rule flags): the diagnostic must not repeat it. */
const PLAINTEXT = `PlainSecret-${tag}-r9`;
/** A wrong shared key, tried once: refused, and never echoed either. */
const WRONG_KEY = `WrongKey-${tag}-t2`;

const scratch = mkdtempSync(path.join(tmpdir(), 'ecmkit-secrets-'));
const dirs = { tmp: path.join(scratch, 'tmp'), home: path.join(scratch, 'home'), cache: path.join(scratch, 'cache'), ws: path.join(scratch, 'ws') };
for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
cpSync(EXAMPLES, dirs.ws, { recursive: true });
const standby = path.join(dirs.ws, 'standby.ecm.json');
writeFileSync(standby, readFileSync(standby, 'utf8').replace('"${secret:ecm-02.clientSecret}"', JSON.stringify(PLAINTEXT)));

/** Every ecmkit process runs with its temp, cache and home folders inside the scratch folder, and the secrets in its environment. */
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: dirs.home,
  TMPDIR: dirs.tmp,
  XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
  ECMKIT_CACHE_DIR: dirs.cache,
  ...Object.fromEntries(Object.entries(SECRETS).map(([k, v]) => [secretEnvName(k), v])),
};

/** Everything ecmkit said, by where it was said. */
const said: { where: string; text: string }[] = [];
const hear = (where: string, text: string) => { if (text) said.push({ where, text }); };

/** The workspace before: files ecmkit creates or changes there are scanned too. */
const before = new Map(walk(dirs.ws).map((f) => [f, readFileSync(f, 'utf8')]));
const running: ChildProcess[] = [];
after(() => {
  for (const p of running) if (p.exitCode === null) p.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

function cli(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...env, ...extra }, cwd: dirs.ws });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => {
      hear(`ecmkit ${args[0]} stdout`, stdout);
      hear(`ecmkit ${args[0]} stderr`, stderr);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** A long-running ecmkit process; resolves with the match of its first stdout line. */
function serve(args: string[], re: RegExp): Promise<{ proc: ChildProcess; m: RegExpExecArray; stopped: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, ...args], { env, cwd: dirs.ws });
    running.push(proc);
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = re.exec(out);
      if (m) resolve({ proc, m, stopped });
    });
    proc.stderr!.on('data', (d) => (err += d));
    const stopped = new Promise<void>((r) => proc.on('close', () => {
      hear(`ecmkit ${args[0]} stdout`, out);
      hear(`ecmkit ${args[0]} stderr`, err);
      r();
    }));
    proc.once('exit', (code) => reject(new Error(`ecmkit ${args[0]} exited ${code}: ${err}`)));
  });
}

const everySecret = () => [...Object.entries(SECRETS), ['plaintext', PLAINTEXT], ['wrong key', WRONG_KEY]] as [string, string][];

function leaks(text: string, extra: [string, string][] = []): string[] {
  return [...everySecret(), ...extra].filter(([, v]) => text.includes(v)).map(([k, v]) => `${k} …${text.slice(Math.max(0, text.indexOf(v) - 60), text.indexOf(v))}`);
}

describe('no secret leaves ecmkit except the check-out answer', () => {
  it('check, LSP, sandbox, vault-test, broker, debug adapter: no secret in any output or file; token file 0600', async () => {
    // ——— ecmkit check (three formats at once), while the sandbox Vault starts ———
    const sandboxStarting = serve(['sandbox', '--workspace', dirs.ws, '--port', '0'], /sandbox listening on (https:\/\/127\.0\.0\.1:\d+) ca=(\S+)/);
    await Promise.all(['text', 'json', 'sarif'].map(async (format) => {
      const r = await cli(['check', dirs.ws, '--format', format]);
      assert.ok(r.code === 0 || r.code === 1, `check ran (${format}): ${r.stderr.slice(0, 300)}`);
      assert.match(r.stdout, /secret\/plaintext/);
    }));

    // ——— the language server: every file opened, diagnostics and log messages collected ———
    const lsp = await LspClient.start(dirs.ws);
    lsp.proc.stderr!.on('data', (d) => hear('lsp stderr', String(d)));
    lsp.conn.onNotification('window/logMessage', (p: unknown) => hear('lsp logMessage', JSON.stringify(p)));
    lsp.conn.onNotification('window/showMessage', (p: unknown) => hear('lsp showMessage', JSON.stringify(p)));
    for (const f of walk(dirs.ws)) lsp.open(lsp.uri(f), readFileSync(f, 'utf8'), f.endsWith('.json') ? 'json' : 'yaml');
    const diags = await lsp.waitFor(lsp.uri(standby), (d) => d.some((x) => x.code === 'secret/plaintext'));
    const hover = await lsp.request('textDocument/hover', { textDocument: { uri: lsp.uri(standby) }, position: { line: 6, character: 22 } });
    hear('lsp hover', JSON.stringify(hover));
    await new Promise((r) => setTimeout(r, 300)); // the other files' diagnostics
    hear('lsp diagnostics', JSON.stringify([...lsp.diagnostics]));
    assert.ok(diags.length > 0);
    await lsp.stop();

    // ——— vault-test against the sandbox (passing, as text and JSON, and with a wrong key), at once ———
    const sandbox = await sandboxStarting;
    const [, vaultUrl, caPath] = sandbox.m;
    const ecmFile = path.join(dirs.ws, 'prod.ecm.yaml');
    const [ok, okText, refused] = await Promise.all([
      cli(['vault-test', ecmFile, '--vault', vaultUrl, '--ca', caPath, '--format', 'json']),
      cli(['vault-test', ecmFile, '--vault', vaultUrl, '--ca', caPath]),
      cli(['vault-test', ecmFile, '--vault', vaultUrl, '--ca', caPath, '--format', 'json'], { [secretEnvName('vault.sharedKey')]: WRONG_KEY }),
    ]);
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(okText.code, 0);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /"stage":"auth","ok":false/);

    // ——— the broker (with its own sandbox), over HTTP ———
    const broker = await serve(['broker', '--workspace', dirs.ws, '--sandbox', '--log', 'json'], /broker listening on (http:\/\/127\.0\.0\.1:\d+) token=(\S+)/);
    const [, url, tokenPath] = broker.m;
    assert.equal(statSync(tokenPath).mode & 0o777, 0o600, 'token file owner-only');
    assert.equal(statSync(path.dirname(tokenPath)).mode & 0o777, 0o700, 'token folder owner-only');
    assert.ok(tokenPath.startsWith(dirs.tmp), 'the token lives in the temp folder');
    const token = readFileSync(tokenPath, 'utf8').trim();
    const tokenSecret: [string, string] = ['bearer token', token];
    let checkoutAnswers = 0;
    const http = async (method: string, route: string, body?: unknown, auth = `Bearer ${token}`) => {
      const res = await fetch(url + route, { method, headers: { authorization: auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      if (route === '/v1/credentials/checkout' && res.status === 200) checkoutAnswers++;
      else hear(`broker ${method} ${route} ${res.status}`, text);
      return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
    };
    const jdoe = { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' };
    assert.equal((await http('GET', '/v1/health')).status, 200);
    const find = await http('POST', '/v1/credentials/find', jdoe);
    assert.equal(find.status, 200, find.text);
    const web01 = find.json.credentials.find((c: { name: string }) => c.name === 'web01-admin').id;
    const co = await http('POST', '/v1/credentials/checkout', { ...jdoe, credentialId: web01 });
    assert.equal(co.status, 200, co.text);
    // The one place a password leaves ecmkit: this answer, to its caller, once.
    assert.equal(co.json.password, SECRETS['web01-admin']);
    assert.equal(co.text.split(SECRETS['web01-admin']).length - 1, 1);
    assert.deepEqual(leaks(co.text.replace(SECRETS['web01-admin'], '')), []);
    // Refusals and errors, with secrets nearby.
    assert.equal((await http('POST', '/v1/credentials/checkout', { user: 'asmith', securityProvider: 'emea.corp.example.com', endpoint: 'WEB01', credentialId: web01 })).status, 409);
    assert.equal((await http('POST', '/v1/credentials/find', { ...jdoe, user: 'nobody' })).status, 404);
    assert.equal((await http('GET', '/v1/health', undefined, `Bearer ${SECRETS['vault.sharedKey']}`)).status, 401);
    assert.equal((await http('GET', '/v1/health', undefined, `Bearer ${token}x`)).status, 401);
    assert.equal((await http('POST', '/v1/credentials/find', SECRETS['db01-sa'])).status, 400);
    assert.equal((await http('GET', '/v1/leases')).status, 200);
    assert.equal((await http('POST', `/v1/leases/${co.json.leaseId}/checkin`)).status, 204);
    // A second check-out, left open: shutdown checks it in.
    const co2 = await http('POST', '/v1/credentials/checkout', { user: 'bwayne', securityProvider: 'local', endpoint: 'WEB02', credentialId: (await http('POST', '/v1/credentials/find', { user: 'bwayne', securityProvider: 'local', endpoint: 'WEB02' })).json.credentials[0].id });
    assert.equal(co2.status, 200, co2.text);
    // Files written while the broker runs (its token file holds the token, of course, and nothing else).
    for (const f of walk(dirs.tmp)) {
      const text = readFileSync(f, 'utf8');
      if (f === tokenPath) assert.equal(text.trim(), token);
      else hear(`file ${f}`, text);
    }
    broker.proc.kill('SIGTERM');
    await broker.stopped;
    assert.equal(existsSync(tokenPath), false, 'the token file is removed at shutdown');

    // ——— the broker's debug adapter, driven as VS Code drives it ———
    const messages: DapMessage[] = [];
    const session = new BrokerDebugSession((args) => ({
      node: process.execPath, cliArgs: [CLI], cwd: dirs.ws, env,
      workspace: args.workspace, vault: args.vault,
      secret: async (r) => SECRETS[r.name],
    }));
    let wake: () => void = () => undefined;
    session.onDidSendMessage((m) => { messages.push(m); wake(); });
    let seq = 1;
    const dap = async (command: string, args?: unknown): Promise<DapMessage> => {
      const s = seq++;
      session.handleMessage({ seq: s, type: 'request', command, arguments: args });
      for (;;) {
        const hit = messages.find((m) => m.type === 'response' && m.request_seq === s);
        if (hit) return hit;
        await new Promise<void>((r) => { wake = r; setTimeout(r, 200); });
      }
    };
    try {
      await dap('initialize', { adapterID: 'ecmkit-broker' });
      const launch = await dap('launch', { workspace: dirs.ws, vault: 'sandbox' });
      assert.equal(launch.success, true, String(launch.message));
      await dap('configurationDone');
      for (const expression of ['find jdoe corp.example.com WEB01', 'find nobody local WEB01', 'leases', 'ecms', 'health', 'disconnect ecm-01', 'connect ecm-01']) {
        await dap('evaluate', { expression, context: 'repl' });
      }
      const info = session.broker!.info!;
      const f2 = await fetch(`${info.url}/v1/credentials/find`, { method: 'POST', headers: { authorization: `Bearer ${info.token}` }, body: JSON.stringify(jdoe) });
      const id2 = ((await f2.json()) as { credentials: { id: string }[] }).credentials[0].id;
      const co3 = await fetch(`${info.url}/v1/credentials/checkout`, { method: 'POST', headers: { authorization: `Bearer ${info.token}` }, body: JSON.stringify({ ...jdoe, credentialId: id2 }) });
      assert.equal(co3.status, 200);
      await co3.text(); // the caller's own answer
      await dap('evaluate', { expression: 'leases', context: 'repl' });
      const dapToken: [string, string] = ['debug broker token', info.token];
      await dap('disconnect', { terminateDebuggee: true });
      hear('debug adapter messages', JSON.stringify(messages));
      assert.deepEqual(leaks(JSON.stringify(messages), [dapToken]), []);
    } finally {
      session.dispose();
    }

    sandbox.proc.kill('SIGTERM');
    await sandbox.stopped;

    // ——— files: temp folder, cache folder, HOME, and what changed in the workspace ———
    for (const f of [...walk(dirs.tmp), ...walk(dirs.cache), ...walk(dirs.home)]) hear(`file ${f}`, readFileSync(f, 'latin1'));
    for (const f of walk(dirs.ws)) {
      const text = readFileSync(f, 'utf8');
      if (before.get(f) !== text) hear(`workspace file ${f} (written by ecmkit)`, text);
    }
    assert.ok(walk(dirs.cache).some((f) => f.endsWith('ca.pem')), 'the sandbox CA was cached where ECMKIT_CACHE_DIR says');

    // ——— the verdict ———
    assert.equal(leaks(`a ${SECRETS['db01-sa']} b`).length, 1, 'the scan does find a planted secret');
    assert.ok(said.some((s) => s.where.startsWith('file ') && s.where.includes('sandbox-ca')), 'cache files were scanned');
    assert.equal(checkoutAnswers, 2);
    const found = said.flatMap(({ where, text }) => leaks(text, [tokenSecret]).map((l) => `${where}: ${l}`));
    assert.deepEqual(found, [], 'no secret anywhere');
    assert.ok(said.length > 20, `heard ${said.length} outputs`);
    assert.ok(said.some((s) => s.where === 'ecmkit broker stderr' && /lease shutdown-checkin|shutdown-checkin/.test(s.text)), 'the broker log was captured');
  });
});
