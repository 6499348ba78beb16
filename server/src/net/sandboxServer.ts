/**
 * What both sandboxes (the Vault's, the PA site's) are made of: an HTTPS server on 127.0.0.1 with the
 * cached loopback-only sandbox CA (certs.ts), serving a model built from a workspace folder and built
 * again after any change to its files (debounced, and before the next request at the latest).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { watchFiles, type FileWatch } from '../model/watchFiles';
import { ensureSandboxCerts } from './certs';

/** Where a sandbox serves from and listens: the options both sandboxes take. */
export interface SandboxPlace {
  /** Folder whose ecmkit files the sandbox serves (default: the current folder). */
  workspace?: string;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Where the CA and server certificate are cached (default: the user cache folder, see certs.ts). */
  certDir?: string;
  /** Watch the workspace for changes (default true). */
  watch?: boolean;
}

/** What a running sandbox says about where it is. */
export interface SandboxAddress {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** PEM file of the CA that issued the sandbox certificate (pass as `ca` / --ca). */
  caPath: string;
  caPem: string;
}

export interface SandboxServerOptions<M extends { warnings: string[] }> {
  /** The caller's options: port, CA folder, watching, and where warnings go. */
  place: Omit<SandboxPlace, 'workspace'> & { onWarning?(message: string): void };
  /** The workspace folder (resolved), watched for changes. */
  dir: string;
  /** The model as first read (the caller may refuse to start on it, and says its warnings). */
  initial: M;
  /** Reads the model again; its warnings are said after each re-read. */
  load(): Promise<M>;
  /** The request handler, given the current model. */
  handler(model: () => M): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export interface SandboxServer<M> extends SandboxAddress {
  model(): M;
  /** Re-reads the workspace now (changes are also picked up on their own). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function startSandboxServer<M extends { warnings: string[] }>(o: SandboxServerOptions<M>): Promise<SandboxServer<M>> {
  const { port: listenPort, certDir, watch, onWarning } = o.place;
  let model = o.initial;
  let dirty = false;
  let reloading: Promise<void> | undefined;
  const reload = async (): Promise<void> => {
    dirty = false;
    try {
      model = await o.load();
      for (const w of model.warnings) onWarning?.(w);
    } catch (e) {
      onWarning?.(`Could not re-read the workspace (${(e as Error).message}); still serving the previous version.`);
    }
  };
  const reloadOnce = (): Promise<void> => (reloading ??= reload().finally(() => { reloading = undefined; }));
  const handle = o.handler(() => model);

  const certs = await ensureSandboxCerts(certDir);
  const server: Server = createServer({ key: certs.keyPem, cert: certs.certPem, minVersion: 'TLSv1.2' }, (req, res) => {
    const go = async (): Promise<void> => {
      if (dirty) await reloadOnce();
      await handle(req, res);
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
    server.listen(listenPort ?? 0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;

  let watcher: FileWatch | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (watch ?? true) {
    watcher = watchFiles(o.dir, () => {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(() => { if (dirty) void reloadOnce(); }, 100);
    }, (message) => onWarning?.(`Cannot follow the files: ${message}`));
  }

  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caPath: certs.caPath,
    caPem: certs.caPem,
    model: () => model,
    reload,
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
