/**
 * One credential injection, resolved from the files alone (docs/domain.md#one-injection-step-by-step):
 * which credentials the ECM would return to PA user U on jump client E, and a trace step for every
 * decision and every credential left out, each linked to the file and line it depends on.
 *
 * Pure: no Vault, no secrets. The broker runs it next to the real Vault calls (and cross-checks them),
 * the simulate command and the code lens run it alone. Vault-side decisions (who may check out what,
 * on which endpoint) come from vault/permissions.ts, the same functions the sandbox serves from, so the
 * trace and the sandbox cannot disagree about policy.
 */
import { list, type PaJumpClient, type PaUser, type VaultCredential, type VaultEndpoint, type VaultUser } from '../model/inventory';
import { parseSecretRef } from '../model/secrets';
import type { Entry, Workspace } from '../model/workspace';
import { stableId } from '../domain/ids';
import {
  assignmentOn, checkoutGrant, findRunAsUser, formatRunAs, heldByOther, isActive, isRestricted, principalsOf, sameName,
  type Assignment, type Principals, type Grant, type RunAs,
} from '../domain/permissions';
import { mapProvider, missingVaultProvider, type ProviderMapping } from '../domain/provider';
import { ecmFilter, ecmFilterSettings } from '../domain/ecmFilter';
import { bindEcm, siteOfEcm, sourceAt, type EcmBinding, type SourceRef } from '../domain/site';
import { ecmGroupOfEcm, groupLabel, jumpClientNamed, routeOfName, servingOf, type Route } from '../domain/routing';

export type { SourceRef } from '../../../protocol/trace';
import type { Outcome, TraceStep } from '../../../protocol/trace';
export type { Outcome, TraceStep };
export { mapProvider, providerKind, type ProviderKind, type ProviderMapping } from '../domain/provider';

export interface InjectionRequest {
  /** The PA username. */
  user: string;
  /** The PA security provider the user logged in with: an AD FQDN, `local`, or a RADIUS provider's name. */
  securityProvider: string;
  /** The jump client's name exactly as PA shows it. */
  endpoint: string;
}


export interface ResolvedCredential {
  /** `SYSTEMID-ACCOUNTID` as the sandbox numbers them (vault/ids.ts). */
  id: string;
  name: string;
  username: string;
  type: string;
  accessType: string;
  available: boolean;
  /** Who holds it when not available. */
  heldBy?: string;
  domain?: string;
  via: Assignment;
  grant: Grant;
  /** Index in the Vault file's `credentials` list. */
  index: number;
  source?: SourceRef;
}

export type FailureCode = 'no-ecm' | 'no-vault' | 'user-not-found' | 'endpoint-not-found' | 'provider-unmapped' | 'provider-unknown' | 'injection-off' | 'integration';

export interface Resolution {
  request: InjectionRequest;
  /** The ECM whose settings applied. */
  ecm?: string;
  /** `PROVIDER\username`, when the provider could be mapped. */
  runAs?: string;
  /** What the ECM returns to PA, in Vault file order. */
  credentials: ResolvedCredential[];
  /**
   * Credentials the Vault itself would list for this user and endpoint (permitted and assigned), before
   * the ECM drops unavailable and foreign-domain ones: what the broker compares the Vault's answer with.
   */
  vaultOffers: string[];
  trace: TraceStep[];
  /** Set when the injection stops before credentials are considered (the ECM returns nothing). */
  failure?: { code: FailureCode; message: string };
}

export interface ResolveOptions {
  /** The serving ECM's name (default: the first ECM of the workspace, in file order). */
  ecm?: string;
  /** A binding already chosen (the broker's active ECM); wins over `ecm`. */
  binding?: EcmBinding;
  /** Live holder of a credential (the Vault's or the broker's own check-outs), by credential name. */
  liveHolder?: (credentialName: string) => string | undefined;
  /**
   * Inventories with more credentials than this get one `credential` step per credential that concerns
   * the request (Shared, on this endpoint, or permitted) and one `others` step for the rest.
   */
  detailLimit?: number;
}

/**
 * `SYSTEMID-ACCOUNTID` as the sandbox numbers them (vault/ids.ts): the system is the endpoint asked for
 * (Shared credentials too), so a check-out needs no second look-up.
 */
