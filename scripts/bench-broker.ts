// Broker overhead, measured against issue 18's target in one run: at 1, 16 and 64 concurrent clients the
// broker keeps ≥ 90% of a bare pass-through proxy's throughput, for find (on examples/ and on an endpoint
// of a Vault with ≤ 10 credentials) and for check-out + check-in; it adds < 1 ms at p50 (one client, per
// broker request, over the direct call); and against a Vault that answers 5 ms late it keeps ≥ 80% of
// direct. Prints every ratio with PASS or FAIL and appends the run to BENCHMARKS.md.
//
// Usage: npm run bench:broker [-- --seconds S] [--reps N] [--slow-ms MS] [--cases a,b] [--max-load L]
//                               [--levels 1,16,64] [--broker-log text|json|quiet] [--no-append] [--profile DIR]
//   S s slices, N rounds (default 2 × 5); MS: the slow Vault's delay (default 5); --cases: some of
//   examples, small, cycle, large (default: the first three, the target's; large is find with a
//   66-credential trace); L: wait (checking each minute) until the 1-minute load average is under L before
//   starting (default 1.5; 0: do not wait); --levels: some of the client counts (for a quick look: a run
//   with fewer is not the target's); --broker-log: the brokers' request log, to a file (default quiet); --profile writes a V8 CPU profile of the broker to DIR.
//
// Paths, each a separate process chain, as an ECM, a broker and a Vault would be:
//   direct      this client's own Vault calls to the sandbox (find: ManagedAccounts?systemName=EP; cycle:
//               POST Requests, GET Credentials/{id}, PUT Requests/{id}/checkin), one Vault session per user;
//   bare proxy  the same calls through a pass-through process with no logic (plain HTTP in, the broker's
//               kind of TLS Vault connection out): what one more process in the path costs;
//   broker      POST /v1/credentials/find; POST /v1/credentials/checkout + POST /v1/leases/{id}/checkin;
//   and the same three against the sandbox behind test/support/faultProxy.ts answering MS late.
// All six alternate within each round (order rotated every round), so they share the machine's load.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import { resolveInjection } from '../server/src/engine/injection';
import { Workspace } from '../server/src/model/workspace';
import { ensureSandboxCerts } from '../server/src/net/certs';
import { createVaultAgent, VaultClient } from '../server/src/vault/client';
import { startFaultProxy } from '../test/support/faultProxy';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/cli.js');
const argOf = (name: string): string | undefined => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const num = (name: string, def: number): number => Number(argOf(name) ?? def);
const SECONDS = num('seconds', 2);
const REPS = num('reps', 5);
const MAX_LOAD = num('max-load', 1.5);
/** The workloads have this many users, one per client at the highest level. */
const CLIENTS = 64;
const LEVELS = (argOf('levels') ?? '1,16,64').split(',').map(Number).filter((n) => n >= 1 && n <= CLIENTS);
/** Fewer client counts than the target's: the verdicts say so and the run is not recorded. */
const PARTIAL = ![1, 16, 64].every((n) => LEVELS.includes(n));
/** The brokers' --log: quiet by default (the target's), text or json to measure what the request log costs. */
const BROKER_LOG = argOf('broker-log') ?? 'quiet';
if (!['text', 'json', 'quiet'].includes(BROKER_LOG)) throw new Error(`--broker-log is text, json or quiet, not "${BROKER_LOG}"`);
const PROFILE = argOf('profile') && path.resolve(argOf('profile')!);
/**
 * The realistic Vault's delay per answer: a Password Safe call does a directory or database lookup and
 * writes an audit record, typically a few to tens of ms; 5 ms is the low end, so the broker's fixed cost
 * weighs as much as it can against a Vault that still does real work.
 */
const SLOW_MS = num('slow-ms', 5);
const KEY = `bench-key-${process.pid}-${Date.now()}`;
const TARGET_OF_PROXY = 0.9;
const TARGET_SLOW = 0.8;
const TARGET_ADDED_MS = 1;
/**
 * The target this machine can defend, judged beside issue 18's in every run (BENCHMARKS.md, "The restated
 * target"): find keeps ≥ 80% of the bare proxy — at 16 and 64 clients because the answer the API requires
 * (a trace step per credential, 5.6 KB where the bare proxy forwards the Vault's 0.75 KB) costs the client
 * and the broker CPU that even a minimal broker giving the same answer pays; at one client, where throughput
 * is latency, it is a relaxation, not a machine limit: the broker's own work adds 0.06–0.10 ms to the bare
 * proxy's 0.48 ms, where 90% would allow 0.053 ms (the < 1 ms added-latency cell judges that work). At 64
 * clients against the slow Vault the broker keeps ≥ 80% of a bare proxy in front of that Vault, since on two
 * shared vCPUs no separate process keeps 80% of direct there. The other cells are issue 18's as written.
 */
const RESTATED = { findOfProxy: 0.8, slowOfProxyFrom: 64 };
const pad = (n: number) => String(n).padStart(2, '0');

// ——— workloads ———

/** Who client `i` is and what it asks for. */
interface Client { user: string; securityProvider: string; endpoint: string; runAs: string; credential: string }

interface Workload {
  /** How the report names it. */
  title: string;
  write(dir: string): void;
  client(i: number): Client;
}

