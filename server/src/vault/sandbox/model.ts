/**
 * What the sandbox serves, derived from a workspace: the Vault inventory, each integration with its
 * resolved API key, and stable ids. Rebuilt whenever the files change; live state (sessions, check-outs)
 * lives elsewhere and survives rebuilds.
 */
import { createHash } from 'node:crypto';
import { list, type Integration, type VaultCredential, type VaultInventory } from '../../model/inventory';
import { envSecrets, MissingSecretError, parseSecretRef, resolveSecret, secretEnvName, type SecretLookup } from '../../model/secrets';
import type { Workspace } from '../../model/workspace';
import { stableId } from '../../domain/ids';
import { allowList, type AllowList } from '../../domain/ipAllow';

export interface SandboxIntegration {
  name: string;
  value: Integration;
  allow: AllowList;
  /** SHA-256 of the resolved key; the key itself is not kept in the model. */
  keyDigest?: Buffer;
  /** Why the key is not usable (missing secret…), in words that name the env var or secret. */
  keyProblem?: string;
}

export interface SandboxModel {
  inventory: VaultInventory;
  /** Which file it came from, for messages. */
  vaultFile?: string;
  integrations: SandboxIntegration[];
  accountIds: Map<string, number>;      // credential name → AccountId
  credentialsById: Map<number, VaultCredential>;
  warnings: string[];
}

export interface KeySource {
  /** Secret lookup for `${secret:NAME}` (default: env ECMKIT_SECRET_NAME). */
  secrets?: SecretLookup;
  /** A key that replaces every integration's authenticationCredential (CLI --key-file, editor demo). */
  apiKey?: string;
}

export function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function buildModel(ws: Workspace, keys: KeySource = {}): SandboxModel {
  const warnings: string[] = [];
  const vaults = ws.of('vault');
  if (vaults.length === 0) warnings.push('The workspace has no *.vault.yaml file: the sandbox serves an empty Vault.');
  if (vaults.length > 1) warnings.push(`The workspace has ${vaults.length} Vault inventories; the sandbox serves the first, ${vaults[0].file.uri}.`);
  const inventory: VaultInventory = vaults[0]?.value ?? {};

  const integrations: SandboxIntegration[] = ws.of('integration').map(({ value }) => {
    const name = typeof value.name === 'string' ? value.name : '(unnamed integration)';
    const entry: SandboxIntegration = { name, value, allow: allowList(value.allowedIps) };
    try {
      const key = keys.apiKey ?? resolveSecret(value.authenticationCredential, keys.secrets ?? envSecrets);
      if (!key) throw new Error('empty');
      entry.keyDigest = digest(key);
    } catch (e) {
      entry.keyProblem = keyProblemText(name, value.authenticationCredential, e);
      warnings.push(entry.keyProblem);
    }
    return entry;
  });
  if (integrations.length === 0) warnings.push('The workspace has no *.integration.yaml file: every sign-in will be refused.');

  const accountIds = new Map<string, number>();
  const credentialsById = new Map<number, VaultCredential>();
  for (const c of list<VaultCredential>(inventory.credentials)) {
    if (typeof c.name !== 'string' || accountIds.has(c.name)) continue;
    let id = stableId('account', c.name);
    for (let salt = 1; credentialsById.has(id); salt++) id = stableId('account', `${c.name}#${salt}`);
    accountIds.set(c.name, id);
    credentialsById.set(id, c);
  }
  return { inventory, vaultFile: vaults[0]?.file.uri, integrations, accountIds, credentialsById, warnings };
}

function keyProblemText(name: string, ref: unknown, e: unknown): string {
  const parsed = parseSecretRef(ref);
  if (e instanceof MissingSecretError && parsed) {
    return parsed.source === 'env'
      ? `Integration ${name}: its key \${env:${parsed.name}} is not set; set the environment variable ${parsed.name} (or start the sandbox with --key-file FILE).`
      : `Integration ${name}: its key \${secret:${parsed.name}} is not available; set ${secretEnvName(parsed.name)} (or start the sandbox with --key-file FILE; in VS Code it comes from the stored secret).`;
  }
  return `Integration ${name}: authenticationCredential is missing or empty, so no key can sign in with it.`;
}
