// Broker overhead: find and check-out/check-in through `ecmkit broker`, against the same Vault calls made
// directly to the sandbox Vault, in the same run, at 1, 16 and 64 concurrent clients. Throughput (ops/s)
// and p50/p99 latency per operation. Targets: the broker adds under 1 ms at p50 and keeps at least 80% of
// the direct throughput.
//
// Usage: npm run bench:broker [-- --seconds S] [--reps N] [--slow-ms MS] [--no-append] [--profile DIR]
//   (S s slices, N rounds; default 2 × 5; MS: the slow Vault's delay, default 5; --profile writes a V8 CPU
//   profile of the broker process to DIR)
//
// Each client is its own PA user with its own endpoint and Restricted credential (so check-outs never
// conflict); the Vault inventory also holds every other client's credential, so each find's trace has one
// step per credential (68), as the broker always explains every credential left out. The sandbox and the
// broker run as separate processes (the built CLI), like an ECM and a Vault; this process is the client.
// Direct: one VaultClient session per user, ManagedAccounts?systemName=EP (find); POST Requests +
// GET Credentials + PUT checkin (cycle). Broker: POST /v1/credentials/find; POST checkout + POST checkin.
// Two references in the same run: the floor (the direct calls through a bare pass-through proxy process:
// what one more process in the path costs) and a realistic Vault (the sandbox behind a proxy that answers
// SLOW_MS late, direct and broker). The paths alternate within each round, so all see the same machine load.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const arg = (name: string, def: number): number => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : def; };
const SECONDS = arg('seconds', 2);
const REPS = arg('reps', 5);
const LEVELS = [1, 16, 64];
const CLIENTS = Math.max(...LEVELS);
const PROFILE = (() => { const i = process.argv.indexOf('--profile'); return i > 0 ? path.resolve(process.argv[i + 1]) : undefined; })();
/**
 * The realistic Vault's delay per answer: a Password Safe call does a directory or database lookup and
 * writes an audit record, typically a few to tens of ms; 5 ms is the low end, so the broker's fixed cost
 * weighs as much as it can against a Vault that still does real work.
 */
const SLOW_MS = arg('slow-ms', 5);
const SLOW_WHY = 'a Password Safe call looks up the directory or database and writes an audit record, a few to tens of ms; 5 ms is the low end, where the broker\'s fixed cost weighs most';
const KEY = `bench-key-${process.pid}-${Date.now()}`;
const pad = (n: number) => String(n).padStart(2, '0');

/** examples/-like workspace with CLIENTS users, endpoints and credentials (JSON: quick to write and read). */
function writeWorkspace(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const ids = Array.from({ length: CLIENTS }, (_, i) => pad(i + 1));
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
    users: ids.map((i) => ({ username: `b${i}`, fullName: `Bench ${i}`, status: 'Active', securityProvider: 'CORP', roles: ['Rep'], groups: ['Support'], email: `b${i}@example.com` })),
    endpointGroups: [{ name: 'Bench' }],
    endpoints: ids.map((i) => ({ name: `EP${i}`, description: 'bench', type: 'Windows', network: 'Core', ip: `10.9.0.${Number(i)}`, groups: [] })),
    credentialPolicies: [{ name: 'Bench', permissions: [{ principal: 'role:Rep', actions: ['checkout'] }] }, { name: 'Nobody', permissions: [] }],
    credentials: [
      ...ids.map((i) => ({ name: `bench-${i}`, type: 'windowsLocal', policy: 'Bench', domain: 'corp.example.com', accessType: 'Restricted', endpoints: [`EP${i}`], endpointGroups: [], description: 'bench', username: 'administrator', password: '${secret:bench.password}', checkedOutBy: null })),
      { name: 'shared-tools', type: 'windowsDomain', policy: 'Bench', domain: 'corp.example.com', accessType: 'Shared', endpoints: [], endpointGroups: [], description: 'bench', username: 'CORP\\tools', password: '${secret:bench.password}', checkedOutBy: null },
      { name: 'locked', type: 'windowsDomain', policy: 'Nobody', domain: 'corp.example.com', accessType: 'Shared', endpoints: [], endpointGroups: [], description: 'bench', username: 'CORP\\locked', password: '${secret:bench.password}', checkedOutBy: null },
    ],
  }, null, 2));
  writeFileSync(path.join(dir, 'bench.pa.json'), JSON.stringify({
    site: 'bench.example.com',
    securityProviders: [{ name: 'corp.example.com', type: 'activeDirectory' }],
    users: ids.map((i) => ({ username: `b${i}`, email: `b${i}@example.com`, securityProvider: 'corp.example.com' })),
    jumpClients: ids.map((i) => ({ name: `EP${i}`, hostname: `ep${i}.corp.example.com`, os: 'windows', credentialInjection: true })),
  }, null, 2));
}

