/**
 * What `ecmkit pull pa` owns in a PA site file (FORMATS.md §6): the fields the Configuration API gives.
 * credentialInjection is the file's own (the API does not know it). A value the schema accepts as the
 * same thing is left as written: `activeDirectory` for `ldap`, a provider `fqdn` left out because it is
 * the provider's name (its default), a user's `enabled` left out because it is true.
 */
import type { InventorySpec } from './inventorySpec';

export const PA_SPEC: InventorySpec = {
  top: ['site'],
  sections: [
    {
      name: 'securityProviders', key: 'name', owned: ['type', 'fqdn'],
      same: (field, file, api, item) =>
        (field === 'type' && file === 'activeDirectory' && api === 'ldap') ||
        (field === 'fqdn' && file === undefined && typeof api === 'string' && typeof item.name === 'string' && api.toLowerCase() === item.name.toLowerCase()),
    },
    { name: 'users', key: 'username', owned: ['email', 'securityProvider', 'enabled'], same: (field, file, api) => field === 'enabled' && file === undefined && api === true },
    { name: 'jumpGroups', key: 'name', owned: ['ecmGroup'] },
    { name: 'jumpClients', key: 'name', owned: ['hostname', 'fqdn', 'os', 'jumpGroup'] },
    { name: 'apiAccounts', key: 'name', owned: ['clientId', 'enabled', 'ecmAccess', 'ecmGroup', 'ipAddresses'] },
  ],
};
