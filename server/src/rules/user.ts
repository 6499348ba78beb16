import { crossIndex, type VaultUserRef } from '../domain/crossIndex';
import { Memo } from '../domain/memo';
import type { PaUser, VaultUser } from '../model/inventory';
import type { Entry } from '../model/workspace';
import { isActive, sameName } from '../domain/permissions';
import { eachItem, has, MAX_RELATED, names, relatedAt, str } from './crossHelpers';
import type { Cause, Related, WorkspaceRule } from './types';
import { unknownVaultProvider } from './causes';

interface PaRef { pa: Entry<'pa'>; index: number; user: PaUser }

/**
 * `user/not-in-vault`, `user/inactive`, `user/email-mismatch`, `user/no-checkout`: the ECM signs in to
 * Vault as the PA user (`PROVIDER\username`, the provider resolved as the ECM does), and gets credentials
 * only for an Active Vault user with the same username and email who may check something out.
 */
/** A PA user's standing in Vault (only users with something to report are kept). */
interface Verdict { i: number; kind: 'missing' | 'wrong-provider' | 'inactive' | 'no-checkout' | 'ok'; vault?: number; user?: number; email?: boolean }

/**
 * Verdicts per PA users list, kept while the users, their providers, the ECM, the Vault users, groups
 * and check-out grants are the same objects: an edit of one credential does not re-judge 5,000 users.
 */
const verdicts = new Memo<Verdict[]>();