export function credentialId(name: string, endpoint: string): string {
  return `${stableId('system', endpoint)}-${stableId('account', name)}`;
}

export function parseCredentialId(id: unknown): { systemId: number; accountId: number } | undefined {
  const m = typeof id === 'string' ? /^(\d{1,10})-(\d{1,10})$/.exec(id) : null;
  return m ? { systemId: Number(m[1]), accountId: Number(m[2]) } : undefined;
}

// ——— the resolution ——————————————————————————————————————————————————————————

/** Resolves one injection from the workspace's files. Never throws on half-typed files. */
export function resolveInjection(ws: Workspace, req: InjectionRequest, opts: ResolveOptions = {}): Resolution {
  const trace: TraceStep[] = [];
  const out: Resolution = { request: req, credentials: [], vaultOffers: [], trace };
  const stop = (code: FailureCode, step: string, detail: string, source?: SourceRef): Resolution => {
    trace.push({ step, outcome: 'fail', detail, source });
    out.failure = { code, message: detail };
    trace.push({ step: 'result', outcome: 'fail', detail: 'The ECM returns no credentials: the access console shows none.' });
    return out;
  };

  // The serving ECM and what it is bound to: the appliance sends the request to the jump client's ECM group
  // (domain/routing.ts), where the ECM connected the longest — with the files alone, the first — serves.
  let b = opts.binding;
  let route: Route | undefined;
  if (!b) {
    const site = siteOfEcm(ws, opts.ecm);
    route = routeOfName(site?.pa, req.endpoint);
    const groupOf = (e: Entry<'ecm'>) => ecmGroupOfEcm(site?.pa, e);
    const ecm = opts.ecm === undefined
      ? site && servingOf(site.ecms, route, groupOf)
      : site?.ecms.find((e) => e.value.name === opts.ecm) ?? site?.extraEcms.find((e) => e.value.name === opts.ecm);
    if (!ecm) {
      if (route && site?.ecms.length) return stop('no-ecm', 'route', `${routeDetail(route, req.endpoint)}, but no ECM of site ${site.site} is in that group: the appliance has nowhere to send the request (jumpgroup/no-ecm).`, jumpGroupSource(site.pa, route));
      return stop('no-ecm', 'ecm', opts.ecm ? `No ECM named ${opts.ecm} in the workspace.` : 'The workspace has no *.ecm.yaml file: there is no ECM to play.');
    }
    if (route && groupOf(ecm) !== route.group) {
      return stop('no-ecm', 'route', `${routeDetail(route, req.endpoint)}; ECM ${ecm.value.name ?? '(unnamed)'} is in ${groupOf(ecm) === undefined ? 'no known ECM group' : groupLabel(groupOf(ecm)!)}, so the appliance never sends it this request.`, jumpGroupSource(site?.pa, route));
    }
    b = bindEcm(ws, ecm, site);
  } else {
    route = routeOfName(b.pa, req.endpoint);
  }
  const ecm = b.ecm;
  const filter = ecmFilterSettings(ecm.value);
  out.ecm = ecm.value.name;
  trace.push({
    step: 'ecm', outcome: 'pass',
    detail: `ECM ${ecm.value.name ?? '(unnamed)'} serves site ${ecm.value.site ?? '(none)'}: Include Unavailable ${filter.includeUnavailable ? 'on' : 'off'}, Domain Matching ${filter.domainMatching ? 'on' : 'off'}.`,
    source: sourceAt(ecm.file, ['name']),
  });
  // Step 1: the jump client as PA shows it.
  const jc = jumpClientNamed(b.pa, req.endpoint);
  if (b.pa && jc) {
    if (jc.jumpClient.credentialInjection === false) {
      return stop('injection-off', 'jump-client', `Jump client ${req.endpoint} has credential injection turned off in PA, so PA never asks the ECM.`, sourceAt(b.pa.file, ['jumpClients', jc.index, 'credentialInjection']));
    }
    trace.push({ step: 'jump-client', outcome: 'pass', detail: `PA jump client ${req.endpoint} has credential injection on.`, source: sourceAt(b.pa.file, ['jumpClients', jc.index, 'name']) });
    if (route) trace.push({ step: 'route', outcome: 'pass', detail: `${routeDetail(route, req.endpoint)}, which ECM ${ecm.value.name ?? '(unnamed)'} is in: of that group's ECMs, the one connected the longest serves.`, source: jumpGroupSource(b.pa, route) });
  } else if (b.pa) {
    trace.push({ step: 'jump-client', outcome: 'pass', detail: `PA site ${b.pa.value.site ?? ''} lists no jump client named exactly ${req.endpoint}; the request is resolved for that name as given.`, source: sourceAt(b.pa.file, ['jumpClients'], 'key') });
  }

  // Step 2: map the provider.
  const mapping = mapProvider(b, req.securityProvider);
  if (!mapping.ok) return stop('provider-unmapped', 'provider', mapping.detail, mapping.source);
  const runAs: RunAs = { provider: mapping.provider!, username: req.user.trim() };
  out.runAs = formatRunAs(runAs);
  // A provider the Vault does not have fails here, at the line that chose it, not later at the user.
  const missing = missingVaultProvider(b.vault?.value, runAs.provider);
  if (missing) return stop('provider-unknown', 'provider', `${mapping.detail} ${unknownProviderReason(mapping, missing.known, out.runAs)}`, mapping.source);
  trace.push({ step: 'provider', outcome: 'pass', detail: mapping.detail, source: mapping.source });
  trace.push({ step: 'identity', outcome: 'pass', detail: `The ECM acts as ${out.runAs}.`, source: mapping.source });

  // Step 3: sign in with the shared key — what the files say about it (the broker adds the real call).
  const signIn = signInCheck(b, out.runAs);
  if (!signIn.ok) return stop('integration', 'sign-in', signIn.detail, signIn.source);
  trace.push({ step: 'sign-in', outcome: 'pass', detail: signIn.detail, source: signIn.source });

  const vault = b.vault;
  if (!vault) return stop('no-vault', 'user', 'The workspace has no *.vault.yaml file: the Vault user, endpoint and credentials cannot be checked from the files.');
  const inv = vault.value;

  // The Vault user.
  const lookup = findRunAsUser(inv, runAs);
  const userIndex = rawIndex(inv.users, (u: VaultUser) => sameName(u.username, runAs.username) && (!lookup.ok || lookup.user === u || sameName(u.securityProvider, runAs.provider)));
  const userSource = userIndex >= 0 ? sourceAt(vault.file, ['users', userIndex, lookup.ok || lookup.reason !== 'inactive' ? 'username' : 'status']) : sourceAt(vault.file, ['users'], 'key');
  if (!lookup.ok) {
    const why = lookup.reason === 'wrong-provider' ? `${lookup.message} The ECM's sign-in as ${out.runAs} fails.`
      : lookup.reason === 'inactive' ? `${lookup.message} The Vault refuses the sign-in.`
      : `Vault has no user ${runAs.username} (under ${runAs.provider}); the Vault user must have the PA username.`;
    return stop('user-not-found', 'user', why, userSource);
  }
  const user = lookup.user;
  trace.push({ step: 'user', outcome: 'pass', detail: `Vault user ${out.runAs} exists and is Active.`, source: userSource });
  const paUser = list<PaUser>(b.pa?.value.users).find((u) => sameName(u.username, req.user));
  if (paUser && typeof paUser.email === 'string' && typeof user.email === 'string' && !sameName(paUser.email, user.email)) {
    trace.push({ step: 'email', outcome: 'pass', detail: `Warning: the Vault email ${user.email} differs from PA's ${paUser.email}; make them equal (user/email-mismatch).`, source: sourceAt(vault.file, ['users', userIndex, 'email']) });
  }

  // Step 4: the exact endpoint name.
  const goEdition = sameName(inv.edition, 'go');
  const epIndex = rawIndex(inv.endpoints, (e: VaultEndpoint) => e.name === req.endpoint);
  let endpointKnown = epIndex >= 0;
  if (goEdition) {
    trace.push({ step: 'endpoint', outcome: 'pass', detail: 'Vault Go! edition: endpoint rules do not apply; Restricted credentials are not tied to endpoints.', source: sourceAt(vault.file, ['edition']) });
    endpointKnown = true;
  } else if (endpointKnown) {
    const ep = list<VaultEndpoint>(inv.endpoints).find((e) => e.name === req.endpoint)!;
    const groups = Array.isArray(ep.groups) && ep.groups.length ? ` (endpoint groups: ${ep.groups.join(', ')})` : '';
    trace.push({ step: 'endpoint', outcome: 'pass', detail: `Vault endpoint ${req.endpoint} matches the jump client's name exactly${groups}.`, source: sourceAt(vault.file, ['endpoints', epIndex, 'name']) });
  } else {
    const near = nearEndpoints(inv.endpoints, req.endpoint, jc?.jumpClient.hostname);
    if (!jc && near.length === 0 && b.pa) {
      return stop('endpoint-not-found', 'endpoint', `Neither PA nor Vault knows an endpoint named ${req.endpoint}.`, sourceAt(vault.file, ['endpoints'], 'key'));
    }
    const hint = near.length
      ? ` Vault has ${near.map((n) => n.name).join(', ')}: the names must match exactly (case, NetBIOS vs FQDN); rename one (endpoint/name-mismatch).`
      : ' Add the endpoint to Vault with exactly this name (endpoint/not-in-vault).';
    trace.push({ step: 'endpoint', outcome: 'fail', detail: `Vault has no endpoint named exactly ${req.endpoint}, so no Restricted credential can match; only Shared ones can be returned.${hint}`, source: near.length ? sourceAt(vault.file, ['endpoints', near[0].index, 'name']) : sourceAt(vault.file, ['endpoints'], 'key') });
  }

  // Steps 4–5 per credential.
  const principals = principalsOf(inv, user);
  const raw = Array.isArray(inv.credentials) ? inv.credentials : [];
  const detailed = raw.length <= (opts.detailLimit ?? 200);
  let unrelated = 0;
  const unrelatedNames: string[] = [];
  for (let index = 0; index < raw.length; index++) {
    const cred = raw[index] as VaultCredential;
    if (!cred || typeof cred !== 'object' || typeof cred.name !== 'string') continue;
    const name = cred.name;
    const src = (field?: string) => sourceAt(vault.file, field ? ['credentials', index, field] : ['credentials', index, 'name']);
    const drop = (detail: string, field?: string) => trace.push({ step: 'credential', credential: name, outcome: 'drop', detail, source: src(field) });
    const assignment = assignmentOn(inv, cred, req.endpoint);
    const grant = checkoutGrant(inv, user, cred, principals);
    if (!detailed && !assignment && !grant) {
      unrelated++;
      if (unrelatedNames.length < 5) unrelatedNames.push(name);
      continue;
    }
    if (!assignment) {
      drop(notAssignedReason(inv, cred, req.endpoint, endpointKnown), isRestricted(cred) ? 'endpoints' : undefined);
      continue;
    }
    if (!grant) {
      drop(noGrantReason(inv, cred, out.runAs, principals), 'policy');
      continue;
    }
    out.vaultOffers.push(name);
    const holder = heldByOther(cred, runAs, opts.liveHolder?.(name));
    const verdict = ecmFilter(filter, inv.domain, { accessType: cred.accessType, domain: cred.domain, holder }, runAs);
    if (!verdict.kept) {
      if (verdict.reason === 'held-by-other') drop(`Checked out by ${holder}; ${verdict.because}.`, holder === cred.checkedOutBy ? 'checkedOutBy' : undefined);
      else drop(`Restricted credential ${verdict.because} (credential/domain-filtered).`, 'domain');
      continue;
    }
    const via = describeVia(assignment);
    const unavailable = holder ? `; checked out by ${holder}, returned as unavailable because Include Unavailable Credentials is on` : '';
    trace.push({ step: 'credential', credential: name, outcome: 'pass', detail: `${via}; check-out granted to ${grant.principal} by policy ${grant.policy}${unavailable}.`, source: src() });
    out.credentials.push({
      id: credentialId(name, req.endpoint),
      name,
      username: typeof cred.username === 'string' ? cred.username : '',
      type: typeof cred.type === 'string' ? cred.type : '',
      accessType: isRestricted(cred) ? 'Restricted' : 'Shared',
      available: !holder,
      heldBy: holder,
      domain: typeof cred.domain === 'string' ? cred.domain : undefined,
      via: assignment,
      grant,
      index,
      source: src(),
    });
  }
  if (unrelated) {
    trace.push({ step: 'others', outcome: 'drop', detail: `${unrelated} other credential(s) (${unrelatedNames.join(', ')}${unrelated > unrelatedNames.length ? ', …' : ''}) are neither on ${req.endpoint} nor checkable by ${out.runAs}.`, source: sourceAt(vault.file, ['credentials'], 'key') });
  }
  const n = out.credentials.length;
  trace.push({
    step: 'result', outcome: n ? 'pass' : 'fail',
    detail: n ? `The ECM returns ${n} credential${n === 1 ? '' : 's'}: ${out.credentials.map((c) => c.name).join(', ')}.` : 'The ECM returns no credentials: the access console shows none. The steps above say why each was left out.',
  });
  return out;
}

