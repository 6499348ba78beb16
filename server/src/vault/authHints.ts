/**
 * Why did the Vault answer 401? A real Vault does not say, so the connectivity test asks the workspace:
 * is this machine's address (and the ECM's) in allowedIps, is the integration Active with application
 * authentication, do the ECM and the integration refer to the same key, does the run-as user exist?
 */
import type { Integration, VaultInventory } from '../model/inventory';
import { parseSecretRef } from '../model/secrets';
import { allowList, isIpLiteral } from '../domain/ipAllow';
import { findRunAsUser, isActive, parseRunAs, sameName } from '../domain/permissions';

/** What the workspace says about the ECM under test; every field optional (a lone ECM file still works). */
export interface AuthContext {
  ecmName?: string;
  ecmHost?: string;
  /** vault.integration of the ECM file. */
  integrationName?: string;
  integration?: Integration;
  /** The ECM's vault.sharedKey as written (a reference, never a resolved value). */
  sharedKeyRef?: string;
  inventory?: VaultInventory;
}

export interface Finding { sentence: string; hint: string; tag?: string }

/** Likely causes of a 401, most specific first. `reason` is the sandbox's X-Ecmkit-Reason when present. */
export function explain401(ctx: AuthContext, runAs: string | undefined, sourceAddress: string | undefined, reason?: string): Finding[] {
  const out: Finding[] = [];
  const integ = ctx.integration;
  const iname = integ?.name ?? ctx.integrationName ?? 'the integration';
  if (ctx.integrationName && !integ) {
    out.push({ sentence: `The ECM names integration ${ctx.integrationName}, which no *.integration.yaml in the workspace defines.`, hint: 'Fix vault.integration or add the integration file, so ecmkit can check it.' });
  }
  if (integ) {
    const allow = allowList(integ.allowedIps);
    if (sourceAddress && !allow.allows(sourceAddress)) {
      out.push({
        tag: 'ip-not-allowed',
        sentence: `This machine's address ${sourceAddress} is not in the allowedIps of ${iname}, so the Vault refuses it even with the right key.`,
        hint: `Add ${sourceAddress} to allowedIps (in Vault and in the file) to test from here, or run the test on the ECM machine.`,
      });
    }
    if (ctx.ecmHost && isIpLiteral(ctx.ecmHost) && !allow.allows(ctx.ecmHost)) {
      out.push({ sentence: `The ECM host ${ctx.ecmHost} is not in the allowedIps of ${iname}: the real ECM will get 401 too.`, hint: `Add ${ctx.ecmHost} to allowedIps of ${iname}.` });
    }
    if (!isActive(integ.status)) out.push({ tag: 'integration-inactive', sentence: `Integration ${iname} is ${integ.status ?? 'without a status'}, not Active.`, hint: `Set ${iname} to Active in Vault (and status: Active in the file).` });
    if (integ.authentication !== undefined && !sameName(integ.authentication, 'application')) {
      out.push({ tag: 'integration-auth-type', sentence: `Integration ${iname} uses ${integ.authentication} authentication, not Application Authentication.`, hint: 'Switch the integration to Application Authentication; its key is the ECM\'s shared key.' });
    }
    const ecmRef = parseSecretRef(ctx.sharedKeyRef);
    const intRef = parseSecretRef(integ.authenticationCredential);
    if (ctx.sharedKeyRef !== undefined && integ.authenticationCredential !== undefined && (!ecmRef || !intRef || ecmRef.source !== intRef.source || ecmRef.name !== intRef.name)) {
      out.push({
        tag: 'bad-key',
        sentence: `The ECM's sharedKey (${refText(ctx.sharedKeyRef)}) is not the same reference as ${iname}'s authenticationCredential (${refText(integ.authenticationCredential)}).`,
        hint: 'Point both at the same secret, holding the key shown on the Vault Integrations page.',
      });
    }
  }
  const parsed = parseRunAs(runAs);
  if (runAs && !parsed) out.push({ sentence: `The run-as identity "${runAs}" is not PROVIDER\\username.`, hint: 'Pass --user PROVIDER\\username, e.g. CORP\\jdoe.' });
  if (parsed && ctx.inventory) {
    const found = findRunAsUser(ctx.inventory, parsed);
    if (!found.ok) out.push({ tag: found.reason === 'inactive' ? 'user-inactive' : 'user-not-found', sentence: found.message, hint: found.reason === 'inactive' ? 'Set the Vault user to Active, or test with another --user.' : 'Test with a user that exists in Vault (--user PROVIDER\\username).' });
  }
  const byReason: Record<string, Finding> = {
    'bad-key': { sentence: 'The Vault does not know this key.', hint: 'The key may have been regenerated in Vault (Integrations page): store the current key under the secret the ECM file refers to.' },
    'ip-not-allowed': { sentence: 'The Vault refused this source address.', hint: 'Add this machine\'s address to allowedIps.' },
    'integration-inactive': { sentence: `The Vault reports ${iname} inactive.`, hint: 'Set the integration to Active.' },
    'integration-auth-type': { sentence: `The Vault reports ${iname} is not Application Authentication.`, hint: 'Switch it to Application Authentication.' },
    'user-not-found': { sentence: `The Vault has no active user ${runAs ?? ''}.`.replace(' .', '.'), hint: 'Test with a Vault user that exists (--user PROVIDER\\username).' },
    'user-inactive': { sentence: `The Vault user ${runAs ?? ''} is not Active.`, hint: 'Set the user to Active or test with another --user.' },
  };
  // The sandbox names its reason; put it first unless the workspace already said the same.
  if (reason && byReason[reason] && !out.some((f) => f.tag === reason)) out.unshift({ ...byReason[reason], tag: reason });
  if (out.length === 0) {
    out.push({
      sentence: 'The workspace shows no reason for the refusal, so the key itself is the likely cause.',
      hint: 'The key may have been regenerated in Vault (Integrations page), or the files do not match the real Vault: store the current key and compare allowedIps and status with Vault.',
    });
  }
  return out;
}

function refText(v: string): string {
  const r = parseSecretRef(v);
  return r ? `\${${r.source}:${r.name}}` : 'a literal value';
}
