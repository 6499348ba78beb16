/**
 * Real parts for the broker tests: a copy of examples/ (optionally edited), the real sandbox Vault, the
 * real broker on loopback, and plain HTTP requests to it. Test secrets are known values, so every test
 * can assert they never reach a log line or a trace.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startBroker, type BrokerStartOptions, type RunningBroker } from '../../server/src/broker/start';
import { BrokerLog, type BrokerEvent } from '../../server/src/broker/log';

export const ROOT = path.resolve(__dirname, '../..');
export const EXAMPLES = path.join(ROOT, 'examples');
export const SCRATCH = mkdtempSync(path.join(tmpdir(), 'ecmkit-broker-test-'));
export const CERT_DIR = path.join(SCRATCH, 'certs');
process.on('exit', () => rmSync(SCRATCH, { recursive: true, force: true }));

export const SHARED_KEY = 'bRoKeR-tEsT-kEy-19d2e7';
export const PASSWORDS: Record<string, string> = {
  'web01-admin': 'pw-web01-Admin!4821',
  'web-deploy': 'pw-web-Deploy!7730',
  'db01-sa': 'pw-db01-Sa!5512',
  'helpdesk-shared': 'pw-helpdesk!0093',
};
/** The secret store the CLI would read from ECMKIT_SECRET_*. */
export const secrets = (name: string): string | undefined => (name === 'vault.sharedKey' ? SHARED_KEY : PASSWORDS[name]);

export type Edits = Record<string, [string | RegExp, string][]>;

/** A copy of examples/ with [search, replace] edits per file name. */
export function workspace(edits: Edits = {}): string {
  const dir = mkdtempSync(path.join(SCRATCH, 'ws-'));
  cpSync(EXAMPLES, dir, { recursive: true });
  for (const [file, pairs] of Object.entries(edits)) {
    const f = path.join(dir, file);
    let text = readFileSync(f, 'utf8');
    for (const [from, to] of pairs) {
      const next = text.replace(from, to);
      if (next === text) throw new Error(`edit of ${file} did not apply: ${String(from)}`);
      text = next;
    }
    writeFileSync(f, text);
  }
  return dir;
}

export interface TestBroker extends RunningBroker {
  events: BrokerEvent[];
  call(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string }>;
  find(user: string, securityProvider: string, endpoint: string): Promise<{ status: number; body: any }>;
  /** Every log line and response seen so far, to search for leaked secrets. */
  transcript(): string;
}

const running: TestBroker[] = [];

/** The broker with the sandbox on a workspace (examples/ by default). */
export async function broker(o: BrokerStartOptions & { edits?: Edits } = {}): Promise<TestBroker> {
  const log = new BrokerLog();
  const events: TestBroker['events'] = [];
  log.on((e) => events.push(e));
  const responses: string[] = [];
  const r = await startBroker({ workspace: o.workspace ?? workspace(o.edits), sandbox: true, secrets, certDir: CERT_DIR, watch: false, log, ...o });
  const call: TestBroker['call'] = async (method, route, body, headers = {}) => {
    const res = await fetch(r.url + route, {
      method,
      headers: { authorization: `Bearer ${r.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    responses.push(text);
    let parsed: unknown;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    return { status: res.status, body: parsed as any, text };
  };
  const tb: TestBroker = {
    ...r,
    events,
    call,
    find: (user, securityProvider, endpoint) => call('POST', '/v1/credentials/find', { user, securityProvider, endpoint }),
    transcript: () => JSON.stringify(events) + responses.join('\n'),
  };
  running.push(tb);
  return tb;
}

export async function closeAll(): Promise<void> {
  await Promise.all(running.splice(0).map((b) => b.close()));
}

/** Names of the credentials a find returned. */
export const names = (body: any): string[] => (body?.credentials ?? []).map((c: { name: string }) => c.name);
export const stepOf = (body: any, step: string, credential?: string) =>
  (body?.trace ?? []).find((t: { step: string; credential?: string }) => t.step === step && (credential === undefined || t.credential === credential));

/** The files and the sandbox agreed on this answer. */
export function agreed(body: any): void {
  const c = stepOf(body, 'cross-check');
  assert.ok(c, 'a cross-check step');
  assert.equal(c.outcome, 'pass', c.detail);
}

/** No secret (shared key, any password except the one handed out, the token) in the text. */
export function assertNoSecret(text: string, extra: string[] = [], allow: string[] = []): void {
  for (const s of [SHARED_KEY, ...Object.values(PASSWORDS), ...extra]) {
    if (allow.includes(s)) continue;
    assert.ok(!text.includes(s), `a secret leaked: …${text.slice(Math.max(0, text.indexOf(s) - 80), text.indexOf(s) + 20)}…`);
  }
}
