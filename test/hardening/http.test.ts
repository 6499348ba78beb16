// Hostile HTTP (issue 7, item 6): the broker on loopback meets oversized and endless bodies, wrong content
// types, slow clients (slowloris headers and bodies), path tricks in ids, header floods and garbage, over raw
// TCP sockets. Each gets a 4xx or a closed connection, never a 5xx or a crash, and other clients are served
// meanwhile (a health check and a find run alongside every attack).
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_HTTP_LIMITS } from '../../server/src/broker/server';
import { assertNoSecret, broker, closeAll, type TestBroker } from '../broker/helpers';

/** Short time limits, so slow clients are cut within the test's time. */
const LIMITS = { headersTimeoutMs: 800, requestTimeoutMs: 1500, checkIntervalMs: 100 };

interface RawAnswer { status?: number; text: string; closed: boolean; ms: number }

/**
 * Writes `chunks` to a fresh connection (a function chunk is called with the socket, to trickle or flood),
 * then reads until the first whole answer arrived (or, with `untilClose`, until the server closes), or
 * `waitMs` passes.
 */
function raw(port: number, chunks: (string | Buffer | ((s: Socket) => Promise<void>))[], waitMs = 4000, untilClose = false): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const s = connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : undefined, text, closed, ms: Math.round(performance.now() - t0) });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    s.on('data', (d) => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const len = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, end));
      if (!untilClose && end > 0 && len && text.length >= end + 4 + Number(len[1])) finish(false);
    });
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.on('connect', async () => {
      for (const c of chunks) {
        if (done || s.destroyed) return;
        try {
          if (typeof c === 'function') await c(s);
          else await new Promise<void>((r) => s.write(c, () => r()));
        } catch { return; }
      }
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('hostile HTTP to the broker', () => {
  let b: TestBroker;
  let head: (method: string, path: string, extra?: string) => string;
  const statuses: number[] = [];
  before(async () => {
    b = await broker({ http: LIMITS });
    head = (method, path, extra = '') => `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${b.port}\r\nAuthorization: Bearer ${b.token}\r\n${extra}`;
    assert.equal((await b.find('jdoe', 'corp.example.com', 'WEB01')).status, 200);
  });
  after(async () => {
    // Whatever came before, the broker is up and answers as it did; nothing it sent was a 5xx.
    const h = await b.call('GET', '/v1/health');
    assert.equal(h.status, 200);
    assert.ok(statuses.every((s) => s < 500), `5xx answers: ${statuses.filter((s) => s >= 500).join(', ')}`);
    assertNoSecret(b.transcript());
    await closeAll();
  });

  /** Runs an attack while a legitimate client asks for health and a find; the legitimate ones must succeed promptly. */
  async function alongside<T>(attack: Promise<T>): Promise<T> {
    const t0 = performance.now();
    const [h, f] = await Promise.all([b.call('GET', '/v1/health'), b.find('jdoe', 'corp.example.com', 'WEB01')]);
    const ms = performance.now() - t0;
    assert.equal(h.status, 200, 'health during the attack');
    assert.equal(f.status, 200, 'find during the attack');
    assert.ok(ms < 2500, `the legitimate client waited ${Math.round(ms)} ms`);
    return attack;
  }

  const check = (r: RawAnswer, what: string, expected?: number | number[]) => {
    if (r.status !== undefined) statuses.push(r.status);
    assert.ok(r.status === undefined ? r.closed : r.status >= 400 && r.status < 500, `${what}: ${r.status ?? 'no answer'} ${r.closed ? '(closed)' : '(open)'} ${r.text.slice(0, 200)}`);
    if (expected !== undefined && r.status !== undefined) assert.ok([expected].flat().includes(r.status), `${what}: ${r.status}, expected ${expected}`);
  };

  it('sets sensible limits by default', () => {
    assert.equal(DEFAULT_HTTP_LIMITS.maxBodyBytes, 64 * 1024);
    assert.ok(DEFAULT_HTTP_LIMITS.headersTimeoutMs <= 10_000 && DEFAULT_HTTP_LIMITS.requestTimeoutMs <= 30_000);
    assert.ok(DEFAULT_HTTP_LIMITS.maxHeaderBytes <= 16 * 1024 && DEFAULT_HTTP_LIMITS.maxHeadersCount <= 100);
    assert.ok(DEFAULT_HTTP_LIMITS.checkIntervalMs <= 1000);
  });

  it('oversized bodies: 413 and the connection closes, without reading the rest', async () => {
    const MB = Buffer.alloc(1024 * 1024, 0x61);
    // Declared too large: refused before a byte of the body is read.
    const declared = raw(b.port, [head('POST', '/v1/credentials/find', 'Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n'), '{"user":"'], 4000, true);
    // Not declared (chunked), endless: cut at 64 KB.
    const chunked = raw(b.port, [head('POST', '/v1/credentials/find', 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'), async (s) => {
      for (let i = 0; i < 20 && !s.destroyed; i++) await new Promise<void>((r) => s.write(`${MB.length.toString(16)}\r\n`, () => s.write(MB, () => s.write('\r\n', () => r()))));
    }], 4000, true);
    // Declared honestly, 10 MB.
    const honest = raw(b.port, [head('POST', '/v1/credentials/checkout', `Content-Type: application/json\r\nContent-Length: ${10 * MB.length}\r\n\r\n`), async (s) => {
      for (let i = 0; i < 10 && !s.destroyed; i++) await new Promise<void>((r) => s.write(MB, () => r()));
    }], 4000, true);
    const [d, c, h] = await alongside(Promise.all([declared, chunked, honest]));
    check(d, 'declared 1 GB', 413);
    assert.ok(d.closed && d.ms < 2000);
    check(c, 'endless chunked', 413);
    assert.ok(c.closed);
    check(h, '10 MB', 413);
    assert.ok(h.closed);
    assert.match(d.text, /"code":"too-large"/);
  });

  it('wrong content types and encodings: 415; bodies that are not a JSON object: 400', async () => {
    const post = (type: string, body: string, extra = '') => raw(b.port, [head('POST', '/v1/credentials/find', `Content-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n`), body]);
    const json = JSON.stringify({ user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' });
    const cases: [string, Promise<RawAnswer>, number][] = [
      ['form', post('application/x-www-form-urlencoded', 'user=jdoe&securityProvider=corp.example.com&endpoint=WEB01'), 415],
      ['multipart', post('multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="user"\r\n\r\njdoe\r\n--x--'), 415],
      ['xml', post('application/xml', '<find user="jdoe"/>'), 415],
      ['gzip', post('application/json', json, 'Content-Encoding: gzip\r\n'), 415],
      ['not json', post('application/json', 'user=jdoe'), 400],
      ['array', post('application/json', '[1,2,3]'), 400],
      ['numbers', post('application/json', '{"user":1,"securityProvider":2,"endpoint":3}'), 400],
      ['deep nesting', post('application/json', '['.repeat(60_000)), 400],
      ['invalid utf-8', post('application/json', '{"user":"\xff\xfe","securityProvider":"x","endpoint":"y"}'), 404],
      ['proto keys', post('application/json', '{"__proto__":{"user":"jdoe"},"constructor":{"prototype":{}},"user":"jdoe","securityProvider":"corp.example.com","endpoint":"WEB01"}'), 200],
      ['empty', post('application/json', ''), 400],
    ];
    const answers = await alongside(Promise.all(cases.map((c) => c[1])));
    cases.forEach(([what, , expected], i) => {
      const r = answers[i];
      if (expected === 200) { assert.equal(r.status, 200, `${what}: ${r.text.slice(0, 300)}`); return; }
      check(r, what, expected);
    });
    // A plain fetch labels a string body text/plain: that is accepted (the debug console and scripts do it).
    const plain = await post('text/plain;charset=UTF-8', json);
    assert.equal(plain.status, 200, plain.text.slice(0, 300));
  });

  it('slow clients (slowloris): headers or body trickling in are cut by the time limits; others are served meanwhile', async () => {
    const trickle = (text: string, every: number) => async (s: Socket) => {
      for (const ch of text) {
        if (s.destroyed) return;
        s.write(ch);
        await sleep(every);
      }
    };
    // 60 connections trickling headers one byte per 100 ms, 20 trickling a declared body.
    const slowHeaders = Array.from({ length: 60 }, () => raw(b.port, [trickle(head('GET', '/v1/health') + 'X-Slow: ' + 'z'.repeat(200) + '\r\n\r\n', 100)], 6000, true));
    const slowBodies = Array.from({ length: 20 }, () => raw(b.port, [head('POST', '/v1/credentials/find', 'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n'), trickle('{"user":"' + 'a'.repeat(100), 150)], 6000, true));
    // An idle connection that sends nothing at all.
    const idle = raw(b.port, [], 6000, true);
    await sleep(300); // the attack is under way
    const all = await alongside(Promise.all([...slowHeaders, ...slowBodies, idle]));
    for (const r of all.slice(0, 60)) {
      check(r, 'slow headers', 408);
      assert.ok(r.closed && r.ms < LIMITS.headersTimeoutMs + 1500, `slow headers closed after ${r.ms} ms`);
    }
    for (const r of all.slice(60, 80)) {
      check(r, 'slow body', 408);
      assert.ok(r.closed && r.ms < LIMITS.requestTimeoutMs + 1500, `slow body closed after ${r.ms} ms`);
    }
    assert.ok(all[80].closed, 'an idle connection is closed too');
  });

  it('path tricks in ids: 4xx, never a crash or a 5xx', async () => {
    const paths: [string, string, number[]][] = [
      ['POST', '/v1/leases/..%2F..%2Fv1%2Fhealth/checkin', [404]],
      ['POST', '/v1/leases/%2e%2e/checkin', [404]],
      ['POST', '/v1/leases/../checkin', [404]],
      ['POST', '/v1/leases/%E0%A4%A/checkin', [400]],
      ['POST', '/v1/leases/%C0%AF/checkin', [400]],
      ['POST', '/v1/leases/%/checkin', [400]],
      ['POST', '/v1/leases/%00/checkin', [404]],
      ['POST', `/v1/leases/${'a'.repeat(5000)}/checkin`, [400]],
      ['POST', `/v1/leases/${'a'.repeat(20_000)}/checkin`, [431]],
      ['POST', '/v1/leases/%F0%9F%92%A9%E2%80%AE%EF%BB%BF/checkin', [404]],
      ['POST', '/v1/leases/\u00e9t\u00e9/checkin', [400, 404]],
      ['POST', '/v1/ecms/..%2F..%2Fetc%2Fpasswd/connect', [404]],
      ['POST', '/v1/ecms/%ZZ/disconnect', [400]],
      ['POST', '/v1/ecms/ecm-01%2Fdisconnect/connect', [404]],
      ['GET', '/v1//health', [404]],
      ['GET', '/V1/HEALTH', [404]],
      ['GET', '/v1/health/..', [404]],
      ['GET', '/v1/health%00', [404]],
      ['GET', `http://127.0.0.1:1/v1/health`, [404]],
      ['GET', '*', [404]],
      ['TRACE', '/v1/health', [405]],
      ['DELETE', '/v1/leases/x/checkin', [405]],
    ];
    const answers = await alongside(Promise.all(paths.map(([m, p]) => raw(b.port, [Buffer.from(head(m, p, 'Content-Length: 0\r\n\r\n'), 'utf8')]))));
    paths.forEach(([m, p, expected], i) => check(answers[i], `${m} ${p.slice(0, 60)}`, expected));
  });

  it('header floods and garbage: 431 or 400 and the connection closes; the broker keeps serving', async () => {
    const many = (n: number, size: number) => Array.from({ length: n }, (_, i) => `X-Flood-${i}: ${'v'.repeat(size)}\r\n`).join('');
    const attacks: [string, Promise<RawAnswer>, number[] | undefined][] = [
      ['3000 headers', raw(b.port, [head('GET', '/v1/health', many(3000, 10) + '\r\n')]), [431]],
      ['one 64 KB header', raw(b.port, [head('GET', '/v1/health', `X-Big: ${'b'.repeat(64 * 1024)}\r\n\r\n`)]), [431]],
      ['1000 tiny headers (under the size limit)', raw(b.port, [head('GET', '/v1/health', Array.from({ length: 1000 }, () => 'a:b\r\n').join('') + 'Connection: close\r\n\r\n')]), [200]],
      ['duplicate Host', raw(b.port, [head('GET', '/v1/health', 'Host: evil.example\r\n\r\n')]), [400, 403]],
      ['duplicate Host, same value', raw(b.port, [head('GET', '/v1/health', `Host: 127.0.0.1:${b.port}\r\n\r\n`)]), [400, 403]],
      ['CL and TE (smuggling)', raw(b.port, [head('POST', '/v1/credentials/find', 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')]), [400]],
      ['binary garbage', raw(b.port, [Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))]), [400]],
      ['HTTP/2 preface', raw(b.port, ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n']), [400, 505]],
      ['no auth, big body', raw(b.port, [`POST /v1/credentials/find HTTP/1.1\r\nHost: 127.0.0.1:${b.port}\r\nContent-Length: 60000\r\n\r\n`, 'x'.repeat(60_000)]), [401]],
      ['wrong token', raw(b.port, [`GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1:${b.port}\r\nAuthorization: Bearer ${'x'.repeat(8000)}\r\n\r\n`]), [401]],
    ];
    // And 100 connections flooding at once.
    const flood = Array.from({ length: 100 }, () => raw(b.port, [head('GET', '/v1/health', many(1500, 12) + '\r\n')]));
    const answers = await alongside(Promise.all([...attacks.map((a) => a[1]), ...flood]));
    attacks.forEach(([what, , expected], i) => {
      const r = answers[i];
      if (expected?.includes(200)) { assert.equal(r.status, 200, `${what}: ${r.text.slice(0, 200)}`); return; }
      check(r, what, expected);
    });
    for (const r of answers.slice(attacks.length)) check(r, 'flood', 431);
  });

  it('many requests pipelined on one connection are each answered, in order', async () => {
    const n = 50;
    const reqs = Array.from({ length: n }, (_, i) => head('GET', i % 2 ? '/v1/health' : '/v1/nope', i === n - 1 ? 'Connection: close\r\n\r\n' : '\r\n')).join('');
    const r = await raw(b.port, [reqs], 8000, true);
    const got = [...r.text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    assert.equal(got.length, n);
    got.forEach((s, i) => assert.equal(s, i % 2 ? 200 : 404));
  });
});