/** `users` PA users (each its own Vault user), `creds` endpoints with one Restricted credential each, two Shared ones; client i uses endpoint i mod creds. */
function generated(users: number, creds: number): Workload {
  return {
    title: `${users} users, ${creds} endpoints, ${creds + 2} credentials in the Vault`,
    write: (dir) => writeGenerated(dir, users, creds),
    client: (i) => {
      const k = pad((i % creds) + 1);
      return { user: `b${pad(i + 1)}`, securityProvider: 'corp.example.com', endpoint: `EP${k}`, runAs: `CORP\\b${pad(i + 1)}`, credential: `bench-${k}` };
    },
  };
}

const WORKLOADS = {
  examples: {
    title: 'examples/ (4 credentials); every client is jdoe@corp.example.com on WEB01',
    write: (dir: string) => cpSync(path.join(ROOT, 'examples'), dir, { recursive: true }),
    client: (): Client => ({ user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01', runAs: 'CORP\\jdoe', credential: 'web01-admin' }),
  },
  small: generated(CLIENTS, 8),
  bench64: generated(CLIENTS, CLIENTS),
} satisfies Record<string, Workload>;

type Op = 'find' | 'cycle';
interface Case { id: 'examples' | 'small' | 'cycle' | 'large'; label: string; workload: keyof typeof WORKLOADS; op: Op; inTarget: boolean }
const CASES: Case[] = [
  { id: 'examples', label: 'find, examples/', workload: 'examples', op: 'find', inTarget: true },
  { id: 'small', label: 'find, ≤ 10 credentials', workload: 'small', op: 'find', inTarget: true },
  { id: 'cycle', label: 'check-out + check-in', workload: 'bench64', op: 'cycle', inTarget: true },
  { id: 'large', label: 'find, 66 credentials (outside the target)', workload: 'bench64', op: 'find', inTarget: false },
];
const chosen = (argOf('cases') ?? 'examples,small,cycle').split(',').map((s) => s.trim());
const RUN = CASES.filter((c) => chosen.includes(c.id));

function writeGenerated(dir: string, users: number, creds: number): void {
  mkdirSync(dir, { recursive: true });
  const uids = Array.from({ length: users }, (_, i) => pad(i + 1));
  const eids = Array.from({ length: creds }, (_, i) => pad(i + 1));
  writeFileSync(path.join(dir, 'bench.ecm.json'), JSON.stringify({
    name: 'ecm-bench', host: '127.0.0.1', site: 'bench.example.com', port: 443, clientId: 'bench', clientSecret: '${secret:bench.clientSecret}', plugin: 'vault',
    vault: { hostname: 'https://vault.example.com', sharedKey: '${secret:bench.key}', integration: 'bench', includeUnavailableCredentials: false, enableDomainMatching: false, defaultSecurityProvider: 'CORP', securityProviderMappings: ['corp.example.com=CORP'] },
  }, null, 2));
  writeFileSync(path.join(dir, 'bench.integration.json'), JSON.stringify({
    name: 'bench', status: 'Active', authentication: 'application', authenticationCredential: '${secret:bench.key}', allowedIps: ['127.0.0.1'],
    checkoutReason: 'bench', checkoutRequestTime: 1, justification: 'bench', skipWorkflowJustification: 'bench',
  }, null, 2));
  writeFileSync(path.join(dir, 'bench.vault.json'), JSON.stringify({
    hostname: 'https://vault.example.com', domain: 'corp.example.com', edition: 'standard',
    securityProviders: [{ name: 'CORP', type: 'activeDirectory', fqdn: 'corp.example.com' }],
    roles: [{ name: 'Rep' }], groups: [{ name: 'Support', roles: ['Rep'] }],
    users: uids.map((i) => ({ username: `b${i}`, fullName: `Bench ${i}`, status: 'Active', securityProvider: 'CORP', roles: ['Rep'], groups: ['Support'], email: `b${i}@example.com` })),
    endpointGroups: [{ name: 'Bench' }],
    endpoints: eids.map((i) => ({ name: `EP${i}`, description: 'bench', type: 'Windows', network: 'Core', ip: `10.9.0.${Number(i)}`, groups: [] })),
    credentialPolicies: [{ name: 'Bench', permissions: [{ principal: 'role:Rep', actions: ['checkout'] }] }, { name: 'Nobody', permissions: [] }],
    credentials: [
      ...eids.map((i) => ({ name: `bench-${i}`, type: 'windowsLocal', policy: 'Bench', domain: 'corp.example.com', accessType: 'Restricted', endpoints: [`EP${i}`], endpointGroups: [], description: 'bench', username: 'administrator', password: '${secret:bench.password}', checkedOutBy: null })),
      { name: 'shared-tools', type: 'windowsDomain', policy: 'Bench', domain: 'corp.example.com', accessType: 'Shared', endpoints: [], endpointGroups: [], description: 'bench', username: 'CORP\\tools', password: '${secret:bench.password}', checkedOutBy: null },
      { name: 'locked', type: 'windowsDomain', policy: 'Nobody', domain: 'corp.example.com', accessType: 'Shared', endpoints: [], endpointGroups: [], description: 'bench', username: 'CORP\\locked', password: '${secret:bench.password}', checkedOutBy: null },
    ],
  }, null, 2));
  writeFileSync(path.join(dir, 'bench.pa.json'), JSON.stringify({
    site: 'bench.example.com',
    securityProviders: [{ name: 'corp.example.com', type: 'activeDirectory' }],
    users: uids.map((i) => ({ username: `b${i}`, email: `b${i}@example.com`, securityProvider: 'corp.example.com' })),
    jumpClients: eids.map((i) => ({ name: `EP${i}`, hostname: `ep${i}.corp.example.com`, os: 'windows', credentialInjection: true })),
  }, null, 2));
}

// ——— processes and measurement ———

/** Starts `node <argv>` and resolves with the regex match of its stdout once it appears. */
function start(argv: string[], re: RegExp, env: NodeJS.ProcessEnv, stderrFd?: number): Promise<{ child: ChildProcess; m: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', stderrFd ?? 'pipe'] });
    let out = '';
    let err = stderrFd === undefined ? '' : '(its log is in a file)';
    child.stderr?.on('data', (d) => { err = (err + d).slice(-4000); });
    child.stdout!.on('data', (d) => {
      out += d;
      const m = re.exec(out);
      if (m) resolve({ child, m });
    });
    child.once('exit', (code) => reject(new Error(`node ${argv.filter((a) => !a.startsWith('/')).slice(0, 3).join(' ')} exited ${code}: ${err}`)));
  });
}

