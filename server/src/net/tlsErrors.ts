/**
 * Which TLS failure a Node/OpenSSL error is (self-signed, unknown issuer, expired, wrong name, old
 * protocol…), from its code and message. Each client words the case for its own server (vault/tlsErrors.ts,
 * pa/errors.ts).
 */
export type TlsCase =
  | 'self-signed' | 'unknown-issuer' | 'expired' | 'not-yet-valid' | 'hostname-mismatch'
  | 'old-protocol' | 'not-tls' | 'handshake';

export function classifyTlsError(err: { code?: string; message?: string }): TlsCase | undefined {
  const code = err.code ?? '';
  const msg = (err.message ?? '').toLowerCase();
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT': return 'self-signed';
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_UNTRUSTED':
      return 'unknown-issuer';
    case 'CERT_HAS_EXPIRED': return 'expired';
    case 'CERT_NOT_YET_VALID': return 'not-yet-valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID': return 'hostname-mismatch';
  }
  if (/UNSUPPORTED_PROTOCOL|PROTOCOL_VERSION|NO_PROTOCOLS_AVAILABLE|VERSION_TOO_LOW/.test(code) || /unsupported protocol|protocol version/.test(msg)) return 'old-protocol';
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/.test(code) || /wrong version number|http request/.test(msg)) return 'not-tls';
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || /^(CERT_|INVALID_CA|EE_KEY|CA_KEY|CA_MD|UNABLE_TO_)/.test(code)) return 'handshake';
  return undefined;
}
