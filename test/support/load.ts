/**
 * Load with nothing lost (issue 7, item 4), shared by the CI test (test/hardening/load.test.ts) and the full
 * run (`npm run load`, scripts/load.ts): N concurrent PA sessions, each find → check-out → check-in through
 * the real broker against the real sandbox Vault, on a generated workspace of U users, each with a jump
 * client and a Restricted credential of their own (sessions of the same user share the Vault request, as
 * the ECM does with ConflictOption reuse). Optionally clients vanish mid-request (aborted sockets).
 *
 * Everything runs in this process (client, broker, sandbox), so the sandbox's open requests can be read
 * directly; memory is this process's, measured after a full GC.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, request } from 'undici';
import { startBroker, type RunningBroker } from '../../server/src/broker/start';
import { BrokerLog, type BrokerEvent } from '../../server/src/broker/log';

export const LOAD_KEY = `load-key-${process.pid}-${Date.now().toString(36)}`;
export const LOAD_PASSWORD = `load-pw-${process.pid}-${Date.now().toString(36)}`;
const secrets = (name: string): string | undefined => (name === 'load.key' ? LOAD_KEY : name === 'load.password' ? LOAD_PASSWORD : undefined);

const pad = (n: number) => String(n).padStart(4, '0');

/** U users, endpoints (jump clients) and Restricted credentials, one each per user; JSON files. */
export function writeLoadWorkspace(users: number, dir = mkdtempSync(path.join(tmpdir(), 'ecmkit-load-'))): string {
  mkdirSync(dir, { recursive: true });
  const ids = Array.from({ length: users }, (_, i) => pad(i + 1));
  const put = (name: string, v: unknown) => writeFileSync(path.join(dir, name), JSON.stringify(v, null, 1));
  put('load.ecm.json', {
    name: 'ecm-load', host: '127.0.0.1', site: 'load.example.com', port: 443, clientId: 'load', clientSecret: '${secret:load.clientSecret}', plugin: 'vault',
    vault: { hostname: 'https://vault.example.com', sharedKey: '${secret:load.key}', integration: 'load', includeUnavailableCredentials: false, enableDomainMatching: false, defaultSecurityProvider: 'CORP', securityProviderMappings: 'corp.example.com=CORP' },
  });
  put('load.integration.json', {
    name: 'load', status: 'Active', authentication: 'application', authenticationCredential: '${secret:load.key}', allowedIps: ['127.0.0.1'],
    checkoutReason: 'load test', checkoutRequestTime: 1, justification: 'load', skipWorkflowJustification: 'load',
  });
  put('load.vault.json', {
    hostname: 'https://vault.example.com', domain: 'corp.example.com', edition: 'standard',
    securityProviders: [{ name: 'CORP', type: 'activeDirectory', fqdn: 'corp.example.com' }],
    roles: [{ name: 'Rep' }], groups: [{ name: 'Support', roles: ['Rep'] }],
    users: ids.map((i) => ({ username: `u${i}`, fullName: `User ${i}`, status: 'Active', securityProvider: 'CORP', roles: ['Rep'], groups: ['Support'], email: `u${i}@example.com` })),
    endpointGroups: [],
    endpoints: ids.map((i) => ({ name: `EP${i}`, description: 'load', type: 'Windows', network: 'Core', ip: `10.${Math.floor(Number(i) / 250)}.${Number(i) % 250}.1`, groups: [] })),
    credentialPolicies: [{ name: 'Load', permissions: [{ principal: 'role:Rep', actions: ['checkout'] }] }],
    credentials: ids.map((i) => ({ name: `cred-${i}`, type: 'windowsLocal', policy: 'Load', domain: 'corp.example.com', accessType: 'Restricted', endpoints: [`EP${i}`], endpointGroups: [], description: 'load', username: `admin${i}`, password: '${secret:load.password}', checkedOutBy: null })),
  });
  put('load.pa.json', {
    site: 'load.example.com',
    securityProviders: [{ name: 'corp.example.com', type: 'activeDirectory' }],
    users: ids.map((i) => ({ username: `u${i}`, email: `u${i}@example.com`, securityProvider: 'corp.example.com' })),
    jumpClients: ids.map((i) => ({ name: `EP${i}`, hostname: `ep${i}.corp.example.com`, os: 'windows', credentialInjection: true })),
  });
  return dir;
}

