import { credentialDomainRule, credentialEndpointRule } from './credential';
import { ecmCountRule, ecmHostRule, ecmNameRule, ecmVaultRule } from './ecm';
import { endpointRule } from './endpoint';
import { integrationIpRule, integrationRule } from './integration';
import { mappingProviderRule, unmappedDomainRule } from './mappingProviders';
import { mappingsRule } from './mappings';
import { apiAccountRule, jumpGroupRule } from './paRouting';
import { refsRule } from './refs';
import { userRule } from './user';
import { schemaRule } from './schema';
import { secretsRule } from './secrets';
import { syntaxRule } from './syntax';
import type { FileRule, WorkspaceRule } from './types';
import { vaultUrlRule } from './vaultUrl';

/** Rules that read one file. Syntax first: the others skip a file that does not parse. */
export const FILE_RULES: FileRule[] = [syntaxRule, schemaRule, secretsRule, vaultUrlRule, mappingsRule];

/** Rules that read across files (docs/rules.md, cross-file codes). */
export const WORKSPACE_RULES: WorkspaceRule[] = [
  integrationRule, integrationIpRule,
  ecmHostRule, ecmCountRule, ecmNameRule, ecmVaultRule,
  apiAccountRule, jumpGroupRule,
  mappingProviderRule, unmappedDomainRule,
  endpointRule, userRule,
  credentialEndpointRule, credentialDomainRule,
  refsRule,
];