interface Result { ops: number; seconds: number; lat: number[] }

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

/** Runs `op(client)` in a loop on `n` clients for `seconds`; latencies of every completed op. */
async function measure(n: number, seconds: number, op: (i: number) => Promise<void>): Promise<Result> {
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    while (performance.now() < end) {
      const s = performance.now();
      await op(i);
      lat.push(performance.now() - s);
    }
  }));
  return { ops: lat.length, seconds: (performance.now() - t0) / 1000, lat };
}

/** direct, bare proxy, broker; `slow-`: the same against the Vault that answers SLOW_MS late; minimal: the minimal broker (find only). */
type Via = 'direct' | 'proxy' | 'broker' | 'slow-direct' | 'slow-proxy' | 'slow-broker' | 'minimal';
const VIAS: Via[] = ['direct', 'proxy', 'broker', 'slow-direct', 'slow-proxy', 'slow-broker'];
const viasOf = (c: Case): Via[] => (c.op === 'find' ? [...VIAS, 'minimal'] : VIAS);
type OpFn = (i: number) => Promise<void>;
/** HTTP requests per operation through a forwarding process: the bare proxy forwards each Vault call, the broker takes check-out and check-in. */
const HOPS: Record<'proxy' | 'broker', Record<Op, number>> = { proxy: { find: 1, cycle: 3 }, broker: { find: 1, cycle: 2 } };
const hopsOf = (via: Via, op: Op) => HOPS[via.endsWith('proxy') ? 'proxy' : 'broker'][op];
const unsupported: OpFn = () => Promise.reject(new Error('the minimal broker only finds'));

/** One Vault session per client (as the broker keeps one per user), on one shared connection pool. */
async function vaultClients(w: Workload, hostname: string, dispatcher: Dispatcher): Promise<VaultClient[]> {
  const out: VaultClient[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const c = new VaultClient({ hostname, dispatcher });
    await c.signIn(KEY, w.client(i).runAs);
    out.push(c);
  }
  return out;
}

/** The Vault calls a client makes itself: ManagedAccounts (find); POST Requests, GET Credentials, PUT checkin (cycle). */
function vaultOps(w: Workload, cs: VaultClient[], ids: { systemId: number; accountId: number }[]): Record<Op, OpFn> {
  return {
    find: async (i) => { await cs[i].managedAccounts({ systemName: w.client(i).endpoint }); },
    cycle: async (i) => {
      const id = await cs[i].createRequest({ ...ids[i], durationMinutes: 60, reason: 'bench', conflictOption: 'reuse', accessType: 'View' });
      await cs[i].credentials(id);
      await cs[i].checkin(id, 'bench');
    },
  };
}

/**
 * The broker's API: POST find; POST checkout + POST checkin, each answer read and parsed as a caller
 * would. Sent through the Agent's own request(), as VaultClient sends the direct calls. Checks first that
 * every answer is the expected one.
 */
interface FindAnswer { credentials: { id: string; name: string }[]; trace: { step: string; outcome: string }[]; ecm: string; runAs: string }

