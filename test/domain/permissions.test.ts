/** The pure check-out rules the sandbox and the broker share, on the examples' Vault inventory. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Workspace } from '../../server/src/model/workspace';
import type { VaultInventory } from '../../server/src/model/inventory';
import { allowList } from '../../server/src/domain/ipAllow';
import {
  assignmentOn, checkoutGrant, credentialEndpoints, decideCredentials, findRunAsUser, firstActiveRunAs, offered, parseRunAs, principalsOf,
} from '../../server/src/domain/permissions';
import { parsePsAuth } from '../../server/src/vault/sandbox/api';
import { EXAMPLES } from '../vault/helpers';

async function inventory(): Promise<VaultInventory> {
  return (await Workspace.load([EXAMPLES])).of('vault')[0].value;
}
const cred = (inv: VaultInventory, name: string) => inv.credentials!.find((c) => c.name === name)!;

describe('permissions', () => {
  it('parses run-as identities', () => {
    assert.deepEqual(parseRunAs('CORP\\jdoe'), { provider: 'CORP', username: 'jdoe' });
    assert.equal(parseRunAs('jdoe'), undefined);
    assert.equal(parseRunAs('CORP\\'), undefined);
    assert.equal(parseRunAs('\\jdoe'), undefined);
    assert.equal(parseRunAs('A\\B\\C'), undefined);
  });

  it('finds the run-as user by provider and name, and says why not', async () => {
    const inv = await inventory();
    assert.equal(findRunAsUser(inv, { provider: 'corp', username: 'JDOE' }).ok, true);
    const wrong = findRunAsUser(inv, { provider: 'EMEA', username: 'jdoe' });
    assert.equal(wrong.ok, false);
    assert.equal(!wrong.ok && wrong.reason, 'wrong-provider');
    assert.equal(!findRunAsUser(inv, { provider: 'CORP', username: 'ghost' }).ok, true);
    assert.deepEqual(firstActiveRunAs(inv), { provider: 'CORP', username: 'jdoe' });
  });

  it('counts group roles among a user\'s principals and grants check-out by user, group or role', async () => {
    const inv = await inventory();
    const asmith = inv.users!.find((u) => u.username === 'asmith')!;
    // Keyed lower-cased for matching, each shown as the Vault file spells it.
    const principals = principalsOf(inv, asmith);
    assert.deepEqual([...principals.keys()].sort(), ['group:database team', 'role:dba', 'role:rep', 'user:asmith']);
    assert.deepEqual([...principals.values()].sort(), ['group:Database team', 'role:DBA', 'role:Rep', 'user:asmith']);
    assert.deepEqual(checkoutGrant(inv, asmith, cred(inv, 'db01-sa')), { policy: 'Databases', principal: 'role:DBA' });
    assert.deepEqual(checkoutGrant(inv, asmith, cred(inv, 'web01-admin')), { policy: 'Windows servers', principal: 'group:Database team' });
    const bwayne = inv.users!.find((u) => u.username === 'bwayne')!;
    assert.equal(checkoutGrant(inv, bwayne, cred(inv, 'web01-admin')), undefined);
    const withUser: VaultInventory = { ...inv, credentialPolicies: [{ name: 'Windows servers', permissions: [{ principal: 'user:bwayne', actions: ['checkout'] }] }] };
    assert.ok(checkoutGrant(withUser, bwayne, cred(inv, 'web01-admin')));
    const modifyOnly: VaultInventory = { ...inv, credentialPolicies: [{ name: 'Windows servers', permissions: [{ principal: 'user:bwayne', actions: ['modify'] }] }] };
    assert.equal(checkoutGrant(modifyOnly, bwayne, cred(inv, 'web01-admin')), undefined);
  });

  it('assigns Restricted credentials by exact endpoint name or endpoint group; Shared everywhere; Vault Go! ignores endpoints', async () => {
    const inv = await inventory();
    assert.deepEqual(assignmentOn(inv, cred(inv, 'web01-admin'), 'WEB01'), { kind: 'endpoint', endpoint: 'WEB01' });
    assert.equal(assignmentOn(inv, cred(inv, 'web01-admin'), 'web01'), undefined);
    assert.deepEqual(assignmentOn(inv, cred(inv, 'web-deploy'), 'WEB02'), { kind: 'endpointGroup', endpoint: 'WEB02', group: 'Web servers' });
    assert.deepEqual(assignmentOn(inv, cred(inv, 'helpdesk-shared'), 'anything'), { kind: 'shared' });
    assert.deepEqual(assignmentOn({ ...inv, edition: 'go' }, cred(inv, 'web01-admin'), 'WEB09'), { kind: 'any-endpoint' });
    assert.deepEqual(credentialEndpoints(inv, cred(inv, 'web-deploy')), ['WEB01', 'WEB02']);
  });

  it('decides every credential for a user on an endpoint, with who holds it', async () => {
    const inv = await inventory();
    const jdoe = inv.users!.find((u) => u.username === 'jdoe')!;
    const runAs = { provider: 'CORP', username: 'jdoe' };
    const d = decideCredentials(inv, jdoe, runAs, 'WEB01', (c) => (c.name === 'web-deploy' ? 'EMEA\\asmith' : undefined));
    assert.deepEqual(offered(d, true).map((x) => [x.credential.name, x.heldBy]), [['web01-admin', undefined], ['web-deploy', 'EMEA\\asmith'], ['helpdesk-shared', undefined]]);
    const db = d.find((x) => x.credential.name === 'db01-sa')!;
    assert.equal(db.grant, undefined);
    assert.equal(db.assignment, undefined);
    // A holder that is the user itself does not make it unavailable.
    const self = decideCredentials(inv, jdoe, runAs, 'WEB01', () => 'corp\\JDOE');
    assert.ok(self.every((x) => !x.heldBy));
  });
});

describe('allowed IPs', () => {
  it('matches addresses and CIDR ranges, IPv4 and IPv6, and lists invalid entries', () => {
    const a = allowList(['10.20.0.15', '192.168.0.0/16', 'fd00::/8', '127.0.0.1', 'bogus', '10.0.0.0/40']);
    assert.equal(a.allows('10.20.0.15'), true);
    assert.equal(a.allows('10.20.0.16'), false);
    assert.equal(a.allows('192.168.44.1'), true);
    assert.equal(a.allows('::ffff:127.0.0.1'), true);
    assert.equal(a.allows('fd12::1'), true);
    assert.equal(a.allows('::1'), false, 'loopback only when listed');
    assert.deepEqual(a.invalid, ['bogus', '10.0.0.0/40']);
  });
});

describe('PS-Auth header', () => {
  it('parses key, runas and a bracketed pwd that may hold ";"', () => {
    assert.deepEqual(parsePsAuth('key=abc; runas=CORP\\jdoe;'), { key: 'abc', runas: 'CORP\\jdoe' });
    assert.deepEqual(parsePsAuth('key=abc; runas=CORP\\jdoe; pwd=[p;w]d];'), { key: 'abc', runas: 'CORP\\jdoe', pwd: 'p;w]d' });
  });
});
