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

/** Stand-in text used wherever a secret value could otherwise reach a log or a message. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('«redacted»');
  return out;
}