export interface LoadRig {
  broker: RunningBroker;
  dir: string;
  /** Counted from the broker's log (the events themselves are not kept: the log is not the subject). */
  counts: { requests: number; vanishedCheckins: number; warnings: string[] };
  close(): Promise<void>;
}

export async function startLoadRig(users: number, certDir: string, o: { leaseMs?: number } = {}): Promise<LoadRig> {
  const dir = writeLoadWorkspace(users);
  const log = new BrokerLog();
  const counts: LoadRig['counts'] = { requests: 0, vanishedCheckins: 0, warnings: [] };
  log.on((e: BrokerEvent) => {
    if (e.type === 'request') counts.requests++;
    else if (e.type === 'warning') {
      if (/went away before the check-out/.test(e.message)) counts.vanishedCheckins++;
      else if (counts.warnings.length < 20) counts.warnings.push(e.message);
    }
  });
  const broker = await startBroker({ workspace: dir, sandbox: true, secrets, certDir, watch: false, log, leaseMs: o.leaseMs, timeoutMs: 30_000 });
  return { broker, counts, dir, close: () => broker.close() };
}

export interface LoadOptions {
  sessions: number;
  users: number;
  /** Probability that a session's client vanishes during one of its three requests (0: never). */
  vanish?: number;
  seed?: number;
}

export interface LoadFigures {
  sessions: number;
  users: number;
  vanish: number;
  seconds: number;
  sessionsPerSecond: number;
  requests: number;
  /** Answers the clients received, by route and status. */
  answers: Record<string, number>;
  /** Requests the broker logged (each exactly once), and requests the clients sent. */
  brokerLogged: number;
  clientSent: number;
  /** Sessions that completed find → check-out → check-in with 200/200/204. */
  completed: number;
  /** Clients that vanished, by the request they abandoned. */
  vanished: { find: number; checkout: number; checkin: number };
  /** Check-outs the broker checked in because their caller had gone. */
  checkedInForVanished: number;
  /** Check-outs whose caller vanished after the answer had reached it (undetectable: they expire). */
  undelivered: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** After the run (and the settle wait): leases the broker holds, requests open in the sandbox. */
  openLeases: number;
  openVaultRequests: number;
  errors: string[];
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

const pct = (a: number[], p: number) => (a.length ? a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))] : 0);

