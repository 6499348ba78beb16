/** The Password Safe ↔ Vault file mapping (server/src/vault/inventoryMapping.ts) as pure functions: the cases a sandbox round trip does not reach. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VaultInventory } from '../../server/src/model/inventory';
import {
  credentialsFromApi, endpointFromApi, grantPolicies, grantPolicyName, groupFromApi, isEndpointSystem, userFromApi, type LiveAccount,
} from '../../server/src/vault/inventoryMapping';

const account = (a: Partial<LiveAccount> & { id: number; username: string; systems: string[] }): LiveAccount => ({ shared: false, ...a });

describe('users and groups from the API', () => {
  it('maps a directory user, its active groups only, and leaves out what the API does not give', () => {
    const u = userFromApi({ UserID: 7, UserName: 'jdoe', DomainName: 'CORP', FirstName: 'Jane', LastName: 'Doe', EmailAddress: '', IsQuarantined: false },
      [{ GroupID: 1, Name: 'Support', IsActive: true }, { GroupID: 2, Name: 'Old team', IsActive: false }]);
    assert.deepEqual(u, { username: 'jdoe', fullName: 'Jane Doe', status: 'Active', securityProvider: 'CORP', groups: ['Support'] });
  });

  it('a quarantined user is Inactive; host\\username gives the provider; application users are not people', () => {
    assert.deepEqual(userFromApi({ UserID: 1, UserName: 'SRV01\\svc', IsQuarantined: true }, []), { username: 'svc', status: 'Inactive', securityProvider: 'SRV01', groups: [] });
    assert.equal(userFromApi({ UserID: 2, UserName: 'ecm-app', UserType: 'Application' }, []), undefined);
    assert.equal(groupFromApi({ GroupID: 3, Name: 'Gone', IsActive: false }), undefined);
  });

  it('assets and databases are endpoints, directories and cloud systems are not; the type is the platform\'s name', () => {
    assert.equal(isEndpointSystem({ ManagedSystemID: 1, AssetID: 5, DirectoryID: null }), true);
    assert.equal(isEndpointSystem({ ManagedSystemID: 2, AssetID: null, DirectoryID: 9 }), false);
    assert.deepEqual(endpointFromApi({ ManagedSystemID: 1, SystemName: 'WEB01', PlatformID: 4, IPAddress: '', Description: 'IIS' }, new Map([[4, 'Windows']])), { name: 'WEB01', description: 'IIS', type: 'Windows' });
  });
});

describe('credentials from managed accounts', () => {
  const current: VaultInventory = {
    endpoints: [{ name: 'WEB01', groups: ['Web'] }, { name: 'WEB02', groups: ['Web'] }, { name: 'DB01' }],
    credentials: [
      { name: 'web-deploy', username: 'svc-deploy', accessType: 'Restricted', endpoints: [], endpointGroups: ['Web'], policy: 'P' },
      { name: 'old-admin', username: 'administrator', accessType: 'Restricted', endpoints: ['DB01'], policy: 'P' },
      { name: 'administrator@WEB01', username: 'root', accessType: 'Restricted', endpoints: ['WEB01'], policy: 'P' },
    ],
  };

  it('keeps the file\'s name for the same account, and leaves endpoints its endpoint groups already cover', () => {
    const [c] = credentialsFromApi([account({ id: 1, username: 'svc-deploy', systems: ['WEB01', 'WEB02'] })], current);
    assert.deepEqual(c.credential, { name: 'web-deploy', accessType: 'Restricted', endpoints: [], username: 'svc-deploy' });
  });

  it('a new account never takes the name of a file credential, not even one that is about to be removed', () => {
    const out = credentialsFromApi([account({ id: 2, username: 'administrator', systems: ['WEB01'] })], current);
    assert.equal(out[0].credential.name, 'administrator@WEB01 (2)');
  });

  it('an account of a directory is Shared and tied to no endpoint', () => {
    const [c] = credentialsFromApi([account({ id: 3, username: 'helpdesk', domain: 'corp.example.com', shared: true, systems: ['corp.example.com'] })]);
    assert.deepEqual(c.credential, { name: 'helpdesk@corp.example.com', accessType: 'Shared', endpoints: [], domain: 'corp.example.com', username: 'helpdesk' });
  });
});

describe('per-user grants as credential policies', () => {
  it('one policy per set of users, named by them, policy right after name; nobody gets its own', () => {
    const creds = credentialsFromApi([account({ id: 1, username: 'a', systems: ['S'] }), account({ id: 2, username: 'b', systems: ['S'] }), account({ id: 3, username: 'c', systems: ['S'] })]);
    const policies = grantPolicies(creds, new Map([[1, ['jdoe', 'asmith']], [2, ['asmith', 'jdoe']]]));
    assert.deepEqual(policies.map((p) => p.name), ['checkout: asmith, jdoe', 'checkout: nobody']);
    assert.deepEqual(policies[0].permissions, [{ principal: 'user:asmith', actions: ['checkout'] }, { principal: 'user:jdoe', actions: ['checkout'] }]);
    assert.deepEqual(Object.keys(creds[0].credential).slice(0, 2), ['name', 'policy']);
    assert.equal(creds[2].credential.policy, 'checkout: nobody');
  });

  it('long sets are shortened, and two that start alike stay apart', () => {
    const a = grantPolicyName(['u1', 'u2', 'u3', 'u4']);
    const b = grantPolicyName(['u1', 'u2', 'u3', 'u5']);
    assert.match(a, /^checkout: u1, u2 \+2 \([0-9a-f]{6}\)$/);
    assert.notEqual(a, b);
  });
});