/** What the files say about the ECM's sign-in: the integration exists, is Active, uses application auth, has the ECM's key. */
export function signInCheck(b: EcmBinding, runAs: string): { ok: boolean; detail: string; source?: SourceRef } {
  const ecm = b.ecm;
  const v = ecm.value.vault ?? {};
  const integ = b.integration;
  if (!integ) {
    return { ok: true, detail: `Signs in as ${runAs} with the shared key${typeof v.integration === 'string' ? ` of integration ${v.integration}, which is not in the workspace, so its status and key cannot be checked here` : ''}.`, source: sourceAt(ecm.file, ['vault', 'sharedKey']) };
  }
  const iv = integ.value;
  if (!isActive(iv.status)) return { ok: false, detail: `Integration ${iv.name ?? ''} is ${iv.status ?? 'without a status'}, not Active: the Vault refuses the ECM's sign-in (401).`, source: sourceAt(integ.file, ['status']) };
  if (typeof iv.authentication === 'string' && !sameName(iv.authentication, 'application')) {
    return { ok: false, detail: `Integration ${iv.name ?? ''} uses ${iv.authentication} authentication; the ECM signs in with Application Authentication (a shared key), so the Vault refuses it.`, source: sourceAt(integ.file, ['authentication']) };
  }
  if (typeof v.sharedKey === 'string' && typeof iv.authenticationCredential === 'string' && v.sharedKey.trim() !== iv.authenticationCredential.trim()) {
    // References name secrets without being them, so they may be shown; a literal (secret/plaintext) never is.
    const refs = parseSecretRef(v.sharedKey) && parseSecretRef(iv.authenticationCredential) ? ` (${v.sharedKey} vs ${iv.authenticationCredential})` : '';
    return { ok: false, detail: `The ECM's sharedKey is not integration ${iv.name ?? ''}'s authenticationCredential${refs}: the Vault refuses the key (401).`, source: sourceAt(ecm.file, ['vault', 'sharedKey']) };
  }
  return { ok: true, detail: `Signs in as ${runAs} with the shared key of integration ${iv.name ?? ''} (Active, application authentication).`, source: sourceAt(integ.file, ['name']) };
}

