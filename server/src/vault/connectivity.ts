/**
 * runConnectivityTest(): the staged Vault check of docs/cli.md (dns, tcp, tls, http, auth, accounts,
 * signout), as a pure async function the CLI, the language server and the editor share. It stops at the
 * first failing stage (after a successful sign-in it still signs out), bounds the whole run by one time
 * budget, and never puts a secret into a stage's text.
 */
import { request } from 'undici';
import { redact } from '../model/secrets';
import { explain401, type AuthContext } from './authHints';
import { aborted, apiBaseUrl, createVaultAgent, VaultClient } from './client';
import { isVaultError, VaultError } from './errors';
import { dnsStage, tcpStage, tlsStage, type CertSummary, type StageOutcome } from './netStages';

import { STAGES, type StageName, type StageResult, type VaultTestReport } from '../../../protocol/vaultReport';
export { STAGES, type StageName, type StageResult };

export interface ConnectivityReport extends VaultTestReport {
  cert?: CertSummary;
}

export interface ConnectivityOptions {
  /** vault.hostname: https URL of the Vault. */
  hostname: string;
  /** Extra trusted CA (PEM), added to the system roots. */
  ca?: string | Buffer;
  /** Budget for the whole test in ms (default 10 000). */
  timeoutMs?: number;
  /** PROVIDER\username to sign in as. */
  runAs?: string;
  /** Stop after the tls stage (a Vault whose API is not Password Safe's). */
  tlsOnly?: boolean;
  /** The shared key, or how to get it (a thrown error's message becomes the auth stage's detail). */
  key?: string | (() => string | Promise<string>);
  /** Workspace facts used to explain a 401. */
  context?: AuthContext;
  /** Called when a stage starts (progress UIs). */
  onStageStart?: (stage: StageName) => void;
}

export const DEFAULT_TEST_TIMEOUT_MS = 10_000;

export async function runConnectivityTest(opts: ConnectivityOptions, onStage?: (result: StageResult) => void): Promise<ConnectivityReport> {
  const started = performance.now();
  const budget = opts.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  const left = (): number => Math.max(0, Math.round(budget - (performance.now() - started)));
  const stages: StageResult[] = [];
  const secrets: string[] = [];
  const report: ConnectivityReport = { ok: false, target: opts.hostname, runAs: opts.runAs, stages, totalMs: 0 };

  const run = async (stage: StageName, body: () => Promise<StageOutcome>): Promise<boolean> => {
    opts.onStageStart?.(stage);
    const t = performance.now();
    let out: StageOutcome;
    if (left() <= 0) {
      out = { ok: false, detail: `The time budget of ${budget} ms ran out before this stage.`, hint: 'Raise --timeout, or look at the slow stage above.' };
    } else {
      try {
        out = await body();
      } catch (e) {
        out = { ok: false, detail: (e as Error).message, hint: isVaultError(e) ? e.hint ?? '' : '' };
      }
    }
    const result: StageResult = { stage, ok: out.ok, ms: Math.round(performance.now() - t), detail: redact(out.detail, secrets), hint: redact(out.hint, secrets) };
    if (out.warning) result.warning = true;
    stages.push(result);
    onStage?.(result);
    return out.ok;
  };
  const finish = (): ConnectivityReport => {
    report.totalMs = Math.round(performance.now() - started);
    report.ok = stages.length > 0 && stages.every((s) => s.ok) && stages[stages.length - 1].stage === (opts.tlsOnly ? 'tls' : 'signout');
    return report;
  };

  let base: URL;
  try {
    base = apiBaseUrl(opts.hostname);
  } catch (e) {
    await run('dns', async () => ({ ok: false, detail: (e as Error).message, hint: 'Set vault.hostname to the https URL of the Vault, e.g. https://vault.example.com.' }));
    return finish();
  }
  const host = base.hostname.replace(/^\[|\]$/g, '');
  const port = Number(base.port || 443);

  let addresses: string[] = [];
  let address: string | undefined;
  let localAddress: string | undefined;
  if (!(await run('dns', async () => { const r = await dnsStage(host, left()); addresses = r.addresses; return r; }))) return finish();
  if (!(await run('tcp', async () => { const r = await tcpStage(addresses, port, left()); address = r.address; localAddress = r.localAddress; return r; }))) return finish();
  if (!(await run('tls', async () => { const r = await tlsStage(address!, port, host, opts.ca, left()); report.cert = r.cert; return r; }))) return finish();
  if (opts.tlsOnly) return finish();

  const agent = createVaultAgent({ ca: opts.ca, connectTimeoutMs: Math.max(1, left()) });
  try {
    if (!(await run('http', () => httpStage(base, agent, left())))) return finish();
    const client = new VaultClient({ hostname: opts.hostname, dispatcher: agent, reauth: false });
    const signedIn = await run('auth', async () => {
      if (!opts.runAs) return { ok: false, detail: 'No run-as user to sign in as: the workspace has no Active Vault user.', hint: 'Pass --user PROVIDER\\username (e.g. CORP\\jdoe).' };
      let key: string;
      try {
        key = typeof opts.key === 'function' ? await opts.key() : opts.key ?? '';
      } catch (e) {
        return { ok: false, detail: `The shared key is not available: ${(e as Error).message}`, hint: 'Store the key the ECM file refers to, then test again.' };
      }
      if (!key) return { ok: false, detail: 'The ECM file gives no shared key (vault.sharedKey).', hint: 'Set vault.sharedKey to a reference like ${secret:vault.sharedKey} and store the key.' };
      secrets.push(key);
      try {
        const info = await client.signIn(key, opts.runAs, undefined, { timeoutMs: left() });
        const who = [info.Name, info.EmailAddress].filter(Boolean).join(', ');
        const integ = opts.context?.integration?.name ?? opts.context?.integrationName;
        return { ok: true, detail: `Signed in as ${opts.runAs}${who ? ` (${who})` : ''}${integ ? ` with the key of integration ${integ}` : ''}.`, hint: '' };
      } catch (e) {
        if (!isVaultError(e) || (e.kind !== 'auth' && e.kind !== 'ip-not-allowed')) throw e;
        const findings = explain401(opts.context ?? {}, opts.runAs, localAddress, e.details.reason);
        return {
          ok: false,
          detail: `The Vault refused the sign-in as ${opts.runAs} (401). ${findings.map((f) => f.sentence).join(' ')}`,
          hint: findings.map((f) => f.hint).filter((h, i, a) => a.indexOf(h) === i).join(' '),
        };
      }
    });
    if (!signedIn) return finish();
    await run('accounts', async () => {
      const rows = await client.managedAccounts({}, { timeoutMs: left() });
      const names = rows.map((r) => r.CredentialName || (r.SystemName ? `${r.SystemName}\\${r.AccountName}` : r.AccountName));
      const shown = names.slice(0, 10).join(', ') + (names.length > 10 ? `, … (${names.length - 10} more)` : '');
      if (rows.length === 0) {
        return { ok: true, warning: true, detail: `${opts.runAs} may check out no account.`, hint: `No credential policy grants ${opts.runAs} (or its groups and roles) check-out on a credential: the ECM will offer nothing.` };
      }
      return { ok: true, detail: `${rows.length} account${rows.length === 1 ? '' : 's'} ${opts.runAs} may check out: ${shown}.`, hint: '' };
    });
    // Sign out even after a failed accounts stage (within the budget; a session left over idles out in 20 min).
    await run('signout', async () => {
      await client.signOut({ timeoutMs: left() });
      return { ok: true, detail: 'Signed out; the session is closed.', hint: '' };
    });
    return finish();
  } finally {
    await agent.destroy().catch(() => undefined); // cuts anything still connecting
  }
}

