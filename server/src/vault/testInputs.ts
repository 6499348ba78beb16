/**
 * From a workspace and one ECM file to the connectivity test's inputs: the Vault URL, the key (resolved
 * only when the auth stage asks), the default run-as user and the facts that explain a 401.
 */
import type { EcmConfig, Integration } from '../model/inventory';
import { resolveSecret, type SecretLookup } from '../model/secrets';
import { uriToPath } from '../model/platformPaths';
import type { Workspace } from '../model/workspace';
import type { AuthContext } from './authHints';
import { firstActiveRunAs, formatRunAs } from '../domain/permissions';

export interface VaultTestInputs {
  hostname?: string;
  ecmName?: string;
  runAs?: string;
  key: () => string;
  context: AuthContext;
}

export function vaultTestInputs(ws: Workspace, ecmUri: string, secrets: SecretLookup): VaultTestInputs {
  const file = ws.get(ecmUri); // the index's entry, however the URI is spelled
  const entry = ws.of('ecm').find((e) => e.file === file);
  if (!entry) throw new Error(`${uriToPath(ecmUri)} is not an ECM file (*.ecm.yaml, *.ecm.yml or *.ecm.json) that parses.`);
  const ecm: EcmConfig = entry.value;
  const vault = ecm.vault && typeof ecm.vault === 'object' ? ecm.vault : {};
  const integrations = ws.of('integration').map((e) => e.value);
  const integration: Integration | undefined = typeof vault.integration === 'string'
    ? integrations.find((i) => i.name === vault.integration)
    : integrations.length === 1 ? integrations[0] : undefined;
  const inventory = ws.of('vault')[0]?.value;
  const runAs = inventory ? firstActiveRunAs(inventory) : undefined;
  return {
    hostname: typeof vault.hostname === 'string' ? vault.hostname : undefined,
    ecmName: typeof ecm.name === 'string' ? ecm.name : undefined,
    runAs: runAs && formatRunAs(runAs),
    key: () => resolveSecret(vault.sharedKey, secrets),
    context: {
      ecmName: ecm.name,
      ecmHost: typeof ecm.host === 'string' ? ecm.host : undefined,
      integrationName: typeof vault.integration === 'string' ? vault.integration : undefined,
      integration,
      sharedKeyRef: typeof vault.sharedKey === 'string' ? vault.sharedKey : undefined,
      inventory,
    },
  };
}
