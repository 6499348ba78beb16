/**
 * Names a TLS failure the way an admin thinks of it (self-signed, unknown issuer, expired, wrong name,
 * old protocol), as net/tlsErrors.ts classifies it, in the Vault's words. Shared by the Vault client and the
 * connectivity test.
 */
import { classifyTlsError, type TlsCase } from '../net/tlsErrors';

export interface TlsDiagnosis {
  tlsCase: TlsCase;
  sentence: string;
  hint: string;
}

const CA_HINT = 'Give ecmkit the issuing CA (setting ecmkit.vault.caFile, CLI --ca FILE); the ECM machine must trust that CA too (Windows certificate store, Trusted Root Certification Authorities).';

export function diagnoseTlsError(err: { code?: string; message?: string }, host = 'the Vault'): TlsDiagnosis | undefined {
  const code = err.code ?? '';
  switch (classifyTlsError(err)) {
    case 'self-signed':
      return {
        tlsCase: 'self-signed',
        sentence: `The certificate of ${host} is self-signed; the ECM rejects self-signed certificates.`,
        hint: 'Replace it with a certificate issued by a CA (your internal CA is fine) whose root the ECM machine trusts.',
      };
    case 'unknown-issuer':
      return {
        tlsCase: 'unknown-issuer',
        sentence: `The certificate of ${host} is issued by a CA that is not trusted here (${code}).`,
        hint: CA_HINT + ' If the server omits its intermediate certificate, configure it to send the full chain.',
      };
    case 'expired':
      return { tlsCase: 'expired', sentence: `The certificate of ${host} has expired.`, hint: 'Renew the Vault certificate and restart its web service.' };
    case 'not-yet-valid':
      return {
        tlsCase: 'not-yet-valid',
        sentence: `The certificate of ${host} is not valid yet.`,
        hint: 'Check the clock of this machine and of the Vault, or wait until the certificate\'s start date.',
      };
    case 'hostname-mismatch':
      return {
        tlsCase: 'hostname-mismatch',
        sentence: `The certificate does not name ${host}: ${err.message ?? ''}`.trim(),
        hint: 'Use the host name the certificate was issued for in vault.hostname, or reissue the certificate with this name in its Subject Alternative Names.',
      };
    case 'old-protocol':
      return {
        tlsCase: 'old-protocol',
        sentence: `${host} offers only an old TLS version (TLS 1.0/1.1); TLS 1.2 or newer is required.`,
        hint: 'Enable TLS 1.2 (or 1.3) on the Vault web server.',
      };
    case 'not-tls':
      return {
        tlsCase: 'not-tls',
        sentence: `${host} does not speak TLS on this port (plain HTTP or another protocol answered).`,
        hint: 'Check the port in vault.hostname: the Vault API is served over https, normally on 443.',
      };
    case 'handshake':
      return {
        tlsCase: 'handshake',
        sentence: `The TLS handshake with ${host} failed (${code}).`,
        hint: 'Check the Vault certificate and TLS settings.',
      };
  }
  return undefined;
}
