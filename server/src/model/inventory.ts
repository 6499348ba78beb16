/**
 * Typed views of the four file kinds (docs/formats.md). Values come from user files, so every field is
 * optional here: rules and the broker must cope with whatever a half-typed file holds.
 */
export interface EcmConfig {
  name?: string;
  host?: string;
  site?: string;
  port?: number;
  clientId?: string;
  clientSecret?: string;
  plugin?: string;
  vault?: EcmVaultSettings;
}

export interface EcmVaultSettings {
  hostname?: string;
  sharedKey?: string;
  integration?: string;
  includeUnavailableCredentials?: boolean;
  enableDomainMatching?: boolean;
  defaultSecurityProvider?: string;
  /** A block of `fqdn=NETBIOS` lines, or a list of such strings. */
  securityProviderMappings?: string | string[];
}

export interface Integration {
  name?: string;
  description?: string;
  status?: 'Active' | 'Inactive' | string;
  authentication?: 'application' | 'windows' | string;
  authenticationCredential?: string;
  allowedIps?: string[];
  checkoutReason?: string;
  checkoutRequestTime?: number;
  justification?: string;
  skipWorkflowJustification?: string;
}

export interface VaultSecurityProvider { name?: string; type?: string; fqdn?: string }
export interface VaultRole { name?: string }
export interface VaultGroup { name?: string; roles?: string[] }
export interface VaultUser {
  username?: string;
  fullName?: string;
  status?: string;
  securityProvider?: string;
  roles?: string[];
  groups?: string[];
  email?: string;
}
export interface VaultEndpointGroup { name?: string }
export interface VaultEndpoint { name?: string; description?: string; type?: string; network?: string; ip?: string; groups?: string[] }
export interface VaultPermission { principal?: string; actions?: string[] }
export interface VaultPolicy { name?: string; permissions?: VaultPermission[] }
export interface VaultCredential {
  name?: string;
  type?: string;
  policy?: string;
  domain?: string;
  accessType?: 'Restricted' | 'Shared' | string;
  endpoints?: string[];
  endpointGroups?: string[];
  description?: string;
  username?: string;
  password?: string;
  checkedOutBy?: string | null;
}

export interface VaultInventory {
  hostname?: string;
  domain?: string;
  edition?: 'standard' | 'go' | string;
  securityProviders?: VaultSecurityProvider[];
  roles?: VaultRole[];
  groups?: VaultGroup[];
  users?: VaultUser[];
  endpointGroups?: VaultEndpointGroup[];
  endpoints?: VaultEndpoint[];
  credentialPolicies?: VaultPolicy[];
  credentials?: VaultCredential[];
}

/** `type` as the Configuration API reports it; `activeDirectory` is the older spelling of `ldap`. */
export interface PaSecurityProvider { name?: string; type?: 'local' | 'ldap' | 'activeDirectory' | 'radius' | 'kerberos' | 'saml' | 'scim' | string; fqdn?: string }
export interface PaUser { username?: string; email?: string; securityProvider?: string; enabled?: boolean }
export interface PaJumpGroup { name?: string; ecmGroup?: string }
export interface PaJumpClient { name?: string; hostname?: string; fqdn?: string; os?: string; credentialInjection?: boolean; jumpGroup?: string }
export interface PaApiAccount { name?: string; clientId?: string; enabled?: boolean; ecmAccess?: boolean; ecmGroup?: string; ipAddresses?: string[] }
export interface PaInventory {
  site?: string;
  securityProviders?: PaSecurityProvider[];
  users?: PaUser[];
  jumpGroups?: PaJumpGroup[];
  jumpClients?: PaJumpClient[];
  apiAccounts?: PaApiAccount[];
}

export interface KindValues {
  ecm: EcmConfig;
  integration: Integration;
  vault: VaultInventory;
  pa: PaInventory;
}

/** A list field as an array of objects, whatever the file holds. */
export function list<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as T[]) : [];
}

/** Parses provider mappings: returns each well-formed `fqdn=NETBIOS` pair (lower-cased FQDN). */
export function parseMappings(v: string | string[] | undefined): Map<string, string> {
  const lines = typeof v === 'string' ? v.split(/\r?\n/) : Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
  const out = new Map<string, string>();
  for (const raw of lines) {
    const m = /^\s*([^=\s]+)\s*=\s*([^=\s]+)\s*$/.exec(raw);
    if (m && !out.has(m[1].toLowerCase())) out.set(m[1].toLowerCase(), m[2]);
  }
  return out;
}