/** Starts `node <argv>` and resolves with the regex match of its stdout once it appears. */
function start(argv: string[], re: RegExp, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; m: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => { err = (err + d).slice(-4000); });
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

type Op = 'find' | 'checkout+checkin';
/** direct: the client to the sandbox; floor: through the bare proxy; broker: through the broker; slow-*: the same, the Vault answering SLOW_MS late. */
type Via = 'direct' | 'floor' | 'broker' | 'slow-direct' | 'slow-broker';
type Ops = Record<Op, (i: number) => Promise<void>>;
const OPS: Op[] = ['find', 'checkout+checkin'];
const ep = (i: number) => `EP${pad(i + 1)}`;
const who = (i: number) => ({ user: `b${pad(i + 1)}`, securityProvider: 'corp.example.com', endpoint: ep(i) });
/** HTTP requests per operation through a forwarding process: the bare proxy forwards each Vault call, the broker takes check-out and check-in. */
const HOPS: Record<'floor' | 'broker', Record<Op, number>> = { floor: { find: 1, 'checkout+checkin': 3 }, broker: { find: 1, 'checkout+checkin': 2 } };

/** One Vault session per user (as the broker keeps one), on one shared connection pool. */
async function vaultClients(hostname: string, dispatcher: Dispatcher): Promise<VaultClient[]> {
  const out: VaultClient[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const c = new VaultClient({ hostname, dispatcher });
    await c.signIn(KEY, `CORP\\b${pad(i + 1)}`);
    out.push(c);
  }
  return out;
}

/** The Vault calls a client makes itself: ManagedAccounts (find); POST Requests, GET Credentials, PUT checkin (cycle). */
function vaultOps(cs: VaultClient[], ids: { systemId: number; accountId: number }[]): Ops {
  return {
    find: async (i) => { await cs[i].managedAccounts({ systemName: ep(i) }); },
    'checkout+checkin': async (i) => {
      const id = await cs[i].createRequest({ ...ids[i], durationMinutes: 60, reason: 'bench', conflictOption: 'reuse', accessType: 'View' });
      await cs[i].credentials(id);
      await cs[i].checkin(id, 'bench');
    },
  };
}

