/**
 * A Vault call's deadline (vault/deadline.ts), the signal VaultClient gives undici: it ends a call that
 * outlives its limit or whose caller gave up, says which, and leaves nothing behind once cleared.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { Deadline } from '../../server/src/vault/deadline';

let server: Server;
let origin: string;
const agent = new Agent();

before(async () => {
  // /slow never answers within the tests' limits; /quick answers at once.
  server = createServer((req, res) => {
    if (req.url === '/quick') res.end('ok');
    else setTimeout(() => res.end('late'), 5000).unref();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await agent.close().catch(() => undefined);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('Deadline', () => {
  it('lets a quick call finish and leaves no timer or listener once cleared', async () => {
    const outer = new AbortController();
    const d = new Deadline(1000, outer.signal);
    const res = await Promise.race([agent.request({ origin, path: '/quick', method: 'GET', signal: d }), d.expired]);
    assert.equal(await res.body.text(), 'ok');
    d.clear();
    outer.abort(new Error('too late to matter'));
    assert.equal(d.aborted, false);
    await new Promise((r) => setImmediate(r)); // undici lets go of the signal when the body closes
    assert.equal(d.listenerCount('abort'), 0, 'undici took its listener away');
  });

  it('ends a call that outlives its limit with a TimeoutError, and says it timed out', async () => {
    const d = new Deadline(50);
    const started = performance.now();
    const pending = agent.request({ origin, path: '/slow', method: 'GET', signal: d });
    pending.catch(() => undefined);
    await assert.rejects(Promise.race([pending, d.expired]), (e: Error) => e.name === 'TimeoutError' && /50 ms/.test(e.message));
    assert.ok(performance.now() - started < 2000);
    assert.equal(d.timedOut, true);
    // undici saw the abort too: the request itself ends with the same reason.
    await assert.rejects(pending, (e: Error) => e.name === 'TimeoutError');
    d.clear();
  });

  it("ends a call when the caller's signal aborts, with the caller's reason, not as a timeout", async () => {
    const outer = new AbortController();
    const d = new Deadline(10_000, outer.signal);
    const pending = agent.request({ origin, path: '/slow', method: 'GET', signal: d });
    pending.catch(() => undefined);
    setTimeout(() => outer.abort(), 30);
    await assert.rejects(Promise.race([pending, d.expired]), (e: Error) => e.name === 'AbortError');
    assert.equal(d.timedOut, false);
    d.clear();
  });

  it('is aborted from the start when the caller already gave up', async () => {
    const d = new Deadline(10_000, AbortSignal.abort(new Error('gave up')));
    assert.equal(d.aborted, true);
    await assert.rejects(d.expired, /gave up/);
    d.clear();
  });
});