/** N sessions at once against a running rig; resolves when every client is done and nothing is left open. */
export async function runLoad(rig: LoadRig, o: LoadOptions): Promise<LoadFigures> {
  const { broker } = rig;
  const vanish = o.vanish ?? 0;
  const rand = rng(o.seed ?? 7);
  // Its own connection pool, unlimited connections: every session is its own client.
  const agent = new Agent({ connections: null, pipelining: 1, keepAliveTimeout: 5000 });
  const answers: Record<string, number> = {};
  const errors: string[] = [];
  const latencies: number[] = [];
  const vanished = { find: 0, checkout: 0, checkin: 0 };
  let sent = 0;
  let completed = 0;
  const loggedBefore = rig.counts.requests;
  const vanishedBefore = rig.counts.vanishedCheckins;

  /** One request; `abortAfterMs` makes the client vanish (socket destroyed) before the answer. */
  const call = async (route: string, body: unknown, abortAfterMs?: number): Promise<{ status: number; json: any } | 'vanished'> => {
    sent++;
    const ac = new AbortController();
    const timer = abortAfterMs === undefined ? undefined : setTimeout(() => ac.abort(), abortAfterMs);
    try {
      const res = await request(broker.url + route, {
        method: 'POST', dispatcher: agent, signal: ac.signal,
        headers: { authorization: `Bearer ${broker.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      clearTimeout(timer); // the answer is here: the client stays for its body
      const text = await res.body.text();
      const key = `${route.replace(/\/v1\/leases\/[^/]+/, '/v1/leases/{id}')} ${res.statusCode}`;
      answers[key] = (answers[key] ?? 0) + 1;
      return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
    } catch (e) {
      clearTimeout(timer);
      if (ac.signal.aborted) return 'vanished';
      errors.push(`${route}: ${(e as Error).message}`);
      throw e;
    }
  };

  const session = async (k: number): Promise<void> => {
    const u = pad((k % o.users) + 1);
    const who = { user: `u${u}`, securityProvider: 'corp.example.com', endpoint: `EP${u}` };
    // Which request (if any) this client abandons, and after how long.
    const r = rand();
    const quits = r < vanish ? (['find', 'checkout', 'checkin'] as const)[Math.floor((r / vanish) * 3)] : undefined;
    const after = () => Math.floor(rand() * 40);
    const t0 = performance.now();
    const f = await call('/v1/credentials/find', who, quits === 'find' ? after() : undefined);
    if (f === 'vanished') { vanished.find++; return; }
    if (f.status !== 200 || f.json.credentials.length !== 1) { errors.push(`find u${u}: ${f.status} ${JSON.stringify(f.json).slice(0, 200)}`); return; }
    const co = await call('/v1/credentials/checkout', { ...who, credentialId: f.json.credentials[0].id }, quits === 'checkout' ? after() : undefined);
    if (co === 'vanished') { vanished.checkout++; return; }
    if (co.status !== 200) { errors.push(`checkout u${u}: ${co.status} ${JSON.stringify(co.json).slice(0, 300)}`); return; }
    if (co.json.password !== LOAD_PASSWORD) errors.push(`checkout u${u}: wrong password`);
    let ci = await call(`/v1/leases/${co.json.leaseId}/checkin`, undefined, quits === 'checkin' ? after() : undefined);
    if (ci === 'vanished') {
      // A client that lost its connection during check-in tries again (as the ECM does); the broker may
      // already have done it (409), or not (204).
      vanished.checkin++;
      ci = await call(`/v1/leases/${co.json.leaseId}/checkin`, undefined);
      if (ci === 'vanished' || (ci.status !== 204 && ci.status !== 409)) errors.push(`checkin retry u${u}: ${ci === 'vanished' ? ci : ci.status}`);
      return;
    }
    if (ci.status !== 204) { errors.push(`checkin u${u}: ${ci.status} ${JSON.stringify(ci.json).slice(0, 200)}`); return; }
    latencies.push(performance.now() - t0);
    completed++;
  };

  const t0 = performance.now();
  await Promise.all(Array.from({ length: o.sessions }, (_, k) => session(k).catch((e) => { errors.push(`session ${k}: ${(e as Error).message}`); })));
  const seconds = (performance.now() - t0) / 1000;
  await agent.close();

  // Leases of vanished clients are checked in by the broker as it notices; give it (and the sandbox) a moment.
  // (A client that vanished after its library had read the answer cannot be told from one that took it:
  // that lease ends when it expires, or at shutdown. `undelivered` counts them.)
  const deadline = Date.now() + (vanish ? 2000 : 10_000);
  while ((broker.broker.leases.open().length || broker.sandbox!.activeRequests().length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  // Every request sent has been logged by the broker by now (aborted ones included), or never arrived.
  const logged = rig.counts.requests - loggedBefore;

  latencies.sort((a, b) => a - b);
  return {
    sessions: o.sessions,
    users: o.users,
    vanish,
    seconds: round(seconds, 2),
    sessionsPerSecond: round(o.sessions / seconds, 1),
    requests: Object.values(answers).reduce((a, b) => a + b, 0),
    answers,
    brokerLogged: logged,
    clientSent: sent,
    completed,
    vanished,
    checkedInForVanished: rig.counts.vanishedCheckins - vanishedBefore,
    undelivered: vanished.checkout - (rig.counts.vanishedCheckins - vanishedBefore),
    latencyMs: { p50: round(pct(latencies, 50), 1), p90: round(pct(latencies, 90), 1), p99: round(pct(latencies, 99), 1), max: round(latencies[latencies.length - 1] ?? 0, 1) },
    openLeases: broker.broker.leases.open().length,
    openVaultRequests: broker.sandbox!.activeRequests().length,
    errors,
  };
}

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;

let gcFn: (() => void) | undefined;
/** Heap and RSS after a full garbage collection (MB). */
export function memory(): { heapMB: number; rssMB: number } {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
  const m = process.memoryUsage();
  return { heapMB: round(m.heapUsed / 1048576, 1), rssMB: round(m.rss / 1048576, 1) };
}
