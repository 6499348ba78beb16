/**
 * Real parts for the `pull vault` tests: `ecmkit pull vault` run in-process with its own folder and
 * environment, the generated large workspace, and an HTTPS proxy in front of the sandbox that breaks
 * chosen calls the way networks and servers break (a 5xx, a connection cut in the middle of a page,
 * a server that ignores paging). No mocks: every answer that is not broken is the sandbox's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest, createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import { UsageError } from '../../server/src/cli/args';
import { runPullVault } from '../../server/src/cli/pullVault';
import type { CertBundle } from '../../server/src/net/certs';
import { editFile, SCRATCH } from './helpers';

export interface PullRun { code: number; stdout: string; stderr: string }

/** `ecmkit pull vault ARGS` in folder `cwd` with ECMKIT_VAULT_KEY=key; usage errors exit 2 as in main(). */
export async function pullCli(args: string[], cwd: string, key: string | undefined): Promise<PullRun> {
  let stdout = '';
  let stderr = '';
  const io = { cwd, env: key === undefined ? {} : { ECMKIT_VAULT_KEY: key }, stdout: (t: string) => { stdout += t; }, stderr: (t: string) => { stderr += t; } };
  let code: number;
  try {
    code = await runPullVault(args, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr += `ecmkit pull vault: ${e.message}\n`;
    code = 2;
  }
  return { code, stdout, stderr };
}

/** The gen:large workspace at a small size (YAML), with loopback allowed so the sandbox lets the tests in. */
export function largeWorkspace(o: { users: number; endpoints: number; credentials: number }): string {
  const out = mkdtempSync(path.join(SCRATCH, 'large-'));
  execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/gen-large.mjs'),
    '--users', String(o.users), '--jump-clients', String(o.endpoints), '--credentials', String(o.credentials), '--out', out], { stdio: 'ignore' });
  const dir = path.join(out, 'yaml');
  editFile(path.join(dir, 'ecm.integration.yaml'), [[/allowedIps: \[([^\]]*)\]/, 'allowedIps: [$1, 127.0.0.1]']]);
  return dir;
}

export type Fault = 'status500' | 'status403' | 'cut' | 'ignore-paging';

export interface FaultProxy {
  url: string;
  /** Break the next call whose path (lower-cased, query included) matches, or every such call when `times` is Infinity. */
  breakWhen(match: RegExp, fault: Fault, times?: number): void;
  /** Paths the proxy forwarded or broke, in order. */
  seen: string[];
  close(): Promise<void>;
}

/** An HTTPS server (certificate `cert`) forwarding to the sandbox at `target` (trusting `targetCa`). */
export async function faultProxy(target: string, targetCa: string, cert: CertBundle): Promise<FaultProxy> {
  const rules: { match: RegExp; fault: Fault; left: number }[] = [];
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const upstream = new URL(target);
  const server: Server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const url = req.url ?? '/';
    seen.push(url);
    const rule = rules.find((r) => r.left > 0 && r.match.test(url.toLowerCase()));
    if (rule) rule.left--;
    if (rule?.fault === 'status500' || rule?.fault === 'status403') {
      const status = rule.fault === 'status500' ? 500 : 403;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 500 ? 'Internal Server Error' : 'Forbidden');
      return;
    }
    let forwardPath = url;
    if (rule?.fault === 'ignore-paging') {
      const u = new URL(url, 'https://x');
      u.searchParams.delete('limit');
      u.searchParams.delete('offset');
      forwardPath = u.pathname + u.search;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const up = httpsRequest({ host: upstream.hostname, port: upstream.port, path: forwardPath, method: req.method, headers: req.headers, ca: targetCa }, (ur) => {
        const body: Buffer[] = [];
        ur.on('data', (c: Buffer) => body.push(c));
        ur.on('end', () => {
          const all = Buffer.concat(body);
          const headers = { ...ur.headers };
          if (rule?.fault === 'cut') {
            // Headers and half the page, then the connection drops.
            res.writeHead(ur.statusCode ?? 200, headers);
            res.write(all.subarray(0, Math.max(1, all.length >> 1)));
            setTimeout(() => req.socket.destroy(), 20);
            return;
          }
          res.writeHead(ur.statusCode ?? 200, headers);
          res.end(all);
        });
      });
      up.on('error', () => { res.writeHead(502); res.end(); });
      up.end(Buffer.concat(chunks));
    });
  });
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    breakWhen(match, fault, times = 1) { rules.push({ match, fault, left: times }); },
    seen,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); for (const s of sockets) s.destroy(); }),
  };
}

export function readBytes(file: string): Buffer {
  return readFileSync(file);
}