async function brokerOps(w: Workload, url: string, token: string, agent: Agent): Promise<Record<Op, OpFn> & { answers: FindAnswer[] }> {
  const origin = new URL(url).origin;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (route: string, body?: unknown): Promise<any> => {
    const r = await agent.request({ origin, path: route, method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.body.text();
    if (r.statusCode >= 300) throw new Error(`${route} → ${r.statusCode} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  const asks = Array.from({ length: CLIENTS }, (_, i) => { const { user, securityProvider, endpoint } = w.client(i); return { user, securityProvider, endpoint }; });
  const ids: string[] = [];
  const answers: FindAnswer[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const f = await call('/v1/credentials/find', asks[i]);
    if (f.trace.find((t: { step: string }) => t.step === 'cross-check')?.outcome !== 'pass') throw new Error(`the files and the sandbox disagree: ${JSON.stringify(f).slice(0, 300)}`);
    const mine = f.credentials.find((c: { name: string }) => c.name === w.client(i).credential);
    if (!mine) throw new Error(`the find answer for ${asks[i].user} lacks ${w.client(i).credential}: ${JSON.stringify(f).slice(0, 300)}`);
    ids.push(mine.id);
    answers.push(f);
  }
  return {
    find: async (i) => { await call('/v1/credentials/find', asks[i]); },
    cycle: async (i) => {
      const co = await call('/v1/credentials/checkout', { ...asks[i], credentialId: ids[i] });
      await call(`/v1/leases/${co.leaseId}/checkin`);
    },
    answers,
  };
}

/** What the minimal broker answers client i: the broker's own trace, as text. */
interface MinimalAnswer { user: string; endpoint: string; runAs: string; ecm: string; trace: string }

/**
 * The minimal broker: what any broker giving this API's find answer must do, and nothing else. It takes
 * the JSON request, makes the one Vault call (ManagedAccounts, on a session it signed in at start, over
 * the broker's kind of connection), parses the rows and answers the credentials with the trace the real
 * broker gave that client (captured at start, so the answer has the same size). No checks, no
 * resolution, no logs: against the bare proxy it measures what the answer itself costs.
 */
function minimalBroker(upstream: string, caPath: string, keyFile: string, answersFile: string): void {
  const agent = createVaultAgent({ ca: readFileSync(caPath, 'utf8') });
  const key = readFileSync(keyFile, 'utf8');
  const { origin } = new URL(upstream);
  const api = '/BeyondTrust/api/public/v3/';
  const answers = new Map<string, MinimalAnswer & { cookie: string }>();
  void (async () => {
    for (const a of JSON.parse(readFileSync(answersFile, 'utf8')) as MinimalAnswer[]) {
      const r = await agent.request({ origin, path: `${api}Auth/SignAppin`, method: 'POST', headers: { authorization: `PS-Auth key=${key}; runas=${a.runAs};` } });
      await r.body.dump();
      const cookie = String(r.headers['set-cookie']).split(';')[0];
      answers.set(`${a.user}\n${a.endpoint}`, { ...a, cookie });
    }
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const ask = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const a = answers.get(`${ask.user}\n${ask.endpoint}`)!;
        agent.request({ origin, path: `${api}ManagedAccounts?systemName=${encodeURIComponent(ask.endpoint)}`, method: 'GET', headers: { accept: 'application/json', cookie: a.cookie } })
          .then(async (up) => {
            const rows = JSON.parse(await up.body.text()) as { SystemId: number; AccountId: number; AccountName: string; CredentialName?: string; CredentialType?: string; IsAvailable?: boolean }[];
            const credentials = rows.map((r) => ({ id: `${r.SystemId}-${r.AccountId}`, name: r.CredentialName || r.AccountName, username: r.AccountName, type: r.CredentialType ?? '', available: r.IsAvailable !== false }));
            const out = Buffer.from(`{"credentials":${JSON.stringify(credentials)},"trace":${a.trace},"ecm":${JSON.stringify(a.ecm)},"runAs":${JSON.stringify(a.runAs)}}`);
            res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': out.length, 'cache-control': 'no-store' });
            res.end(out);
          })
          .catch(() => { res.writeHead(502); res.end(); });
      });
    });
    server.keepAliveTimeout = 30_000;
    server.listen(0, '127.0.0.1', () => process.stdout.write(`minimal broker listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
  })();
  process.on('SIGTERM', () => process.exit(0));
}

/**
 * The bare proxy: a pass-through process with no logic at all, in its own process like the broker. It takes
 * plain HTTP on loopback (as the broker does) and forwards each request to the Vault over the same kind of
 * connection the broker's Vault client uses (undici, verified TLS, keep-alive), then writes the answer back.
 * Whatever it costs is the price of one more process in the path, which no broker can avoid.
 */
function bareProxy(upstream: string, caPath: string): void {
  const agent = createVaultAgent({ ca: readFileSync(caPath, 'utf8') });
  const hopByHop = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !hopByHop.has(k)) headers[k] = v;
      request(upstream + req.url, { method: req.method as Dispatcher.HttpMethod, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, dispatcher: agent })
        .then(async (up) => {
          const body = Buffer.from(await up.body.arrayBuffer());
          const out: Record<string, string | string[]> = { 'content-length': String(body.length) };
          for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !hopByHop.has(k)) out[k] = v;
          res.writeHead(up.statusCode, out);
          res.end(body);
        })
        .catch(() => { res.writeHead(502); res.end(); });
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`proxy listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
  process.on('SIGTERM', () => process.exit(0));
}

/** A Vault that does real work: the sandbox behind test/support/faultProxy.ts, every answer `ms` late. */
async function slowVault(upstream: string, caPath: string, ms: number): Promise<void> {
  const proxy = await startFaultProxy({ upstream, caPem: readFileSync(caPath, 'utf8'), cert: await ensureSandboxCerts() });
  await proxy.set({ kind: 'delay', ms });
  process.stdout.write(`slow vault listening on ${proxy.url}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

/**
 * An undici Agent whose every connection is plain TCP to `port`, whatever the URL says: the direct client's
 * own code (VaultClient, https URLs) then talks to the bare proxy in clear text, as a broker's client does.
 */
function plainAgentTo(port: number): Agent {
  return new Agent({
    keepAliveTimeout: 30_000,
    connect: (_opts, cb) => {
      const s = connect({ host: '127.0.0.1', port, noDelay: true });
      s.once('connect', () => cb(null, s)).once('error', (e) => cb(e, null));
    },
  });
}

/** Pooled slices of one case, path and level. */
interface Pool { ops: number; seconds: number; lat: number[]; hopCpu: number; allCpu: number; clientCpu: number }

/**
 * One workload: its sandbox, slow Vault, two bare proxies and two brokers as separate processes; each of
 * its cases measured on all six paths, alternating. Returns the pooled slices by `case/via@clients`.
 */
async function runWorkload(name: keyof typeof WORKLOADS, cases: Case[], scratch: string, env: NodeJS.ProcessEnv, pooled: Record<string, Pool>): Promise<void> {
  const w: Workload = WORKLOADS[name];
  const ws = path.join(scratch, name);
  w.write(ws);
  const keyFile = path.join(scratch, 'key');
  const children: ChildProcess[] = [];
  const self = [...process.execArgv, __filename];
  const agents: Agent[] = [];
  const clients: VaultClient[] = [];
  try {
    const up = async (argv: string[], re: RegExp, stderrFd?: number) => { const s = await start(argv, re, env, stderrFd); children.push(s.child); return s; };
    const sb = await up([CLI, 'sandbox', '--workspace', ws, '--port', '0', '--key-file', keyFile, '--quiet'], /sandbox listening on (\S+) ca=(\S+)/);
    const [, vaultUrl, caPath] = sb.m;
    const slowUrl = (await up([...self, '--slow-vault', vaultUrl, caPath, String(SLOW_MS)], /slow vault listening on (\S+)/)).m[1];
    const proxy = await up([...self, '--bare-proxy', vaultUrl, caPath], /proxy listening on http:\/\/127\.0\.0\.1:(\d+)/);
    const slowProxy = await up([...self, '--bare-proxy', slowUrl, caPath], /proxy listening on http:\/\/127\.0\.0\.1:(\d+)/);
    const brokerArgs = (vault: string) => [CLI, 'broker', '--workspace', ws, '--vault', vault, '--ca', caPath, '--key-file', keyFile, '--log', BROKER_LOG];
    // A logging broker writes to a file, as an operator's would be redirected: a pipe read by this process would charge the client.
    const logFd = BROKER_LOG === 'quiet' ? undefined : openSync(path.join(scratch, `${name}.broker.log`), 'w');
    const br = await up([...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : []), ...brokerArgs(vaultUrl)], /broker listening on (\S+) token=(\S+)/, logFd);
    const slowBr = await up(brokerArgs(slowUrl), /broker listening on (\S+) token=(\S+)/, logFd);
    if (logFd !== undefined) closeSync(logFd); // the brokers hold their own copies

    const ca = readFileSync(caPath, 'utf8');
    const agent = (a: Agent) => { agents.push(a); return a; };
    const signedIn = async (url: string, a: Agent) => { const cs = await vaultClients(w, url, a); clients.push(...cs); return cs; };
    const direct = await signedIn(vaultUrl, agent(createVaultAgent({ ca })));
    const ids: { systemId: number; accountId: number }[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const row = (await direct[i].managedAccounts({ systemName: w.client(i).endpoint })).find((r) => r.CredentialName === w.client(i).credential);
      if (!row) throw new Error(`the sandbox does not list ${w.client(i).credential} for ${w.client(i).runAs}`);
      ids.push({ systemId: row.SystemId, accountId: row.AccountId });
    }
    const brokerAgent = () => agent(new Agent({ keepAliveTimeout: 30_000, connections: CLIENTS }));
    const tokenOf = (m: RegExpExecArray) => readFileSync(m[2], 'utf8').trim();
    const brokerPath = await brokerOps(w, br.m[1], tokenOf(br.m), brokerAgent());
    // The minimal broker answers finds with the traces the broker just gave.
    const answersFile = path.join(scratch, `${name}.answers.json`);
    writeFileSync(answersFile, JSON.stringify(brokerPath.answers.map((f, i): MinimalAnswer => ({ user: w.client(i).user, endpoint: w.client(i).endpoint, runAs: f.runAs, ecm: f.ecm, trace: JSON.stringify(f.trace) }))));
    const minimal = cases.some((c) => c.op === 'find') ? await up([...self, '--minimal-broker', vaultUrl, caPath, keyFile, answersFile], /minimal broker listening on (\S+)/) : undefined;
    const ops: Record<Via, Record<Op, OpFn>> = {
      direct: vaultOps(w, direct, ids),
      proxy: vaultOps(w, await signedIn(vaultUrl, agent(plainAgentTo(Number(proxy.m[1])))), ids),
      broker: brokerPath,
      'slow-direct': vaultOps(w, await signedIn(slowUrl, agent(createVaultAgent({ ca }))), ids),
      'slow-proxy': vaultOps(w, await signedIn(slowUrl, agent(plainAgentTo(Number(slowProxy.m[1])))), ids),
      'slow-broker': await brokerOps(w, slowBr.m[1], tokenOf(slowBr.m), brokerAgent()),
      minimal: { find: minimal ? (await brokerOps(w, minimal.m[1], 'none', brokerAgent())).find : unsupported, cycle: unsupported },
    };
    const forwarder: Partial<Record<Via, ChildProcess>> = { proxy: proxy.child, broker: br.child, 'slow-proxy': slowProxy.child, 'slow-broker': slowBr.child, minimal: minimal?.child };

    // Warm-up: TLS sessions, connection pools and above all the JIT, on every path and at full load: the
    // broker has the most code to compile, and at a slow Vault's pace that would otherwise be spread over
    // the measured slices (a few ms of compiler time per request at one client).
    for (const c of cases) for (const via of viasOf(c)) await measure(CLIENTS, 2, ops[via][c.op]);

    // Throughput is total ops over total time, latency percentiles over every op of every slice.
    const rotate = <T>(a: T[], k: number): T[] => a.map((_, i) => a[(i + k) % a.length]);
    for (let rep = 0; rep < REPS; rep++) {
      for (const n of LEVELS) {
        for (const c of cases) {
          for (const via of rotate(viasOf(c), rep)) {
            const c0 = children.map((ch) => cpuMs(ch.pid));
            const h0 = cpuMs(forwarder[via]?.pid);
            const u0 = process.cpuUsage();
            const r = await measure(n, SECONDS, ops[via][c.op]);
            const u1 = process.cpuUsage(u0);
            const h1 = cpuMs(forwarder[via]?.pid);
            const c1 = children.map((ch) => cpuMs(ch.pid));
            const acc = (pooled[`${c.id}/${via}@${n}`] ??= { ops: 0, seconds: 0, lat: [], hopCpu: 0, allCpu: 0, clientCpu: 0 });
            acc.clientCpu += (u1.user + u1.system) / 1000;
            acc.ops += r.ops;
            acc.seconds += r.seconds;
            for (const x of r.lat) acc.lat.push(x);
            if (h0 !== undefined && h1 !== undefined) acc.hopCpu += h1 - h0;
            acc.allCpu += (u1.user + u1.system) / 1000 + c1.reduce<number>((s, x, i) => s + (x ?? 0) - (c0[i] ?? 0), 0);
          }
        }
      }
      process.stderr.write(`${name}: round ${rep + 1}/${REPS} done (load ${os.loadavg()[0].toFixed(2)})\n`);
    }
  } finally {
    for (const c of clients) await c.signOut().catch(() => undefined);
    for (const a of agents) await a.close().catch(() => undefined);
    // Each child checks its leases in and exits (and writes its CPU profile with --profile): wait for it.
    await Promise.all(children.map((c) => new Promise<void>((r) => {
      if (c.exitCode !== null || c.signalCode !== null) return r();
      const t = setTimeout(r, 5000);
      c.once('exit', () => { clearTimeout(t); r(); });
      c.kill('SIGTERM');
    })));
  }
}