/** The broker's API: POST find; POST checkout + POST checkin. Checks first that every answer is the expected one. */
async function brokerOps(url: string, token: string, agent: Agent): Promise<Ops> {
  const call = async (route: string, body?: unknown): Promise<any> => {
    const r = await request(url + route, {
      method: 'POST', dispatcher: agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.body.text();
    if (r.statusCode >= 300) throw new Error(`${route} → ${r.statusCode} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  const ids: string[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const f = await call('/v1/credentials/find', who(i));
    if (f.credentials.length !== 2 || f.trace.length < CLIENTS) throw new Error(`unexpected find answer for b${pad(i + 1)}: ${JSON.stringify(f).slice(0, 300)}`);
    if (f.trace.find((t: { step: string }) => t.step === 'cross-check').outcome !== 'pass') throw new Error('the files and the sandbox disagree');
    ids.push(f.credentials.find((c: { name: string }) => c.name.startsWith('bench-')).id);
  }
  return {
    find: async (i) => { await call('/v1/credentials/find', who(i)); },
    'checkout+checkin': async (i) => {
      const co = await call('/v1/credentials/checkout', { ...who(i), credentialId: ids[i] });
      await call(`/v1/leases/${co.leaseId}/checkin`);
    },
  };
}

/**
 * The floor: a pass-through proxy with no logic at all, in its own process like the broker. It takes plain
 * HTTP on loopback (as the broker does) and forwards each request to the sandbox over the same kind of
 * connection the broker's Vault client uses (undici, verified TLS, keep-alive), then writes the answer back.
 * Whatever it costs is the price of one more process in the path, which no broker can avoid.
 */
function floorProxy(upstream: string, caPath: string): void {
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
  server.listen(0, '127.0.0.1', () => process.stdout.write(`floor listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
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

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ecmkit-bench-broker-'));
  const ws = path.join(scratch, 'ws');
  writeWorkspace(ws);
  const keyFile = path.join(scratch, 'key');
  writeFileSync(keyFile, KEY, { mode: 0o600 });
  const env = { ...process.env, ECMKIT_CACHE_DIR: path.join(scratch, 'cache') };
  const children: ChildProcess[] = [];
  const load = os.loadavg()[0];
  const self = [...process.execArgv, __filename];
  try {
    const sb = await start([CLI, 'sandbox', '--workspace', ws, '--port', '0', '--key-file', keyFile, '--quiet'], /sandbox listening on (\S+) ca=(\S+)/, env);
    children.push(sb.child);
    const [, vaultUrl, caPath] = sb.m;
    const slow = await start([...self, '--slow-vault', vaultUrl, caPath, String(SLOW_MS)], /slow vault listening on (\S+)/, env);
    children.push(slow.child);
    const slowUrl = slow.m[1];
    const floor = await start([...self, '--floor-proxy', vaultUrl, caPath], /floor listening on http:\/\/127\.0\.0\.1:(\d+)/, env);
    children.push(floor.child);
    const brokerArgs = (vault: string) => [CLI, 'broker', '--workspace', ws, '--vault', vault, '--ca', caPath, '--key-file', keyFile, '--log', 'quiet'];
    const br = await start([...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : []), ...brokerArgs(vaultUrl)], /broker listening on (\S+) token=(\S+)/, env);
    children.push(br.child);
    const slowBr = await start(brokerArgs(slowUrl), /broker listening on (\S+) token=(\S+)/, env);
    children.push(slowBr.child);

    const ca = readFileSync(caPath, 'utf8');
    const agents: Agent[] = [createVaultAgent({ ca }), createVaultAgent({ ca }), plainAgentTo(Number(floor.m[1]))];
    const [vaultAgent, slowAgent, floorAgent] = agents;
    const direct = await vaultClients(vaultUrl, vaultAgent);
    const ids: { systemId: number; accountId: number }[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const row = (await direct[i].managedAccounts({ systemName: ep(i) })).find((r) => r.CredentialName === `bench-${pad(i + 1)}`)!;
      ids.push({ systemId: row.SystemId, accountId: row.AccountId });
    }
    const floorClients = await vaultClients(vaultUrl, floorAgent);
    const slowClients = await vaultClients(slowUrl, slowAgent);
    agents.push(new Agent({ keepAliveTimeout: 30_000, connections: CLIENTS }), new Agent({ keepAliveTimeout: 30_000, connections: CLIENTS }));
    const ops: Record<Via, Ops> = {
      direct: vaultOps(direct, ids),
      floor: vaultOps(floorClients, ids),
      broker: await brokerOps(br.m[1], readFileSync(br.m[2], 'utf8').trim(), agents[3]),
      'slow-direct': vaultOps(slowClients, ids),
      'slow-broker': await brokerOps(slowBr.m[1], readFileSync(slowBr.m[2], 'utf8').trim(), agents[4]),
    };
    const forwarder: Partial<Record<Via, ChildProcess>> = { floor: floor.child, broker: br.child, 'slow-broker': slowBr.child };

    // Warm-up: TLS sessions, connection pools and above all the JIT, on every path and at full load: the
    // broker has the most code to compile, and at a slow Vault's pace that would otherwise be spread over
    // the measured slices (a few ms of compiler time per request at one client).
    for (const via of Object.keys(ops) as Via[]) for (const op of OPS) await measure(CLIENTS, 2, ops[via][op]);

    // The paths compared alternate within each round (order rotated every round), so they see the same
    // machine load; throughput is total ops over total time, latency percentiles over every op of every slice.
    const pooled: Record<string, { ops: number; seconds: number; lat: number[]; hopCpu: number; allCpu: number }> = {};
    const rotate = <T>(a: T[], k: number): T[] => a.map((_, i) => a[(i + k) % a.length]);
    for (let rep = 0; rep < REPS; rep++) {
      for (const n of LEVELS) {
        for (const op of OPS) {
          for (const via of [...rotate<Via>(['direct', 'floor', 'broker'], rep), ...rotate<Via>(['slow-direct', 'slow-broker'], rep)]) {
            const c0 = children.map((c) => cpuMs(c.pid));
            const h0 = cpuMs(forwarder[via]?.pid);
            const u0 = process.cpuUsage();
            const r = await measure(n, SECONDS, ops[via][op]);
            const u1 = process.cpuUsage(u0);
            const h1 = cpuMs(forwarder[via]?.pid);
            const c1 = children.map((c) => cpuMs(c.pid));
            const acc = (pooled[`${op}/${via}@${n}`] ??= { ops: 0, seconds: 0, lat: [], hopCpu: 0, allCpu: 0 });
            acc.ops += r.ops;
            acc.seconds += r.seconds;
            for (const x of r.lat) acc.lat.push(x);
            if (h0 !== undefined && h1 !== undefined) acc.hopCpu += h1 - h0;
            acc.allCpu += (u1.user + u1.system) / 1000 + c1.reduce<number>((s, x, i) => s + (x ?? 0) - (c0[i] ?? 0), 0);
          }
        }
      }
      process.stderr.write(`round ${rep + 1}/${REPS} done\n`);
    }
    const stat = (op: Op, via: Via, n: number) => {
      const a = pooled[`${op}/${via}@${n}`];
      a.lat.sort((x, y) => x - y);
      const q = (p: number) => a.lat[Math.min(a.lat.length - 1, Math.floor(p * a.lat.length))];
      const hops = via === 'floor' ? HOPS.floor[op] : HOPS.broker[op];
      return { tput: a.ops / a.seconds, p50: q(0.5), p99: q(0.99), hopCpu: a.hopCpu / a.ops / hops, allCpu: a.allCpu / a.ops };
    };
    const fmt = (x: number, d = 2) => x.toFixed(d);
    const pct = (x: number) => `${fmt(x * 100, 0)}%`;

    // The comparison (bare sandbox), with the floor alongside.
    const bare: string[] = [
      '| operation | clients | direct ops/s | bare proxy ops/s (of direct) | broker ops/s (of direct) | broker / bare proxy | direct p50 ms | bare proxy p50 ms | broker p50 ms | added p50 ms per broker request | direct p99 ms | broker p99 ms | CPU ms per forwarded request: bare proxy / broker | CPU ms per op, all processes: direct / bare proxy / broker |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    const slowRows: string[] = [
      '| operation | clients | direct ops/s | broker ops/s (of direct) | direct p50 ms | broker p50 ms | added p50 ms per broker request | direct p99 ms | broker p99 ms | broker CPU ms per request |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    const verdict = { bare: { met: [] as string[], missed: [] as string[] }, slow: { met: [] as string[], missed: [] as string[] } };
    const judge = (v: { met: string[]; missed: string[] }, ok: boolean, text: string) => (ok ? v.met : v.missed).push(text);
    const floorKeeps: number[] = [];
    const ofFloor: number[] = [];
    for (const op of OPS) {
      const perOp = HOPS.broker[op];
      for (const n of LEVELS) {
        const d = stat(op, 'direct', n);
        const f = stat(op, 'floor', n);
        const b = stat(op, 'broker', n);
        const added = (b.p50 - d.p50) / perOp;
        bare.push(`| ${op} | ${n} | ${fmt(d.tput, 0)} | ${fmt(f.tput, 0)} (${pct(f.tput / d.tput)}) | ${fmt(b.tput, 0)} (${pct(b.tput / d.tput)}) | ${pct(b.tput / f.tput)} | ${fmt(d.p50)} | ${fmt(f.p50)} | ${fmt(b.p50)} | ${n === 1 ? fmt(added) : '—'} | ${fmt(d.p99)} | ${fmt(b.p99)} | ${fmt(f.hopCpu, 3)} / ${fmt(b.hopCpu, 3)} | ${fmt(d.allCpu)} / ${fmt(f.allCpu)} / ${fmt(b.allCpu)} |`);
        if (n === 1) judge(verdict.bare, added < 1, `${op}: adds ${fmt(added)} ms per request at p50 (< 1 ms)`);
        judge(verdict.bare, b.tput / d.tput >= 0.8, `${op}@${n}: keeps ${pct(b.tput / d.tput)} of direct (≥ 80%)`);
        floorKeeps.push(f.tput / d.tput);
        if (op === 'find') ofFloor.push(b.tput / f.tput);
        const sd = stat(op, 'slow-direct', n);
        const sb2 = stat(op, 'slow-broker', n);
        const sAdded = (sb2.p50 - sd.p50) / perOp;
        slowRows.push(`| ${op} | ${n} | ${fmt(sd.tput, 0)} | ${fmt(sb2.tput, 0)} (${pct(sb2.tput / sd.tput)}) | ${fmt(sd.p50)} | ${fmt(sb2.p50)} | ${n === 1 ? fmt(sAdded) : '—'} | ${fmt(sd.p99)} | ${fmt(sb2.p99)} | ${fmt(sb2.hopCpu, 3)} |`);
        if (n === 1) judge(verdict.slow, sAdded < 1, `${op}: adds ${fmt(sAdded)} ms per request at p50 (< 1 ms)`);
        judge(verdict.slow, sb2.tput / sd.tput >= 0.8, `${op}@${n}: keeps ${pct(sb2.tput / sd.tput)} of direct (≥ 80%)`);
      }
    }
    const range = (xs: number[]) => `${pct(Math.min(...xs))}–${pct(Math.max(...xs))}`;
    const says = (v: { met: string[]; missed: string[] }) => [
      v.met.length ? `met — ${v.met.join('; ')}` : '',
      v.missed.length ? `**missed** — ${v.missed.join('; ')}` : '',
    ].filter(Boolean).join('. ') + '.';

    // The broker's own decision logic, without HTTP or Vault: the files-only resolution with its full trace
    // (uncached; the broker caches it per user, endpoint and holders).
    const files = await Workspace.load([ws]);
    for (let i = 0; i < 200; i++) resolveInjection(files, who(i % CLIENTS));
    const r0 = performance.now();
    for (let i = 0; i < 2000; i++) resolveInjection(files, who(i % CLIENTS));
    const resolveMs = (performance.now() - r0) / 2000;

    const cpu = os.cpus();
    const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version}; 1-min load average at start ${load.toFixed(2)}`;
    const report = [
      `### Broker overhead (\`npm run bench:broker\`) — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `Machine: ${machine}.`,
      `Workload: ${CLIENTS} PA users, ${CLIENTS} endpoints, ${CLIENTS + 2} credentials (each find answer explains all of them); sandbox, broker, bare proxy, slow Vault and this client as separate processes; ${REPS} rounds of ${SECONDS} s slices per path and level, the paths alternating, after a warm-up.`,
      `"bare proxy": a pass-through process with no logic (plain HTTP in, the broker's kind of TLS Vault connection out) that forwards the direct client's own Vault calls — the cost of one more process in the path, which no broker avoids. It forwards all 3 Vault calls of a check-out + check-in, where the broker takes 2 requests, so for that operation it is a pessimistic floor. "added p50 per broker request" = (broker p50 − direct p50) / broker requests per operation (find: 1; check-out + check-in: 2), at 1 client. CPU columns: the processes' own CPU time (user + system, from /proc); "per forwarded request" is the forwarding process alone, Vault client work included.`,
      `The resolution with its ${CLIENTS + 10}-step trace, from the files alone (no HTTP, no Vault), takes ${resolveMs.toFixed(3)} ms uncached in this process; the broker caches it.`,
      '',
      '**Against the bare sandbox** (the issue\'s comparison; the sandbox answers from memory in a fraction of a millisecond):',
      '',
      ...bare,
      '',
      `Targets: ${says(verdict.bare)} The bare proxy keeps ${range(floorKeeps)} of direct; on find the broker keeps ${range(ofFloor)} of the bare proxy's throughput.`,
      '',
      `**Against a Vault that answers ${SLOW_MS} ms late** (the sandbox behind test/support/faultProxy.ts in delay mode, for both paths; ${SLOW_WHY}):`,
      '',
      ...slowRows,
      '',
      `Targets: ${says(verdict.slow)}`,
      '',
    ].join('\n');
    process.stdout.write(report + '\n');
    if (!process.argv.includes('--no-append')) {
      addToBenchmarks(report);
      process.stderr.write('added to BENCHMARKS.md\n');
    }
    for (const c of [...direct, ...floorClients, ...slowClients]) await c.signOut().catch(() => undefined);
    for (const a of agents) await a.close();
  } finally {
    // Each child checks its leases in and exits (and writes its CPU profile with --profile): wait for it.
    await Promise.all(children.map((c) => new Promise<void>((r) => {
      if (c.exitCode !== null || c.signalCode !== null) return r();
      const t = setTimeout(r, 5000);
      c.once('exit', () => { clearTimeout(t); r(); });
      c.kill('SIGTERM');
    })));
    rmSync(scratch, { recursive: true, force: true });
  }
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

// The same script is the bare proxy and the slow Vault, each in its own process (see main).
const mode = process.argv.indexOf('--floor-proxy') > 0 ? 'floor' : process.argv.indexOf('--slow-vault') > 0 ? 'slow' : 'main';
const at = (flag: string) => process.argv.slice(process.argv.indexOf(flag) + 1);
if (mode === 'floor') floorProxy(at('--floor-proxy')[0], at('--floor-proxy')[1]);
else if (mode === 'slow') void slowVault(at('--slow-vault')[0], at('--slow-vault')[1], Number(at('--slow-vault')[2]));
else main().catch((e) => { process.stderr.write(`bench:broker failed: ${e.stack ?? e}\n`); process.exitCode = 1; });
