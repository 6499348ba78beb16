/**
 * startPaSandbox(): the PA site's Configuration API subset (api.ts) served from the workspace's PA file
 * over HTTPS on 127.0.0.1, with the cached loopback-only sandbox CA (net/certs.ts) the Vault sandbox uses.
 * The workspace is re-read after any change to its files (debounced, and before the next request at the
 * latest). One API account: its client id and secret come from the caller (or are made up here).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import { watchFiles, type FileWatch } from '../../model/watchFiles';
import { ensureSandboxCerts } from '../../net/certs';
import { PaSandboxApi, type PaApiStats, type PaLogEntry } from './api';
import { loadPaModel, type PaSandboxModel } from './model';

export interface PaSandboxOptions {
  /** Folder whose PA file is served (default: the current folder). */
  workspace?: string;
  port?: number;
  certDir?: string;
  /** The API account's OAuth client id (default `ecmkit-sandbox`) and secret (default: random). */
  clientId?: string;
  clientSecret?: string;
  perSecond?: number;
  perHour?: number;
  tokenSeconds?: number;
  watch?: boolean;
  now?: () => number;
  onLog?: (e: PaLogEntry) => void;
  onWarning?: (message: string) => void;
}

export interface PaSandbox {
  /** `https://127.0.0.1:PORT`: give it as --site. */
  url: string;
  port: number;
  caPath: string;
  caPem: string;
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
  let model = await loadPaModel(dir);
  for (const w of model.warnings) opts.onWarning?.(w);
  let dirty = false;
  let reloading: Promise<void> | undefined;
  const reload = async (): Promise<void> => {
    dirty = false;
    try {
      model = await loadPaModel(dir);
      for (const w of model.warnings) opts.onWarning?.(w);
    } catch (e) {
      opts.onWarning?.(`Could not re-read the workspace (${(e as Error).message}); still serving the previous version.`);
    }
  };
  const account = { clientId: opts.clientId ?? 'ecmkit-sandbox', clientSecret: opts.clientSecret ?? randomBytes(24).toString('base64url') };
  const api = new PaSandboxApi(() => model, { account, perSecond: opts.perSecond, perHour: opts.perHour, tokenSeconds: opts.tokenSeconds, now: opts.now, onLog: opts.onLog });

  const certs = await ensureSandboxCerts(opts.certDir);
  const server: Server = createServer({ key: certs.keyPem, cert: certs.certPem, minVersion: 'TLSv1.2' }, (req, res) => {
    const go = async (): Promise<void> => {
      if (dirty) await (reloading ??= reload().finally(() => { reloading = undefined; }));
      await api.handle(req, res);
    };
    void go();
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('tlsClientError', () => undefined); // a client that rejects our CA is the client's business
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  api.host = `127.0.0.1:${port}`;

  let watcher: FileWatch | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (opts.watch ?? true) {
    watcher = watchFiles(dir, () => {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(() => { if (dirty) void (reloading ??= reload().finally(() => { reloading = undefined; })); }, 100);
    }, (message) => opts.onWarning?.(`Cannot follow the files: ${message}`));
  }

  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caPath: certs.caPath,
    caPem: certs.caPem,
    clientId: account.clientId,
    clientSecret: account.clientSecret,
    stats: api.stats,
    model: () => model,
    reload,
    revokeTokens: () => api.revokeTokens(),
    regenerateSecret: (s) => api.regenerateSecret(s),
    setConfigurationPermission: (on) => { api.configurationPermission = on; },
    async close() {
      clearTimeout(timer);
      watcher?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

export type { PaSandboxModel } from './model';
export type { PaLogEntry, PaApiStats } from './api';