/** Waits until the 1-minute load average is under `max` (other jobs on a shared machine), checking every minute. */
async function waitForQuiet(max: number): Promise<void> {
  if (max <= 0) return;
  while (os.loadavg()[0] >= max) {
    process.stderr.write(`load average ${os.loadavg()[0].toFixed(2)} ≥ ${max}: waiting a minute before starting\n`);
    await new Promise((r) => setTimeout(r, 60_000));
  }
}

async function main(): Promise<void> {
  if (!RUN.length) throw new Error(`--cases: none of ${CASES.map((c) => c.id).join(', ')}`);
  await waitForQuiet(MAX_LOAD);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ecmkit-bench-broker-'));
  writeFileSync(path.join(scratch, 'key'), KEY, { mode: 0o600 });
  const env = { ...process.env, ECMKIT_CACHE_DIR: path.join(scratch, 'cache') };
  const loadAtStart = os.loadavg()[0];
  let loadMax = loadAtStart;
  const sampler = setInterval(() => { loadMax = Math.max(loadMax, os.loadavg()[0]); }, 5000);
  const startedAt = new Date();
  const pooled: Record<string, Pool> = {};
  try {
    for (const name of Object.keys(WORKLOADS) as (keyof typeof WORKLOADS)[]) {
      const cases = RUN.filter((c) => c.workload === name);
      if (cases.length) await runWorkload(name, cases, scratch, env, pooled);
    }
  } finally {
    clearInterval(sampler);
    rmSync(scratch, { recursive: true, force: true });
  }
  const loadAtEnd = os.loadavg()[0];
  const report = reportOf(pooled, { startedAt, loadAtStart, loadAtEnd, loadMax: Math.max(loadMax, loadAtEnd), resolve: await resolveCost() });
  process.stdout.write(report + '\n');
  if (PARTIAL) process.stderr.write(`a partial run (--levels ${LEVELS.join(',')}): not added to BENCHMARKS.md\n`);
  else if (!process.argv.includes('--no-append')) {
    addToBenchmarks(report);
    process.stderr.write('added to BENCHMARKS.md\n');
  }
}