// ——— helpers ———————————————————————————————————————————————————————————————————

/** "Jump client X is in jump group G, whose credential requests go to ECM group 2". */
function routeDetail(route: Route, jumpClient: string): string {
  return `Jump client ${jumpClient} is in jump group ${route.jumpGroup.name}, whose credential requests go to ${groupLabel(route.group)}`;
}

function jumpGroupSource(pa: Entry<'pa'> | undefined, route: Route): SourceRef | undefined {
  const at = ['jumpGroups', route.jumpGroup.index];
  return sourceAt(pa?.file, typeof route.jumpGroup.group.ecmGroup === 'string' ? [...at, 'ecmGroup'] : [...at, 'name']);
}

/** Index in the raw list (the file's own numbering, which ranges need), or -1. */
function rawIndex<T>(raw: unknown, pred: (x: T) => boolean): number {
  if (!Array.isArray(raw)) return -1;
  return raw.findIndex((x) => x && typeof x === 'object' && pred(x as T));
}

function label(s: string): string {
  return s.trim().toLowerCase().split('.')[0];
}

/** Vault endpoints whose name differs from `name` only by case, whitespace or NetBIOS ↔ FQDN form. */
export function nearEndpoints(raw: unknown, name: string, hostname?: string): { name: string; index: number }[] {
  const out: { name: string; index: number }[] = [];
  if (!Array.isArray(raw)) return out;
  const want = new Set([name.trim().toLowerCase(), label(name)]);
  if (typeof hostname === 'string' && hostname.trim()) { want.add(hostname.trim().toLowerCase()); want.add(label(hostname)); }
  raw.forEach((e, index) => {
    const n = (e as VaultEndpoint | null)?.name;
    if (typeof n !== 'string' || n === name) return;
    if (want.has(n.trim().toLowerCase()) || want.has(label(n))) out.push({ name: n, index });
  });
  return out;
}

