/**
 * The network stages of the connectivity test: dns (every address), tcp (first address that answers),
 * tls (verified against system roots + an optional CA; the certificate is described even when rejected).
 * Verification is never relaxed: the certificate is read from the handshake before Node rejects it.
 */
import * as dns from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { secureContextFor } from '../net/tls';
import { diagnoseTlsError } from './tlsErrors';

export interface StageOutcome { ok: boolean; detail: string; hint: string; warning?: boolean }

export function withDeadline<T>(p: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => resolve(onTimeout()), Math.max(0, ms));
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

export async function dnsStage(host: string, ms: number): Promise<StageOutcome & { addresses: string[] }> {
  if (isIP(host)) return { ok: true, addresses: [host], detail: `${host} is an IP address; no lookup needed.`, hint: '' };
  try {
    const found = await withDeadline<{ address: string; family: number }[] | 'timeout'>(dns.lookup(host, { all: true, verbatim: true }), ms, () => 'timeout');
    if (found === 'timeout') {
      return { ok: false, addresses: [], detail: `No DNS answer for ${host} within ${ms} ms.`, hint: 'Check the DNS servers of this machine (and of the ECM machine).' };
    }
    const addresses = [...new Set(found.map((a) => a.address))];
    return { ok: true, addresses, detail: `${host} → ${addresses.join(', ')}`, hint: addresses.length > 1 ? 'Several addresses: the ECM may use any of them, so each must serve the Vault.' : '' };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      addresses: [],
      detail: code === 'ENOTFOUND' ? `${host} does not resolve (no DNS record).` : `DNS lookup of ${host} failed (${code ?? (e as Error).message}).`,
      hint: 'Check the spelling of vault.hostname, and that this machine and the ECM machine use a DNS server that knows it.',
    };
  }
}

export async function tcpStage(addresses: string[], port: number, ms: number): Promise<StageOutcome & { address?: string; localAddress?: string }> {
  const deadline = Date.now() + ms;
  const failures: string[] = [];
  for (const address of addresses) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const r = await connectOnce(address, port, left);
    if (r.ok) {
      const tried = failures.length ? ` (after ${failures.join('; ')})` : '';
      return { ok: true, address, localAddress: r.localAddress, detail: `Connected to ${fmt(address, port)} from ${r.localAddress ?? 'this machine'}${tried}.`, hint: failures.length ? 'Some addresses did not answer; the ECM may pick one of those.' : '' };
    }
    failures.push(`${fmt(address, port)}: ${r.error}`);
  }
  const refused = failures.some((f) => f.includes('refused'));
  return {
    ok: false,
    detail: failures.length ? `No address accepted a connection: ${failures.join('; ')}.` : `No time left to connect to port ${port} (${ms} ms).`,
    hint: refused
      ? `Nothing listens on port ${port}: check the port in vault.hostname and that the Vault web service is running.`
      : 'A firewall may drop the traffic, or the host is down: check routing and firewall rules between this machine (and the ECM) and the Vault.',
  };
}

function connectOnce(host: string, port: number, ms: number): Promise<{ ok: boolean; error?: string; localAddress?: string }> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (r: { ok: boolean; error?: string; localAddress?: string }): void => { clearTimeout(timer); s.destroy(); resolve(r); };
    const timer = setTimeout(() => done({ ok: false, error: `no answer within ${ms} ms` }), ms);
    s.once('connect', () => done({ ok: true, localAddress: s.localAddress }));
    s.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'EHOSTUNREACH' ? 'host unreachable' : e.code ?? e.message }));
    s.connect({ host, port });
  });
}

export interface CertSummary { subject: string; issuer: string; sans: string[]; validFrom: string; validTo: string; daysLeft: number; selfSigned: boolean }

