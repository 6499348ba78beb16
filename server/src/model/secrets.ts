import { secretEnvName } from '../../../protocol/ipc';
/**
 * Secret references (`${secret:NAME}`, `${env:VAR}`). Values are resolved only where they are used
 * (Vault sign-in, sandbox key) and never stored in a model, a diagnostic or a log line.
 */
export const SECRET_REF = /^\$\{(secret|env):([^}\s]+)\}$/;

export type SecretRef = { source: 'secret' | 'env'; name: string };

export function parseSecretRef(v: unknown): SecretRef | undefined {
  if (typeof v !== 'string') return undefined;
  const m = SECRET_REF.exec(v.trim());
  return m ? { source: m[1] as 'secret' | 'env', name: m[2] } : undefined;
}

/** The environment variable the CLI reads for `${secret:NAME}`: ECMKIT_SECRET_ + NAME upper-cased, non-alphanumerics → `_`. */
export { secretEnvName };

/** Looks a secret up by name; the CLI uses the environment, the extension its SecretStorage. */
export type SecretLookup = (name: string) => string | undefined;

export const envSecrets: SecretLookup = (name) => process.env[secretEnvName(name)];

export class MissingSecretError extends Error {
  constructor(readonly ref: SecretRef) {
    super(ref.source === 'env'
      ? `Environment variable ${ref.name} is not set.`
      : `Secret "${ref.name}" is not stored. In VS Code run "ecmkit: Store Secret…"; for the CLI set ${secretEnvName(ref.name)}.`);
  }
}

/** Resolves a field value: a reference is looked up, a literal is returned as is. */
export function resolveSecret(value: unknown, lookup: SecretLookup = envSecrets): string {
  const ref = parseSecretRef(value);
  if (!ref) {
    if (typeof value === 'string') return value;
    throw new Error('The secret field is empty.');
  }
  const v = ref.source === 'env' ? process.env[ref.name] : lookup(ref.name);
  if (v === undefined || v === '') throw new MissingSecretError(ref);
  return v;
}

/** How to make a key that fits everywhere a shared key travels: 64 hex digits. */
export const MAKE_A_KEY = 'A shared key is printable ASCII; make one with `openssl rand -hex 32` and store it as both the ECM\'s vault.sharedKey and its integration\'s authenticationCredential.';

/**
 * Why `key` cannot be a Vault shared key, or undefined when it can. The key travels in the Vault's
 * `Authorization: PS-Auth key=KEY; runas=…;` header, which carries printable ASCII only and where `;` ends
 * the field. Says which kind of character is wrong, never which character: the key is a secret.
 */
export function sharedKeyProblem(key: string): string | undefined {
  if (!key) return 'is empty';
  if (/[^\x00-\x7f]/.test(key)) return 'holds a character outside ASCII (such as … or an accented letter), which an HTTP header cannot carry';
  if (/[\x00-\x1f\x7f]/.test(key)) return 'holds a control character (such as a tab or a line break), which an HTTP header cannot carry';
  if (key.includes(';')) return "holds ';', which ends the key in the Vault's PS-Auth header";
  if (key.trim() !== key) return "begins or ends with a space, which the Vault's PS-Auth header drops";
  return undefined;
}

/** Stand-in text used wherever a secret value could otherwise reach a log or a message. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4 && out.includes(s)) out = out.split(s).join('«redacted»');
  return out;
}