/** Why a mapped provider fails: the Vault lacks it; which line to correct, by file and line number. */
function unknownProviderReason(m: ProviderMapping, known: string[], runAs: string): string {
  const has = known.length ? ` (it has ${known.join(', ')})` : '';
  const at = m.source ? ` (${fileName(m.source.uri)} line ${m.source.range.start.line + 1})` : '';
  const fix = m.how === 'mapping' ? `correct the mapping line${at} or add ${m.provider} to the Vault's securityProviders (mapping/unknown-provider)`
    : m.how === 'default' ? `correct vault.defaultSecurityProvider${at} or add ${m.provider} to the Vault's securityProviders (mapping/unknown-provider)`
    : undefined; // an unmapped domain: the mapping's own detail says which line to add
  return `But the Vault has no security provider ${m.provider}${has}, so the ECM's sign-in as ${runAs} fails${fix ? `: ${fix}` : ''}.`;
}

function fileName(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}

function describeVia(a: Assignment): string {
  switch (a.kind) {
    case 'shared': return 'Shared credential (not tied to an endpoint)';
    case 'endpoint': return `Restricted, assigned to endpoint ${a.endpoint}`;
    case 'endpointGroup': return `Restricted, assigned through endpoint group ${a.group}`;
    case 'any-endpoint': return 'Restricted (Vault Go!: usable on any endpoint)';
  }
}