/** The broker's own decision logic without HTTP or Vault: the files-only resolution of the 66-credential workload, with its trace (uncached; the broker caches it). */
async function resolveCost(): Promise<{ ms: number; steps: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecmkit-bench-resolve-'));
  try {
    WORKLOADS.bench64.write(dir);
    const files = await Workspace.load([dir]);
    const ask = (i: number) => { const c = WORKLOADS.bench64.client(i % CLIENTS); return { user: c.user, securityProvider: c.securityProvider, endpoint: c.endpoint }; };
    for (let i = 0; i < 200; i++) resolveInjection(files, ask(i));
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) resolveInjection(files, ask(i));
    return { ms: (performance.now() - t0) / 2000, steps: resolveInjection(files, ask(0)).trace.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ——— the report ———

interface RunFacts { startedAt: Date; loadAtStart: number; loadAtEnd: number; loadMax: number; resolve: { ms: number; steps: number } }

function reportOf(pooled: Record<string, Pool>, f: RunFacts): string {
  const stat = (c: Case, via: Via, n: number) => {
    const a = pooled[`${c.id}/${via}@${n}`];
    a.lat.sort((x, y) => x - y);
    const q = (p: number) => a.lat[Math.min(a.lat.length - 1, Math.floor(p * a.lat.length))];
    return { tput: a.ops / a.seconds, p50: q(0.5), p99: q(0.99), hopCpu: a.hopCpu / a.ops / hopsOf(via, c.op), allCpu: a.allCpu / a.ops, clientCpu: a.clientCpu / a.ops };
  };
  const fmt = (x: number, d = 2) => x.toFixed(d);
  const pct = (x: number) => `${fmt(x * 100, 0)}%`;
  const verdicts: { ok: boolean; text: string; inTarget: boolean }[] = [];
  const restated: { ok: boolean; text: string }[] = [];
  const judgedRestated = (c: Case, ok: boolean, text: string) => { if (c.inTarget) restated.push({ ok, text }); };
  const judged = (ok: boolean, shown: string, text: string, inTarget: boolean) => {
    verdicts.push({ ok, text, inTarget });
    return `${shown} ${ok ? 'PASS' : '**FAIL**'}`;
  };

  const bare = [
    `| case | clients | direct ops/s | bare proxy ops/s (of direct) | broker ops/s (of direct) | broker / bare proxy (≥ ${pct(TARGET_OF_PROXY)}) | minimal broker / bare proxy | p50 ms: direct / bare proxy / broker | added p50 ms per broker request, 1 client: over direct (< ${TARGET_ADDED_MS} ms) / over bare proxy | p99 ms: direct / bare proxy / broker | CPU ms per forwarded request: bare proxy / broker / minimal | client CPU ms per op: direct / bare proxy / broker | CPU ms per op, all processes: direct / bare proxy / broker |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const slow = [
    `| case | clients | direct ops/s | bare proxy ops/s (of direct) | broker ops/s: of direct (≥ ${pct(TARGET_SLOW)}) | broker / bare proxy | p50 ms: direct / bare proxy / broker | added p50 ms per broker request, 1 client: over direct / over bare proxy | p99 ms: direct / bare proxy / broker | CPU ms per forwarded request: bare proxy / broker |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of RUN) {
    const perOp = HOPS.broker[c.op];
    for (const n of LEVELS) {
      const [d, p, b] = (['direct', 'proxy', 'broker'] as Via[]).map((v) => stat(c, v, n));
      const ofProxy = b.tput / p.tput;
      const added = (b.p50 - d.p50) / perOp;
      const addedCell = n === 1
        ? `${judged(added < TARGET_ADDED_MS, fmt(added), `${c.label}: adds ${fmt(added)} ms per request at p50 over direct (< ${TARGET_ADDED_MS} ms)`, c.inTarget)} / ${fmt((b.p50 - p.p50) / perOp)}`
        : '—';
      const m = c.op === 'find' ? stat(c, 'minimal', n) : undefined;
      if (n === 1) judgedRestated(c, added < TARGET_ADDED_MS, `${c.label}: adds ${fmt(added)} ms per request at p50 over direct (< ${TARGET_ADDED_MS} ms)`);
      const proxyTarget = c.op === 'find' ? RESTATED.findOfProxy : TARGET_OF_PROXY;
      judgedRestated(c, ofProxy >= proxyTarget, `${c.label} @${n}: keeps ${pct(ofProxy)} of the bare proxy (≥ ${pct(proxyTarget)})`);
      bare.push(`| ${c.label} | ${n} | ${fmt(d.tput, 0)} | ${fmt(p.tput, 0)} (${pct(p.tput / d.tput)}) | ${fmt(b.tput, 0)} (${pct(b.tput / d.tput)}) | ${judged(ofProxy >= TARGET_OF_PROXY, pct(ofProxy), `${c.label} @${n}: keeps ${pct(ofProxy)} of the bare proxy (≥ ${pct(TARGET_OF_PROXY)})`, c.inTarget)} | ${m ? pct(m.tput / p.tput) : '—'} | ${fmt(d.p50)} / ${fmt(p.p50)} / ${fmt(b.p50)} | ${addedCell} | ${fmt(d.p99)} / ${fmt(p.p99)} / ${fmt(b.p99)} | ${fmt(p.hopCpu, 3)} / ${fmt(b.hopCpu, 3)} / ${m ? fmt(m.hopCpu, 3) : '—'} | ${fmt(d.clientCpu, 3)} / ${fmt(p.clientCpu, 3)} / ${fmt(b.clientCpu, 3)} | ${fmt(d.allCpu)} / ${fmt(p.allCpu)} / ${fmt(b.allCpu)} |`);

      const [sd, sp, sb] = (['slow-direct', 'slow-proxy', 'slow-broker'] as Via[]).map((v) => stat(c, v, n));
      const ofDirect = sb.tput / sd.tput;
      if (n >= RESTATED.slowOfProxyFrom) judgedRestated(c, sb.tput / sp.tput >= TARGET_SLOW, `${c.label} @${n}, Vault ${SLOW_MS} ms late: keeps ${pct(sb.tput / sp.tput)} of the bare proxy in front of it (≥ ${pct(TARGET_SLOW)})`);
      else judgedRestated(c, ofDirect >= TARGET_SLOW, `${c.label} @${n}, Vault ${SLOW_MS} ms late: keeps ${pct(ofDirect)} of direct (≥ ${pct(TARGET_SLOW)})`);
      slow.push(`| ${c.label} | ${n} | ${fmt(sd.tput, 0)} | ${fmt(sp.tput, 0)} (${pct(sp.tput / sd.tput)}) | ${fmt(sb.tput, 0)} ${judged(ofDirect >= TARGET_SLOW, `(${pct(ofDirect)})`, `${c.label} @${n}, Vault ${SLOW_MS} ms late: keeps ${pct(ofDirect)} of direct (≥ ${pct(TARGET_SLOW)})`, c.inTarget)} | ${pct(sb.tput / sp.tput)} | ${fmt(sd.p50)} / ${fmt(sp.p50)} / ${fmt(sb.p50)} | ${n === 1 ? `${fmt((sb.p50 - sd.p50) / perOp)} / ${fmt((sb.p50 - sp.p50) / perOp)}` : '—'} | ${fmt(sd.p99)} / ${fmt(sp.p99)} / ${fmt(sb.p99)} | ${fmt(sp.hopCpu, 3)} / ${fmt(sb.hopCpu, 3)} |`);
    }
  }
  const target = verdicts.filter((v) => v.inTarget);
  const failed = target.filter((v) => !v.ok);
  const restatedFailed = restated.filter((v) => !v.ok);
  const cpu = os.cpus();
  const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const workloads = [...new Set(RUN.map((c) => c.workload))].map((w) => `${RUN.filter((c) => c.workload === w).map((c) => c.label).join(' and ')}: ${WORKLOADS[w].title}`);
  return [
    `### Broker overhead (\`npm run bench:broker\`) — ${f.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${machine}; 1-minute load average ${fmt(f.loadAtStart)} at the start, ${fmt(f.loadAtEnd)} at the end, ${fmt(f.loadMax)} at most (sampled every 5 s; this run's own processes included).`,
    `Workloads: ${workloads.join('; ')}. Each workload has its own sandbox, slow Vault, two bare proxies, two brokers and a minimal broker, as separate processes; ${REPS} rounds of ${SECONDS} s slices per path and level, the paths alternating, after a warm-up. The brokers run with \`--log ${BROKER_LOG}\`${BROKER_LOG === 'quiet' ? '' : ' (to a file)'}.`,
    `The bare proxy forwards all 3 Vault calls of a check-out + check-in, where the broker takes 2 requests (a pessimistic floor for that case). The minimal broker (find only) does what any broker giving this find answer must: parse the request, make the one Vault call, parse its rows and answer them with the trace the broker gave (captured at start, so the answer has the same size); no checks, resolution or logs. Added p50 = (broker p50 − other p50) / broker requests per operation (find 1, check-out + check-in 2). CPU: the processes' own (user + system, /proc); "per forwarded request" is the forwarding process alone, its Vault client included; "client" is this process (direct: VaultClient against the sandbox; bare proxy: the same over plain HTTP; broker: POST and parse the answer). The files-only resolution of the 66-credential workload, with its ${f.resolve.steps}-step trace, takes ${f.resolve.ms.toFixed(3)} ms uncached in this process (the broker caches it).`,
    '',
    '**Against the bare sandbox** (it answers from memory in a fraction of a millisecond):',
    '',
    ...bare,
    '',
    `**Against a Vault that answers ${SLOW_MS} ms late** (the sandbox behind test/support/faultProxy.ts in delay mode, for every path):`,
    '',
    ...slow,
    '',
    ...(PARTIAL ? [`**A partial run** (clients: ${LEVELS.join(', ')}): the verdicts below cover these cells only.`, ''] : []),
    `Target (issue 18, as written): ${failed.length ? `**${failed.length} of ${target.length} cells fail** — ${failed.map((v) => v.text).join('; ')}.` : `all ${target.length} cells pass.`}`,
    '',
    `Restated target (find ≥ ${pct(RESTATED.findOfProxy)} of the bare proxy; against the slow Vault at ${RESTATED.slowOfProxyFrom} clients ≥ ${pct(TARGET_SLOW)} of the bare proxy in front of it; the rest as written): ${restatedFailed.length ? `**${restatedFailed.length} of ${restated.length} cells fail** — ${restatedFailed.map((v) => v.text).join('; ')}.` : `all ${restated.length} cells pass.`}`,
    '',
  ].join('\n');
}

/** Adds a run at the end of the broker section of BENCHMARKS.md (before its notes), else at the end of the file. */
function addToBenchmarks(report: string): void {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  let text = '';
  try { text = readFileSync(file, 'utf8'); } catch { /* a new file */ }
  const section = text.indexOf('\n## Broker overhead');
  if (section < 0) {
    appendFileSync(file, '\n' + report);
    return;
  }
  const notes = text.indexOf('\n#### Reading these runs', section);
  const next = text.indexOf('\n## ', section + 1);
  const at = notes >= 0 && (next < 0 || notes < next) ? notes : next >= 0 ? next : text.length;
  writeFileSync(file, text.slice(0, at).replace(/\n*$/, '\n\n') + report + text.slice(at));
}

// The same script is the bare proxy and the slow Vault, each in its own process (see runWorkload).
const at = (flag: string) => process.argv.slice(process.argv.indexOf(flag) + 1);
if (process.argv.includes('--bare-proxy')) bareProxy(at('--bare-proxy')[0], at('--bare-proxy')[1]);
else if (process.argv.includes('--minimal-broker')) minimalBroker(...(at('--minimal-broker').slice(0, 4) as [string, string, string, string]));
else if (process.argv.includes('--slow-vault')) void slowVault(at('--slow-vault')[0], at('--slow-vault')[1], Number(at('--slow-vault')[2]));
else main().catch((e) => { process.stderr.write(`bench:broker failed: ${e.stack ?? e}\n`); process.exitCode = 1; });
