// The debug adapter conversation, as VS Code has it with an inline adapter: initialize → launch (the real
// broker process with the sandbox) → output events for every request, trace step and Vault call →
// evaluate in the Debug Console → disconnect stops the broker and checks its leases in.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { BrokerDebugSession, type DapMessage } from '../../client/src/broker/debugSession';
import { ROOT, secrets, SHARED_KEY, PASSWORDS, workspace } from './helpers';

const MAIN = path.join(ROOT, 'server/src/cli/main.ts');
const sessions: BrokerDebugSession[] = [];
after(() => { for (const s of sessions) s.dispose(); });

class Client {
  readonly messages: DapMessage[] = [];
  private seq = 1;
  private waiters: (() => void)[] = [];
  constructor(readonly session: BrokerDebugSession) {
    session.onDidSendMessage((m) => { this.messages.push(m); for (const w of this.waiters.splice(0)) w(); });
  }
  request(command: string, args?: unknown): Promise<DapMessage> {
    const seq = this.seq++;
    this.session.handleMessage({ seq, type: 'request', command, arguments: args });
    return this.until((m) => m.type === 'response' && m.request_seq === seq);
  }
  async until(pred: (m: DapMessage) => boolean, ms = 60_000): Promise<DapMessage> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.messages.find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`timed out; got ${this.messages.map((m) => m.event ?? m.command).join(', ')}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 200); });
    }
  }
  output(): string {
    return this.messages.filter((m) => m.event === 'output').map((m) => (m.body as { output: string }).output).join('');
  }
}

describe('debug adapter (type ecmkit-broker)', () => {
  it('launch → output events → evaluate → disconnect stops the broker', async () => {
    const dir = workspace();
    const session = new BrokerDebugSession((args) => ({
      node: process.execPath,
      cliArgs: ['--import', 'tsx', MAIN],
      cwd: ROOT,
      env: { ...process.env, ECMKIT_CACHE_DIR: path.join(dir, '.cache') },
      workspace: args.workspace,
      vault: args.vault,
      secret: async (r) => secrets(r.name),
    }));
    sessions.push(session);
    const c = new Client(session);

    const init = await c.request('initialize', { adapterID: 'ecmkit-broker', linesStartAt1: true, columnsStartAt1: true });
    assert.equal(init.success, true);
    assert.equal((init.body as { supportsConfigurationDoneRequest: boolean }).supportsConfigurationDoneRequest, true);
    await c.until((m) => m.event === 'initialized');

    const launch = await c.request('launch', { type: 'ecmkit-broker', request: 'launch', name: 'Broker', workspace: dir, vault: 'sandbox' });
    assert.equal(launch.success, true, String(launch.message));
    assert.equal((await c.request('configurationDone')).success, true);
    assert.deepEqual((await c.request('threads')).body, { threads: [{ id: 1, name: 'ecmkit broker' }] });
    assert.match(c.output(), /broker listening on http:\/\/127\.0\.0\.1:\d+ token=/);
    const info = session.broker!.info!;

    // A request from outside (the ECM's seat): its trace and Vault calls stream to the Debug Console.
    const res = await fetch(`${info.url}/v1/credentials/find`, { method: 'POST', headers: { authorization: `Bearer ${info.token}` }, body: JSON.stringify({ user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' }) });
    assert.equal(res.status, 200);
    await c.until((m) => m.event === 'output' && /POST \/v1\/credentials\/find → 200/.test((m.body as { output: string }).output));
    const out = c.output();
    assert.match(out, /vault\[ecm-01 as CORP\\jdoe\] POST Auth\/SignAppin → 200/);
    assert.match(out, /vault\[ecm-01 as CORP\\jdoe\] GET ManagedAccounts\?systemName=WEB01 → 200/);
    assert.match(out, /✓ provider: AD domain corp\.example\.com maps to CORP/);
    assert.match(out, /– credential db01-sa: Restricted, assigned to endpoint db01\.corp\.example\.com/);
    // Trace steps carry their file and line, so the Debug Console links to them; a trace is one collapsed group.
    const step = c.messages.find((m) => m.event === 'output' && /✓ provider:/.test((m.body as { output: string }).output))!.body as { source: { path: string }; line: number };
    assert.equal(step.source.path, path.join(dir, 'prod.ecm.yaml'));
    assert.equal(step.line, 17);
    assert.ok(c.messages.some((m) => m.event === 'output' && (m.body as { group?: string }).group === 'startCollapsed'));

    // The Debug Console takes broker commands.
    const ev = await c.request('evaluate', { expression: 'find bwayne local WEB02', context: 'repl' });
    assert.equal(ev.success, true);
    assert.match((ev.body as { result: string }).result, /^CORP\\bwayne via ecm-01: helpdesk-shared \(CORP\\helpdesk\)/);
    const dis = await c.request('evaluate', { expression: 'disconnect ecm-01', context: 'repl' });
    assert.match((dis.body as { result: string }).result, /active: ecm-02/);
    await c.until((m) => m.event === 'output' && /ECM ecm-01 disconnected; active: ecm-02/.test((m.body as { output: string }).output));

    // A lease is open when the session ends: stopping the session checks it in.
    const find = await fetch(`${info.url}/v1/credentials/find`, { method: 'POST', headers: { authorization: `Bearer ${info.token}` }, body: JSON.stringify({ user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' }) });
    const id = ((await find.json()) as { credentials: { id: string }[] }).credentials[0].id;
    const co = await fetch(`${info.url}/v1/credentials/checkout`, { method: 'POST', headers: { authorization: `Bearer ${info.token}` }, body: JSON.stringify({ user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01', credentialId: id }) });
    assert.equal(co.status, 200);

    const disc = await c.request('disconnect', { terminateDebuggee: true });
    assert.equal(disc.success, true);
    await c.until((m) => m.event === 'terminated');
    assert.equal(session.broker!.running, false);
    assert.equal(session.broker!.exitCode, 0);
    assert.equal(existsSync(info.tokenPath), false);
    const all = c.output();
    assert.match(all, /lease shutdown-checkin: web01-admin for CORP\\jdoe via ecm-02/);
    assert.match(all, /broker stopped/);
    const order = c.messages.map((m) => m.event ?? `response:${m.command}`);
    assert.ok(order.lastIndexOf('response:disconnect') < order.lastIndexOf('terminated'), 'disconnect is answered, then the session ends');
    for (const s of [SHARED_KEY, ...Object.values(PASSWORDS), info.token]) assert.ok(!JSON.stringify(c.messages).includes(s), 'no secret reaches the Debug Console');
    await fetch(`${info.url}/v1/health`).then(() => assert.fail('the broker still answers'), () => undefined);
  });

  it('answers a failed launch with the reason and ends the session', async () => {
    const session = new BrokerDebugSession(() => ({ node: process.execPath, cliArgs: ['--import', 'tsx', MAIN], cwd: ROOT, workspace: path.join(ROOT, 'schemas'), vault: 'sandbox' }));
    sessions.push(session);
    const c = new Client(session);
    await c.request('initialize', {});
    const launch = await c.request('launch', {});
    assert.equal(launch.success, false);
    assert.match(String(launch.message), /No ECM file/);
    await c.until((m) => m.event === 'terminated');
  });
});