function notAssignedReason(inv: Parameters<typeof assignmentOn>[0], cred: VaultCredential, endpoint: string, endpointKnown: boolean): string {
  const eps = Array.isArray(cred.endpoints) ? cred.endpoints.filter((x): x is string => typeof x === 'string') : [];
  const groups = Array.isArray(cred.endpointGroups) ? cred.endpointGroups.filter((x): x is string => typeof x === 'string') : [];
  if (!eps.length && !groups.length) return 'Restricted credential assigned to no endpoint and no endpoint group, so it is never returned (credential/no-endpoint).';
  const near = eps.filter((e) => e !== endpoint && (e.trim().toLowerCase() === endpoint.trim().toLowerCase() || label(e) === label(endpoint)));
  if (near.length) return `Restricted, assigned to ${near.join(', ')}, which is not exactly ${endpoint} (the names must match, case and NetBIOS vs FQDN included).`;
  if (!endpointKnown) return `Restricted; Vault has no endpoint named exactly ${endpoint}, so the ECM's query cannot return it.`;
  const where = [eps.length ? `endpoint${eps.length > 1 ? 's' : ''} ${eps.join(', ')}` : '', groups.length ? `endpoint group${groups.length > 1 ? 's' : ''} ${groups.join(', ')}` : ''].filter(Boolean).join(' and ');
  return `Restricted, assigned to ${where}; ${endpoint} is not among them${groups.length ? ' nor in those groups' : ''}.`;
}

function noGrantReason(inv: Parameters<typeof assignmentOn>[0], cred: VaultCredential, runAs: string, principals: Principals): string {
  const policy = list<{ name?: string; permissions?: { principal?: string; actions?: string[] }[] }>(inv.credentialPolicies).find((p) => sameName(p.name, cred.policy));
  if (!policy) return `Its credential policy ${cred.policy ?? '(none)'} does not exist in Vault, so nobody may check it out (ref/unknown).`;
  const grantees = list<{ principal?: string; actions?: string[] }>(policy.permissions)
    .filter((p) => Array.isArray(p.actions) && p.actions.some((a) => sameName(a, 'checkout')))
    .map((p) => p.principal)
    .filter((p): p is string => typeof p === 'string');
  const who = grantees.length ? `grants check-out only to ${grantees.join(', ')}` : 'grants check-out to nobody';
  return `Policy ${policy.name} ${who}; ${runAs} acts as ${[...principals.values()].join(', ')}. A user can only inject a credential they may check out.`;
}
