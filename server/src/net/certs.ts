/**
 * Certificates for the sandbox Vault and the tests, made in-process (node-forge signs, Node makes the
 * keys): no network, no openssl binary. The sandbox CA is created once and reused from a cache folder
 * readable only by the user; it is name-constrained to loopback, so even a CA trusted by mistake can
 * vouch for nothing but this machine.
 */
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { isIP } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import forge from 'node-forge';

export interface CertBundle { certPem: string; keyPem: string }

export interface CertSpec {
  commonName: string;
  /** DNS names and IP literals for the Subject Alternative Names. */
  altNames?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Validity from now when notAfter is not given (default 365). */
  days?: number;
}

const DAY = 86_400_000;

function newKey(): { forgeKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return {
    keyPem,
    forgeKey: forge.pki.privateKeyFromPem(keyPem),
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

function baseCert(publicKey: forge.pki.rsa.PublicKey, spec: CertSpec): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive serial of 16 random bytes (top bit cleared).
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = spec.notBefore ?? new Date(Date.now() - 5 * 60_000);
  cert.validity.notAfter = spec.notAfter ?? new Date(cert.validity.notBefore.getTime() + (spec.days ?? 365) * DAY);
  cert.setSubject([{ name: 'commonName', value: spec.commonName }, { name: 'organizationName', value: 'ecmkit' }]);
  return cert;
}

function altNames(names: string[]): { type: number; value?: string; ip?: string }[] {
  return names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n }));
}

/** DER of a NameConstraints extension permitting only localhost, 127.0.0.0/8 and ::1. */
function loopbackNameConstraints(): string {
  const { asn1 } = forge;
  const subtree = (name: forge.asn1.Asn1) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [name]);
  const bytes = (b: number[]) => String.fromCharCode(...b);
  const permitted = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
    subtree(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, 'localhost')),
    subtree(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 7, false, bytes([127, 0, 0, 0, 255, 0, 0, 0]))),
    subtree(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 7, false, bytes([...Array(15).fill(0), 1, ...Array(16).fill(255)]))),
  ]);
  return asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [permitted])).getBytes();
}

/** A CA certificate; `loopbackOnly` adds name constraints limiting it to this machine's names. */
export function generateCa(spec: CertSpec & { loopbackOnly?: boolean } = { commonName: 'ecmkit CA' }): CertBundle {
  const key = newKey();
  const cert = baseCert(key.publicKey, { days: 3650, ...spec });
  cert.setIssuer(cert.subject.attributes);
  const ext: object[] = [
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (spec.loopbackOnly) ext.push({ id: '2.5.29.30', critical: true, value: loopbackNameConstraints() });
  cert.setExtensions(ext);
  cert.sign(key.forgeKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.keyPem };
}

/** A TLS server certificate signed by `ca`. */
export function issueCert(ca: CertBundle, spec: CertSpec): CertBundle {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const key = newKey();
  const cert = baseCert(key.publicKey, spec);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: altNames(spec.altNames ?? [spec.commonName]) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.keyPem };
}

/** A self-signed server certificate (what the ECM rejects; for tests and demonstrations). */
export function selfSignedCert(spec: CertSpec): CertBundle {
  const key = newKey();
  const cert = baseCert(key.publicKey, spec);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: altNames(spec.altNames ?? [spec.commonName]) },
  ]);
  cert.sign(key.forgeKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.keyPem };
}

/** `$ECMKIT_CACHE_DIR`, else the platform's user cache folder + `/ecmkit`. */
export function defaultCacheDir(): string {
  if (process.env.ECMKIT_CACHE_DIR) return process.env.ECMKIT_CACHE_DIR;
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'), 'ecmkit');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'ecmkit');
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'ecmkit');
}

export interface SandboxCerts {
  dir: string;
  caPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

export const SANDBOX_NAMES = ['localhost', '127.0.0.1', '::1'];

/**
 * The sandbox's CA and server certificate under `<cacheDir>/sandbox-ca/`, created on first use and
 * reused after (the server certificate is renewed 30 days before it expires or when the CA changed).
 * Safe when several processes start at once: files appear by atomic rename only.
 */
export async function ensureSandboxCerts(cacheDir = defaultCacheDir()): Promise<SandboxCerts> {
  try {
    await fs.mkdir(cacheDir, { recursive: true, mode: 0o700 });
    await fs.access(cacheDir, fsConstants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new Error(`Cannot create or write the folder for the sandbox's CA, ${cacheDir} (${code}): set ECMKIT_CACHE_DIR (or --cert-dir) to a folder this user can write.`);
  }
  const dir = path.join(cacheDir, 'sandbox-ca');
  let ca = await readBundle(dir, 'ca');
  if (!ca) {
    const tmp = await fs.mkdtemp(path.join(cacheDir, '.sandbox-ca-'));
    const fresh = generateCa({ commonName: `ecmkit sandbox CA (${os.hostname()})`, loopbackOnly: true });
    await writeBundle(tmp, 'ca', fresh);
    try {
      await fs.rename(tmp, dir);
    } catch {
      await fs.rm(tmp, { recursive: true, force: true }); // another process won the race: use its CA
    }
    ca = await readBundle(dir, 'ca');
    if (!ca) throw new Error(`Cannot read the sandbox CA in ${dir}.`);
  }
  await tightenPermissions(dir);
  let server = await readBundle(dir, 'server');
  if (!server || !serverCertUsable(server.certPem, ca.certPem)) {
    server = issueCert(ca, { commonName: 'localhost', altNames: SANDBOX_NAMES, days: 397 });
    await writeBundle(dir, 'server', server);
  }
  return { dir, caPath: path.join(dir, 'ca.pem'), caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };
}

function serverCertUsable(certPem: string, caPem: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    return cert.verify(ca.publicKey) && Date.parse(cert.validTo) - Date.now() > 30 * DAY && SANDBOX_NAMES.every((n) => (isIP(n) ? cert.checkIP(n) : cert.checkHost(n)));
  } catch {
    return false;
  }
}

async function readBundle(dir: string, name: string): Promise<CertBundle | undefined> {
  try {
    const [certPem, keyPem] = await Promise.all([fs.readFile(path.join(dir, `${name}.pem`), 'utf8'), fs.readFile(path.join(dir, `${name}-key.pem`), 'utf8')]);
    return { certPem, keyPem };
  } catch {
    return undefined;
  }
}

/** Writes `<name>.pem` (0644) and `<name>-key.pem` (0600), each through a temporary file and a rename. */
async function writeBundle(dir: string, name: string, b: CertBundle): Promise<void> {
  const put = async (file: string, data: string, mode: number): Promise<void> => {
    const tmp = path.join(dir, `.${file}.${process.pid}.${randomBytes(4).toString('hex')}`);
    await fs.writeFile(tmp, data, { mode, flag: 'wx' });
    await fs.chmod(tmp, mode); // umask cannot widen it, but make it exact
    await fs.rename(tmp, path.join(dir, file));
  };
  await put(`${name}-key.pem`, b.keyPem, 0o600);
  await put(`${name}.pem`, b.certPem, 0o644);
}

/** Keys owner-only, folder owner-only (a folder copied or unpacked with loose modes is fixed). */
async function tightenPermissions(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  await fs.chmod(dir, 0o700).catch(() => undefined);
  for (const f of await fs.readdir(dir)) {
    if (f.endsWith('-key.pem')) await fs.chmod(path.join(dir, f), 0o600).catch(() => undefined);
  }
}