/** An unauthenticated GET of the API: a Password Safe answers 401; 404 or HTML means something else is there. */
async function httpStage(base: URL, agent: ReturnType<typeof createVaultAgent>, ms: number): Promise<StageOutcome> {
  const url = new URL('ManagedAccounts', base);
  try {
    const signal = AbortSignal.timeout(Math.max(1, ms));
    const pending = request(url, { method: 'GET', dispatcher: agent, headers: { accept: 'application/json' }, signal, headersTimeout: ms, bodyTimeout: ms });
    pending.catch(() => undefined);
    const res = await Promise.race([pending, aborted(signal)]);
    await res.body.dump();
    const server = typeof res.headers.server === 'string' ? `, server ${res.headers.server}` : '';
    const s = res.statusCode;
    const type = String(res.headers['content-type'] ?? '');
    if (s === 200 && /html/i.test(type)) {
      return { ok: false, detail: `HTTP 200 with a web page (${type.split(';')[0]}) at ${url.pathname}${server}: a web site answers there, not the Password Safe API.`, hint: 'Check vault.hostname: it should be the Vault\'s address; for a Vault whose API is not Password Safe\'s, run with --tls-only.' };
    }
    if (s === 401 || s === 403 || s === 200) {
      return { ok: true, detail: `The Password Safe API answers at ${base.pathname} (HTTP ${s} without a session, as expected${server}).`, hint: '' };
    }
    if (s >= 300 && s < 400) {
      return { ok: false, detail: `HTTP ${s} redirect to ${res.headers.location ?? '(no location)'}${server}.`, hint: 'Use the final https URL of the Vault in vault.hostname; the ECM does not follow redirects.' };
    }
    if (s === 404) {
      return { ok: false, detail: `No Password Safe v3 API at ${base.pathname} (HTTP 404${server}).`, hint: 'Check vault.hostname; for a Vault whose API is not Password Safe\'s, run with --tls-only.' };
    }
    return { ok: false, detail: `HTTP ${s} from ${url.pathname}${server}${s >= 500 ? ' (a server error)' : ''}.`, hint: s >= 500 ? 'The Vault web service is failing: check its logs.' : 'Check vault.hostname.' };
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    if (err.name === 'TimeoutError' || /TIMEOUT/.test(err.code ?? '')) {
      return { ok: false, detail: `No HTTP answer within ${ms} ms.`, hint: 'The Vault accepted TLS but does not answer HTTP: check the Vault web service.' };
    }
    if (err.code?.startsWith('HPE_')) {
      return { ok: false, detail: `What answered is not an HTTP server (${err.code}): another service listens on this port behind TLS.`, hint: 'Check the port in vault.hostname: the Password Safe API is served over HTTPS, usually on 443.' };
    }
    throw new VaultError('http', `The HTTP request failed: ${err.code ?? err.message}.`);
  }
}