export function summarizeCert(c: DetailedPeerCertificate | undefined): CertSummary | undefined {
  if (!c || !c.subject) return undefined;
  const name = (n: Record<string, string | string[]> | undefined): string =>
    n ? Object.entries(n).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(', ') : '';
  const issuerCert = c.issuerCertificate;
  const subject = name(c.subject as unknown as Record<string, string>);
  const issuer = name(c.issuer as unknown as Record<string, string>);
  const selfSigned = issuerCert ? issuerCert === c || issuerCert.fingerprint256 === c.fingerprint256 : subject === issuer;
  return {
    subject,
    issuer,
    sans: (c.subjectaltname ?? '').split(/,\s*/).filter(Boolean),
    validFrom: new Date(c.valid_from).toISOString().slice(0, 10),
    validTo: new Date(c.valid_to).toISOString().slice(0, 10),
    daysLeft: Math.floor((Date.parse(c.valid_to) - Date.now()) / 86_400_000),
    selfSigned,
  };
}

export function describeCert(s: CertSummary): string {
  const days = s.daysLeft >= 0 ? `${s.daysLeft} days left` : `expired ${-s.daysLeft} days ago`;
  return `subject ${s.subject}; issuer ${s.issuer}; SANs ${s.sans.join(', ') || '(none)'}; valid ${s.validFrom} to ${s.validTo} (${days})`;
}

export async function tlsStage(
  address: string, port: number, hostname: string, ca: string | Buffer | (string | Buffer)[] | undefined, ms: number,
): Promise<StageOutcome & { cert?: CertSummary; protocol?: string }> {
  const servername = isIP(hostname) ? undefined : hostname;
  return new Promise((resolve) => {
    let peer: DetailedPeerCertificate | undefined;
    const capture = (): void => {
      const c = socket.getPeerCertificate(true);
      if (c && c.subject) peer = c;
    };
    // requestOCSP makes Node emit OCSPResponse after the certificate arrived and before it is judged,
    // which is when we can read it; the verdict itself stays Node's.
    // (requestOCSP is a documented TLSSocket option that @types/node leaves out of ConnectionOptions.)
    const options: ConnectionOptions & { requestOCSP: boolean } = { host: address, port, servername, secureContext: secureContextFor(ca), minVersion: 'TLSv1.2', requestOCSP: true };
    const socket: TLSSocket = tlsConnect(options);
    const finish = (r: StageOutcome & { cert?: CertSummary; protocol?: string }): void => { clearTimeout(timer); socket.destroy(); resolve(r); };
    const timer = setTimeout(() => finish({
      ok: false,
      cert: summarizeCert(peer),
      detail: `No TLS handshake within ${ms} ms: the server accepted the connection but did not answer.`,
      hint: 'The port may not serve TLS, or the server is overloaded. Check the port in vault.hostname.',
    }), Math.max(1, ms));
    socket.on('OCSPResponse', () => capture());
    socket.once('secureConnect', () => {
      capture();
      const cert = summarizeCert(peer);
      const protocol = socket.getProtocol() ?? '';
      const cipher = socket.getCipher()?.name ?? '';
      if (!cert) return finish({ ok: false, detail: 'The server sent no certificate.', hint: 'Configure a certificate on the Vault web server.' });
      if (cert.selfSigned) {
        return finish({
          ok: false, cert, protocol,
          detail: `The certificate is self-signed (trusted here only because the given CA file is that certificate); the ECM rejects self-signed certificates. ${describeCert(cert)}.`,
          hint: 'Issue the Vault certificate from a CA (an internal CA is fine) and give that CA with --ca / ecmkit.vault.caFile.',
        });
      }
      const warning = cert.daysLeft < 30;
      finish({
        ok: true, cert, protocol, warning,
        detail: `${protocol} ${cipher}; ${describeCert(cert)}.${warning ? ` Warning: the certificate expires in ${cert.daysLeft} days.` : ''}`,
        hint: warning ? `Renew the Vault certificate before ${cert.validTo}; the ECM stops injecting when it expires.` : '',
      });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      const cert = summarizeCert(peer);
      const d = diagnoseTlsError(e, hostname);
      finish({
        ok: false, cert,
        detail: `${d?.sentence ?? `The TLS handshake failed (${e.code ?? e.message}).`}${cert ? ` ${describeCert(cert)}.` : ''}`,
        hint: d?.hint ?? (e.code === 'ECONNRESET' ? 'The server closed the connection during the handshake: it may not speak TLS 1.2+, or a proxy interferes.' : 'Check the Vault certificate and TLS settings.'),
      });
    });
  });
}

function fmt(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}