export const userRule: WorkspaceRule = {
  reads: ['pa', 'vault', 'ecm'],
  check(ws, report) {
    const index = crossIndex(ws);
    if (!index.vaults.length) return; // no Vault described: nothing to compare with
    const home = index.vaults[0];
    const inactive = new Map<VaultUserRef['user'], { ref: VaultUserRef; pa: PaRef[] }>();

    for (const pa of index.pas) {
      if (!Array.isArray(pa.value.users)) continue;
      const deps = [pa.value.securityProviders, index.binding(pa)?.ecm.value, index.grantees(), ...index.vaults.flatMap((v) => [v.value.users, v.value.groups])];
      for (const v of verdicts.get(pa.value.users, deps, () => judge(index, pa))) {
        const user = (pa.value.users as PaUser[])[v.i];
        const username = String(user.username).trim();
        const paRef: PaRef = { pa, index: v.i, user };
        const at = ['users', v.i, 'username'];
        const match = v.vault !== undefined && v.user !== undefined ? { vault: index.vaults[v.vault], index: v.user, user: (index.vaults[v.vault].value.users as VaultUser[])[v.user] } : undefined;
        if (v.kind === 'missing') {
          const identity = index.identity(pa, user.securityProvider);
          report({
            uri: pa.file.uri,
            code: 'user/not-in-vault',
            range: pa.file.rangeAt(at),
            message: `Vault has no user \`${username}\`: the ECM signs in as ${identity?.provider ? `${identity.provider}\\${username}` : username} and gets no credential. Add \`${username}\` to users of the Vault inventory (same username, status Active, same email as in PA).`,
            related: [relatedAt(home.file, has(home.file, ['users']) ? ['users'] : [], 'users of the Vault inventory', 'key')],
            data: { username, provider: identity?.provider, email: str(user.email), vaultUri: home.file.uri },
            cause: providerCause(index, identity?.provider, username),
          });
          continue;
        }
        if (v.kind === 'wrong-provider') {
          const identity = index.identity(pa, user.securityProvider)!;
          const candidates = index.vaultUsers(username);
          const others = candidates.map((c) => `${c.user.securityProvider}\\${c.user.username}`);
          report({
            uri: pa.file.uri,
            code: 'user/not-in-vault',
            range: pa.file.rangeAt(at),
            message: `The ECM looks this user up as ${identity.provider}\\${username}, but Vault only has ${names(others)}: ${identity.detail} Put the Vault user under provider ${identity.provider}, or change the mapping.`,
            related: candidates.slice(0, MAX_RELATED).map((c) => relatedAt(c.vault.file, ['users', c.index, 'securityProvider'], `Vault user ${c.user.username} of provider ${c.user.securityProvider}`)),
            cause: providerCause(index, identity.provider, username),
          });
          continue;
        }
        if (!match) continue;
        if (v.kind === 'inactive') {
          const e = inactive.get(match.user) ?? { ref: match, pa: [] };
          e.pa.push(paRef);
          inactive.set(match.user, e);
        } else if (v.kind === 'no-checkout') {
          report({
            uri: pa.file.uri,
            code: 'user/no-checkout',
            range: pa.file.rangeAt(at),
            message: `\`${username}\` may check out no credential on any endpoint: no credential policy grants \`checkout\` to this user, their groups or roles on a credential the ECM could return. Grant checkout in a credential policy (e.g. to one of their groups).`,
            related: [relatedAt(match.vault.file, ['users', match.index, 'username'], `Vault user ${match.user.username}`)],
          });
        }
        if (v.email) checkEmail(match, paRef, report);
      }
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

/** A user looked up under a provider Vault does not have: explained by that mapping (mapping/unknown-provider). */
function providerCause(index: ReturnType<typeof crossIndex>, provider: string | undefined, username: string): Cause | undefined {
  if (!provider || index.has('vaultProvider', provider)) return undefined;
  return { key: unknownVaultProvider(provider), noun: 'PA user', subject: `\`${username}\`` };
}

/** Each PA user of a PA inventory looked up in Vault as the ECM would; only users with a problem are listed. */
function judge(index: ReturnType<typeof crossIndex>, pa: Entry<'pa'>): Verdict[] {
  const out: Verdict[] = [];
  eachItem<PaUser>(pa.value.users, (user, i) => {
    const username = str(user.username);
    if (!username) return;
    const candidates = index.vaultUsers(username);
    if (!candidates.length) { out.push({ i, kind: 'missing' }); return; }
    // Only when the ECM's provider is certain does a Vault user under another provider not count.
    const identity = index.identity(pa, user.securityProvider);
    const certain = identity?.ok && (identity.how === 'mapping' || identity.how === 'default');
    const match = certain
      ? candidates.find((c) => !str(c.user.securityProvider) || sameName(c.user.securityProvider, identity!.provider))
      : candidates[0];
    if (!match) { out.push({ i, kind: 'wrong-provider' }); return; }
    const kind = !isActive(match.user.status) ? 'inactive' : !index.canCheckOutAny(match.user) ? 'no-checkout' : 'ok';
    const email = emailDiffers(match.user.email, user.email);
    if (kind !== 'ok' || email) out.push({ i, kind, vault: index.vaults.indexOf(match.vault), user: match.index, email });
  });
  return out;
}

function emailDiffers(vaultEmail: unknown, paEmail: unknown): boolean {
  const p = str(paEmail);
  if (!p) return false;
  const v = str(vaultEmail);
  return !v || v.trim().toLowerCase() !== p.trim().toLowerCase();
}

function checkEmail(match: VaultUserRef, p: PaRef, report: Report): void {
  const paEmail = str(p.user.email);
  if (!paEmail) return;
  const vaultEmail = str(match.user.email);
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
  // Either side may be the one that is wrong: the PA side says it too, so the line the user edited shows it.
  report({
    uri: p.pa.file.uri,
    code: 'user/email-mismatch',
    range: p.pa.file.rangeAt(['users', p.index, 'email']),
    message: vaultEmail
      ? `PA user \`${String(p.user.username)}\` has email \`${paEmail.trim()}\`, Vault has \`${vaultEmail.trim()}\`: the contact email must be the same in both. Set one to the other.`
      : `PA user \`${String(p.user.username)}\` has email \`${paEmail.trim()}\`, and Vault user \`${match.user.username}\` has none: add it in Vault.`,
    related: [relatedAt(vault.file, vaultEmail ? ['users', i, 'email'] : ['users', i, 'username'], `Vault user ${match.user.username}`)],
  });
}
