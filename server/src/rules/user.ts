import { crossIndex, type VaultUserRef } from '../engine/crossIndex';
import { list, type PaUser } from '../model/inventory';
import type { Entry } from '../model/workspace';
import { isActive, sameName } from '../vault/permissions';
import { has, MAX_RELATED, names, relatedAt, str } from './crossHelpers';
import type { Related, WorkspaceRule } from './types';

interface PaRef { pa: Entry<'pa'>; index: number; user: PaUser }

/**
 * `user/not-in-vault`, `user/inactive`, `user/email-mismatch`, `user/no-checkout`: the ECM signs in to
 * Vault as the PA user (`PROVIDER\username`, the provider resolved as the ECM does), and gets credentials
 * only for an Active Vault user with the same username and email who may check something out.
 */
export const userRule: WorkspaceRule = {
  check(ws, report) {
    const index = crossIndex(ws);
    if (!index.vaults.length) return; // no Vault described: nothing to compare with
    const home = index.vaults[0];
    const inactive = new Map<VaultUserRef['user'], { ref: VaultUserRef; pa: PaRef[] }>();

    for (const pa of index.pas) {
      list<PaUser>(pa.value.users).forEach((user, i) => {
        const username = str(user.username);
        if (!username) return;
        const paRef: PaRef = { pa, index: i, user };
        const at = ['users', i, 'username'];
        const identity = index.identity(pa, user.securityProvider);
        const candidates = index.vaultUsers(username);
        if (!candidates.length) {
          report({
            uri: pa.file.uri,
            code: 'user/not-in-vault',
            range: pa.file.rangeAt(at),
            message: `Vault has no user \`${username.trim()}\`: the ECM signs in as ${identity?.provider ? `${identity.provider}\\${username.trim()}` : username.trim()} and gets no credential. Add \`${username.trim()}\` to users of the Vault inventory (same username, status Active, same email as in PA).`,
            related: [relatedAt(home.file, has(home.file, ['users']) ? ['users'] : [], 'users of the Vault inventory', 'key')],
            data: { username: username.trim(), provider: identity?.provider, email: str(user.email), vaultUri: home.file.uri },
          });
          return;
        }
        // Only when the ECM's provider is certain does a Vault user under another provider not count.
        const certain = identity?.ok && (identity.how === 'mapping' || identity.how === 'default');
        const match = certain
          ? candidates.find((c) => !str(c.user.securityProvider) || sameName(c.user.securityProvider, identity!.provider))
          : candidates[0];
        if (!match) {
          const others = candidates.map((c) => `${c.user.securityProvider}\\${c.user.username}`);
          report({
            uri: pa.file.uri,
            code: 'user/not-in-vault',
            range: pa.file.rangeAt(at),
            message: `The ECM looks this user up as ${identity!.provider}\\${username.trim()}, but Vault only has ${names(others)}: ${identity!.detail} Put the Vault user under provider ${identity!.provider}, or change the mapping.`,
            related: candidates.slice(0, MAX_RELATED).map((c) => relatedAt(c.vault.file, ['users', c.index, 'securityProvider'], `Vault user ${c.user.username} of provider ${c.user.securityProvider}`)),
          });
          return;
        }
        if (!isActive(match.user.status)) {
          const e = inactive.get(match.user) ?? { ref: match, pa: [] };
          e.pa.push(paRef);
          inactive.set(match.user, e);
        } else if (!index.canCheckOutAny(match.user)) {
          report({
            uri: pa.file.uri,
            code: 'user/no-checkout',
            range: pa.file.rangeAt(at),
            message: `\`${username.trim()}\` may check out no credential on any endpoint: no credential policy grants \`checkout\` to this user, their groups or roles on a credential the ECM could return. Grant checkout in a credential policy (e.g. to one of their groups).`,
            related: [relatedAt(match.vault.file, ['users', match.index, 'username'], `Vault user ${match.user.username}`)],
          });
        }
        checkEmail(match, paRef, report);
      });
    }

    for (const { ref, pa } of inactive.values()) {
      const { vault, index: i, user } = ref;
      const hasStatus = has(vault.file, ['users', i, 'status']);
      report({
        uri: vault.file.uri,
        code: 'user/inactive',
        range: vault.file.rangeAt(hasStatus ? ['users', i, 'status'] : ['users', i, 'username']),
        message: hasStatus
          ? `Vault user \`${user.username}\` is ${String(user.status)}, but PA user${pa.length === 1 ? '' : 's'} ${names(pa.map((p) => String(p.user.username)))} sign${pa.length === 1 ? 's' : ''} in as them: Vault gives an inactive user no credential. Set \`status: Active\`.`
          : `Vault user \`${user.username}\` has no \`status\`, so Vault treats them as inactive and gives them no credential: add \`status: Active\`.`,
        related: pa.slice(0, MAX_RELATED).map((p) => relatedAt(p.pa.file, ['users', p.index, 'username'], `PA user ${p.user.username}`)),
        data: hasStatus ? { replaceWith: 'Active' } : undefined,
      });
    }
  },
};

type Report = Parameters<WorkspaceRule['check']>[1];

function checkEmail(match: VaultUserRef, p: PaRef, report: Report): void {
  const paEmail = str(p.user.email);
  if (!paEmail) return;
  const vaultEmail = str(match.user.email);
  if (vaultEmail && vaultEmail.trim().toLowerCase() === paEmail.trim().toLowerCase()) return;
  const { vault, index: i } = match;
  const related: Related[] = [relatedAt(p.pa.file, ['users', p.index, 'email'], `email of PA user ${p.user.username}`)];
  report({
    uri: vault.file.uri,
    code: 'user/email-mismatch',
    range: vault.file.rangeAt(vaultEmail ? ['users', i, 'email'] : ['users', i, 'username']),
    message: vaultEmail
      ? `Vault user \`${match.user.username}\` has email \`${vaultEmail.trim()}\`, PA has \`${paEmail.trim()}\`: the contact email must be the same in both. Set it to \`${paEmail.trim()}\`.`
      : `Vault user \`${match.user.username}\` has no email; PA has \`${paEmail.trim()}\`: add \`email: ${paEmail.trim()}\`.`,
    related,
    data: vaultEmail ? { replaceWith: paEmail.trim() } : undefined,
  });
}
