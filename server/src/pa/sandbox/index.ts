/**
 * startPaSandbox(): the PA site's Configuration API subset (api.ts) served from the workspace's PA file
 * over HTTPS on 127.0.0.1, the way the Vault sandbox is (net/sandboxServer.ts: the sandbox CA, re-read
 * on change). One API account: its client id and secret come from the caller (or are made up here).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { startSandboxServer, type SandboxAddress, type SandboxPlace } from '../../net/sandboxServer';
import { PaSandboxApi, type PaApiStats, type PaLogEntry } from './api';
import { loadPaModel, type PaSandboxModel } from './model';

export interface PaSandboxOptions extends SandboxPlace {
  /** The API account's OAuth client id (default `ecmkit-sandbox`) and secret (default: random). */
  clientId?: string;
  clientSecret?: string;
  perSecond?: number;
  perHour?: number;
  tokenSeconds?: number;
  now?: () => number;
  onLog?: (e: PaLogEntry) => void;
  onWarning?: (message: string) => void;
}

/** `url`: give it as --site. */
export interface PaSandbox extends SandboxAddress {
  clientId: string;
  clientSecret: string;
  stats: PaApiStats;
  model(): PaSandboxModel;
  reload(): Promise<void>;
  /** Every issued token stops working (the next call of a client gets 401). */
  revokeTokens(): void;
  /** A new client secret: the old one and its tokens stop working. */
  regenerateSecret(secret: string): void;
  /** Off: every API call gets 403 (the account lacks Configuration API permission). */
  setConfigurationPermission(on: boolean): void;
  close(): Promise<void>;
}

export async function startPaSandbox(opts: PaSandboxOptions = {}): Promise<PaSandbox> {
  const dir = path.resolve(opts.workspace ?? '.');
  const model = await loadPaModel(dir);
  for (const w of model.warnings) opts.onWarning?.(w);
  const account = { clientId: opts.clientId ?? 'ecmkit-sandbox', clientSecret: opts.clientSecret ?? randomBytes(24).toString('base64url') };
  let api: PaSandboxApi | undefined;
  const server = await startSandboxServer({
    place: opts,
    dir,
    initial: model,
    load: () => loadPaModel(dir),
    handler: (current) => {
      api = new PaSandboxApi(current, { account, perSecond: opts.perSecond, perHour: opts.perHour, tokenSeconds: opts.tokenSeconds, now: opts.now, onLog: opts.onLog });
      return (req, res) => api!.handle(req, res);
    },
  });
  api!.host = new URL(server.url).host;
  return {
    url: server.url,
    port: server.port,
    caPath: server.caPath,
    caPem: server.caPem,
    clientId: account.clientId,
    clientSecret: account.clientSecret,
    stats: api!.stats,
    model: server.model,
    reload: server.reload,
    revokeTokens: () => api!.revokeTokens(),
    regenerateSecret: (s) => api!.regenerateSecret(s),
    setConfigurationPermission: (on) => { api!.configurationPermission = on; },
    close: server.close,
  };
}

export type { PaSandboxModel } from './model';
export type { PaLogEntry, PaApiStats } from './api';
