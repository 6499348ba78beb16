/**
 * What `ecmkit pull vault` owns in a Vault inventory file (FORMATS.md §6, docs/pull-vault.md): the fields the
 * Password Safe read endpoints give. Roles, endpoint groups, a provider's type and fqdn, an endpoint's network
 * and groups, a credential's type, endpoint groups, password and check-out are the file's own. Credential
 * policies are the API's only with `--grants per-user` (then rebuilt from what each user may request).
 */
import type { Grants } from './vault';
import type { InventorySpec, SectionSpec } from './inventorySpec';

const base: SectionSpec[] = [
  { name: 'securityProviders', key: 'name', owned: [] },
  { name: 'groups', key: 'name', owned: [] },
  { name: 'users', key: 'username', owned: ['fullName', 'status', 'securityProvider', 'groups', 'email'] },
  { name: 'endpoints', key: 'name', owned: ['description', 'type', 'ip'] },
];

const credentials = (grants: boolean): SectionSpec => ({
  name: 'credentials', key: 'name',
  owned: [...(grants ? ['policy'] : []), 'domain', 'accessType', 'endpoints', 'description', 'username'],
});

export function vaultSpec(grants: Grants = 'none'): InventorySpec {
  const perUser = grants === 'per-user';
  return {
    top: ['hostname'],
    sections: [
      ...base,
      ...(perUser ? [{ name: 'credentialPolicies', key: 'name', owned: ['permissions'] }] : []),
      credentials(perUser),
    ],
  };
}
