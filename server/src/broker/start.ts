/**
 * startBroker(): the local broker as a library (the CLI, the tests, the benchmark). Loads the workspace,
 * optionally starts the sandbox Vault and points every ECM at it, writes the bearer token to a file only
 * the user can read, listens on 127.0.0.1, follows file changes, and on close checks every lease in.
 */
import { randomBytes } from 'node:crypto';
import { watchFiles, type FileWatch } from '../model/watchFiles';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { siteOfEcm, sitesOf } from '../domain/site';
import { envSecrets, resolveSecret, type SecretLookup } from '../model/secrets';
import { Workspace } from '../model/workspace';
import { pathToUri } from '../model/platformPaths';
import type { UserOnlyPlatform } from '../model/userOnly';
import { startSandbox, type Sandbox } from '../vault/sandbox';
import { Broker } from './broker';
import { workspaceProblems } from './problems';
import type { Overrides } from '../engine/check';
import { BrokerLog } from './log';
import { createBrokerServer, type HttpLimits } from './server';
import { removeToken, writeToken } from './tokenFile';
import type { VaultPlan } from './vaultTargets';

export interface BrokerStartOptions {
  /** Workspace folder (default: the folder of `ecmFile`, else the current folder). */
  workspace?: string;
  /** An ECM file: its site is served, and it connects first. */
  ecmFile?: string;
  port?: number;
  /** Start the sandbox Vault from the workspace and use it for every ECM. */
  sandbox?: boolean;
  /** Use this Vault for every ECM instead of each ECM's vault.hostname (e.g. a sandbox started elsewhere). */
  vaultUrl?: string;
  /** Extra CA (PEM text) for the Vault's certificate. */
  ca?: string;
  /** Where to write the token (default: a new folder under the OS temp folder). */
  tokenFile?: string;
  leaseMs?: number;
  /** Sign in to the Vault again after a session was idle this long (default 15 min; Password Safe idles out after 20). */
  sessionIdleMs?: number;
  /** The shared key of every ECM (and, with `sandbox`, the sandbox's API key), instead of resolving each ECM's reference. */
  sharedKey?: string;
  secrets?: SecretLookup;
  /** Rule severities (the workspace's ecmkit.rules), for the problem count said at start. */
  overrides?: Overrides;
  log?: BrokerLog;
  watch?: boolean;
  timeoutMs?: number;
  /** Where the sandbox keeps its CA (default: the user cache folder). */
  certDir?: string;
  /** HTTP limits against hostile or broken clients (tests shorten the time limits); see server.ts. */
  http?: Partial<HttpLimits>;
  /** How the token file is made user-only (default: this platform's way; tests drive Windows' ACL). */
  userOnly?: UserOnlyPlatform;
}

export interface RunningBroker {
  url: string;
  port: number;
  tokenPath: string;
  /** The bearer token (the library caller started the broker, so it may have it). */
  token: string;
  broker: Broker;
  sandbox?: Sandbox;
  log: BrokerLog;
  close(): Promise<void>;
}

