/**
 * startSandbox(): the sandbox Vault as a library, for the CLI, the broker, the editor and the tests.
 * HTTPS on 127.0.0.1 only, with the cached loopback-only CA; the workspace is re-read after any change
 * to its files (debounced, and before the next request at the latest).
 */
import { watchFiles, type FileWatch } from '../../model/watchFiles';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import { Workspace } from '../../model/workspace';
import { ensureSandboxCerts } from '../../net/certs';
import { SandboxApi, type CheckoutState, type SandboxLogEntry } from './api';
import { buildModel, type KeySource, type SandboxModel } from './model';

export interface SandboxOptions extends KeySource {
  /** Folder whose ecmkit files define the Vault (default: the current folder). */
  workspace?: string;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Where the CA and server certificate are cached (default: the user cache folder, see certs.ts). */
  certDir?: string;
  /** Watch the workspace for changes (default true). */
  watch?: boolean;
  sessionIdleMs?: number;
  now?: () => number;
  onLog?: (e: SandboxLogEntry) => void;
  /** Warnings about the workspace (no Vault file, a key that cannot be resolved…), after each (re)load. */
  onWarning?: (message: string) => void;
}

export interface Sandbox {
  /** `https://127.0.0.1:PORT` — use as vault.hostname. */
  url: string;
  port: number;
  /** PEM file of the CA that issued the sandbox certificate (pass as `ca` / --ca). */
  caPath: string;
  caPem: string;
  /** Re-reads the workspace now (changes are also picked up on their own). */
  reload(): Promise<void>;
  model(): SandboxModel;
  activeRequests(): CheckoutState[];
  close(): Promise<void>;
}

export class SandboxKeyError extends Error {}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const dir = path.resolve(opts.workspace ?? '.');
  const load = async (): Promise<SandboxModel> => buildModel(await Workspace.load([dir]), opts);
  let model = await load();
  for (const w of model.warnings) opts.onWarning?.(w);
  if (model.integrations.length > 0 && model.integrations.every((i) => i.keyProblem)) {
    throw new SandboxKeyError(`The sandbox cannot know its API key. ${model.integrations.map((i) => i.keyProblem).join(' ')}`);
  }

  let dirty = false;
  let reloading: Promise<void> | undefined;
  const reload = async (): Promise<void> => {
    dirty = false;
    try {
      model = await load();
      for (const w of model.warnings) opts.onWarning?.(w);
    } catch (e) {
      opts.onWarning?.(`Could not re-read the workspace (${(e as Error).message}); still serving the previous version.`);
    }
  };
  const api = new SandboxApi(() => model, { secrets: opts.secrets, sessionIdleMs: opts.sessionIdleMs, now: opts.now, onLog: opts.onLog });

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
    reload,
    model: () => model,
    activeRequests: () => api.activeRequests(),
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

export type { CheckoutState, SandboxLogEntry } from './api';
export type { SandboxModel } from './model';
