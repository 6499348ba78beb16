/**
 * Real parts for the Vault tests: temporary workspaces copied from examples/, TLS servers with generated
 * certificates, a port with nothing listening, a TCP server that never answers. No mocks.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer, type TlsOptions } from 'node:tls';
import { generateCa, issueCert, selfSignedCert, type CertBundle, type CertSpec } from '../../server/src/net/certs';

export const EXAMPLES = path.resolve(__dirname, '../../examples');
/** A key value only tests use; every test asserts it never shows up in output. */
export const TEST_KEY = 'tEsT-sHaReD-kEy-7f3a9c';
export const KEY_ENV = 'ECMKIT_SECRET_VAULT_SHAREDKEY';

/** One scratch folder per test process: the sandbox CA cache and workspaces live there. */
export const SCRATCH = mkdtempSync(path.join(tmpdir(), 'ecmkit-vault-test-'));
export const CERT_DIR = path.join(SCRATCH, 'cache');
process.on('exit', () => rmSync(SCRATCH, { recursive: true, force: true }));

/** A copy of examples/ with optional text edits per file name: [search, replace] pairs. */
export function workspace(edits: Record<string, [string | RegExp, string][]> = {}): string {
  const dir = mkdtempSync(path.join(SCRATCH, 'ws-'));
  cpSync(EXAMPLES, dir, { recursive: true });
  for (const [file, pairs] of Object.entries(edits)) editFile(path.join(dir, file), pairs);
  return dir;
}

export function editFile(file: string, pairs: [string | RegExp, string][]): void {
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of pairs) {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`edit of ${file} did not apply: ${String(from)}`);
    text = next;
  }
  writeFileSync(file, text);
}

export function writeFile(file: string, text: string): void {
  writeFileSync(file, text);
}

const DAY = 86_400_000;

/** Certificates for every TLS case, made once per test file (key generation is the slow part). */
export function certSet() {
  const ca = generateCa({ commonName: 'ecmkit test CA' });
  const names = ['localhost', '127.0.0.1'];
  const spec = (s: Partial<CertSpec>): CertSpec => ({ commonName: 'localhost', altNames: names, ...s });
  return {
    ca,
    good: issueCert(ca, spec({})),
    expiring: issueCert(ca, spec({ notBefore: new Date(Date.now() - 300 * DAY), notAfter: new Date(Date.now() + 10 * DAY) })),
    expired: issueCert(ca, spec({ notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) })),
    notYetValid: issueCert(ca, spec({ notBefore: new Date(Date.now() + 2 * DAY), notAfter: new Date(Date.now() + 300 * DAY) })),
    wrongName: issueCert(ca, { commonName: 'vault.other.example', altNames: ['vault.other.example'] }),
    selfSigned: selfSignedCert(spec({})),
  };
}

export interface Listening { port: number; url: string; close(): Promise<void> }

function track(server: NetServer | TlsServer): { sockets: Set<Socket>; close(): Promise<void> } {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return {
    sockets,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); for (const s of sockets) s.destroy(); }),
  };
}

async function listen(server: NetServer | TlsServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * A TLS server that answers any request with a fixed HTTP response (enough for the tls and http stages),
 * or with `raw` bytes exactly as given (not HTTP, a web page, …).
 */
export async function tlsServer(cert: CertBundle, extra: TlsOptions = {}, status = 401, raw?: string): Promise<Listening> {
  const server = createTlsServer({ key: cert.keyPem, cert: cert.certPem, ...extra }, (s) => {
    s.on('data', () => s.end(raw ?? `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n""`));
    s.on('error', () => undefined);
  });
  server.on('tlsClientError', () => undefined);
  const t = track(server);
  const port = await listen(server);
  return { port, url: `https://127.0.0.1:${port}`, close: t.close };
}

/** Accepts TCP connections and never sends a byte. */
export async function silentServer(): Promise<Listening> {
  const server = createTcpServer((s) => s.on('error', () => undefined));
  const t = track(server);
  const port = await listen(server);
  return { port, url: `https://127.0.0.1:${port}`, close: t.close };
}

/** A port that was free a moment ago: nothing listens there. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export function assertNoSecret(text: string, secrets: string[] = [TEST_KEY]): void {
  for (const s of secrets) if (text.includes(s)) throw new Error(`a secret leaked into: ${text.slice(0, 200)}`);
}