export async function startBroker(o: BrokerStartOptions = {}): Promise<RunningBroker> {
  const log = o.log ?? new BrokerLog();
  const secrets = o.secrets ?? envSecrets;
  const dir = path.resolve(o.workspace ?? (o.ecmFile ? path.dirname(o.ecmFile) : '.'));
  const inputs = o.ecmFile ? [dir, path.resolve(o.ecmFile)] : [dir];
  const ws = await Workspace.load(inputs);

  let ecmName: string | undefined;
  if (o.ecmFile) {
    const file = ws.get(pathToUri(path.resolve(o.ecmFile)));
    const entry = ws.of('ecm').find((e) => e.file === file);
    if (!entry) throw new Error(`${o.ecmFile} is not an ECM file (*.ecm.yaml, *.ecm.yml or *.ecm.json).`);
    ecmName = typeof entry.value.name === 'string' ? entry.value.name : undefined;
  }
  if (!(siteOfEcm(ws, ecmName) ?? sitesOf(ws).find((s) => s.ecms.length))) throw new Error(`No ECM file (*.ecm.yaml) under ${dir}: the broker has no ECM to play.`);
  // Said before anything else: answers from files with errors follow those errors.
  let problems = workspaceProblems(ws, o.overrides);
  if (problems.errors) log.emit({ type: 'problems', at: 'start', ...problems });

  const plan: VaultPlan = { secrets, timeoutMs: o.timeoutMs, hostname: o.vaultUrl, ca: o.ca, apiKey: o.sharedKey };
  let sandbox: Sandbox | undefined;
  if (o.sandbox) {
    // The real keys when every ECM's and integration's key resolves; else one key for both sides, for this run only.
    const keys = [...ws.of('ecm').map((e) => e.value.vault?.sharedKey), ...ws.of('integration').map((i) => i.value.authenticationCredential)];
    const allResolve = keys.every((k) => { try { return !!resolveSecret(k, secrets); } catch { return false; } });
    if (!allResolve && !plan.apiKey) {
      plan.apiKey = randomBytes(24).toString('base64url');
      log.emit({ type: 'warning', message: 'Not every shared key resolves (set ECMKIT_SECRET_… or store the secret in VS Code): the sandbox and the broker use a one-time key for this run.' });
    }
    sandbox = await startSandbox({
      workspace: dir, secrets, apiKey: plan.apiKey, watch: o.watch ?? true, certDir: o.certDir,
      onWarning: (message) => log.emit({ type: 'warning', message: `sandbox: ${message}` }),
      // Refusals explain Vault-side failures; the health probe's expected 401 on the API root is not one.
      onLog: (e) => { if (e.status >= 400 && !/\/v3\/?$/i.test(e.path)) log.emit({ type: 'sandbox', method: e.method, path: e.path, status: e.status, reason: e.reason, runAs: e.runAs }); },
    });
    plan.hostname = sandbox.url;
    plan.ca = sandbox.caPem;
    log.emit({ type: 'info', message: `sandbox Vault at ${sandbox.url} (CA ${sandbox.caPath})` });
  }

  const broker = new Broker(ws, { ecm: ecmName, vault: plan, log, leaseMs: o.leaseMs, sessionIdleMs: o.sessionIdleMs });
  const token = randomBytes(32).toString('base64url');
  let tokenPath: string;
  try {
    tokenPath = await writeToken(token, o.tokenFile, o.userOnly);
  } catch (e) {
    await sandbox?.close();
    throw e;
  }

  let port = 0;
  const server = createBrokerServer(broker, token, log, () => port, o.http);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port ?? 0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
  } catch (e) {
    await sandbox?.close();
    await removeToken(tokenPath, o.tokenFile);
    throw e;
  }
  port = (server.address() as AddressInfo).port;

  // Follow the files: an edit of an ECM, Vault or PA file applies to the next request.
  let watcher: FileWatch | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (o.watch ?? true) {
    watcher = watchFiles(dir, () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        Workspace.load(inputs).then((next) => {
          broker.setWorkspace(next);
          const now = workspaceProblems(next, o.overrides);
          if (now.errors !== problems.errors) log.emit({ type: 'problems', at: 'change', ...now });
          problems = now;
          log.emit({ type: 'info', message: 're-read the workspace files' });
        }, (e: Error) => log.emit({ type: 'warning', message: `could not re-read the workspace: ${e.message}` }));
      }, 150);
    }, (message) => log.emit({ type: 'warning', message }));
  }

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= (async () => {
    clearTimeout(timer);
    watcher?.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 2000).unref(); // a client holding a connection open cannot stall shutdown
    });
    await broker.close();
    await sandbox?.close();
    await removeToken(tokenPath, o.tokenFile);
  })());
  return { url: `http://127.0.0.1:${port}`, port, tokenPath, token, broker, sandbox, log, close };
}
