/**
 * The broker's trace: the files' steps (engine/injection.ts) with the Vault's spliced in where they
 * happen, the ECM filter's own drops, a cross-check of the two answers, and the result. Every text the
 * broker adds to a trace is written here.
 */
import type { CredentialAnswer, SourceRef, TraceStep } from '../../../protocol/trace';
import type { Resolution } from '../engine/injection';
import type { ManagedAccount } from '../vault/client';
import { rowName } from './vaultRows';

/** "12.3 ms" since `t0` (performance.now()). */
function since(t0: number): string {
  return `${(performance.now() - t0).toFixed(1)} ms`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function vaultSignInStep(hostname: string, runAs: string, signedIn: boolean, t0: number, source?: SourceRef): TraceStep {
  return { step: 'vault-sign-in', outcome: 'pass', detail: `${signedIn ? 'Signed in to' : 'Reused the open session with'} the Vault at ${hostname} as ${runAs} (${since(t0)}).`, source };
}

export function vaultQueryStep(rows: ManagedAccount[], runAs: string, endpoint: string, t0: number, source?: SourceRef): TraceStep {
  const names = rows.length ? `: ${rows.map(rowName).join(', ')}` : '';
  return { step: 'vault-query', outcome: 'pass', detail: `The Vault lists ${plural(rows.length, 'account')} ${runAs} may check out for ${endpoint}${names} (${since(t0)}).`, source };
}

/** The files' steps up to the credentials, then the check-out that followed. */
export function checkoutTrace(files: TraceStep[], credential: string, minutes: number, requestId: number, reason: string): TraceStep[] {
  return [...layoutOf(files).steps, {
    step: 'vault-checkout', outcome: 'pass',
    detail: `Checked out ${credential} for ${plural(minutes, 'minute')} (Vault request ${requestId}; reason "${reason}").`,
  }];
}

/** The files' steps, then the check-out that failed. */
export function checkoutFailedTrace(files: TraceStep[], message: string): TraceStep[] {
  return [...files, { step: 'vault-checkout', outcome: 'fail', detail: message }];
}

/** The files' steps, the Vault steps that passed, the one that failed, and no credentials as the result. */
export function vaultFailedTrace(files: TraceStep[], passed: TraceStep[], step: string, detail: string): TraceStep[] {
  return [
    ...withoutResult(files), ...passed, { step, outcome: 'fail', detail },
    { step: 'result', outcome: 'fail', detail: 'The ECM returns no credentials: the access console shows none.' },
  ];
}

/** What the cross-check compares on the files' side, made once per (cached) resolution. */
const filesSide = new WeakMap<Resolution, { offers: Set<string>; returned: string }>();

/** Compares what the Vault listed with what the files grant (before the ECM's own filters). */
export function crossCheck(rows: ManagedAccount[], resolution: Resolution, returned: CredentialAnswer[]): TraceStep {
  let side = filesSide.get(resolution);
  if (!side) filesSide.set(resolution, (side = { offers: new Set(resolution.vaultOffers), returned: resolution.credentials.map((c) => c.name).sort().join(',') }));
  const vault = new Set(rows.map(rowName));
  const files = side.offers;
  const extra = [...vault].filter((n) => !files.has(n));
  const missing = [...files].filter((n) => !vault.has(n));
  const ecmFiles = side.returned;
  const ecmVault = returned.map((c) => c.name).sort().join(',');
  if (!extra.length && !missing.length && ecmFiles === ecmVault) {
    return { step: 'cross-check', outcome: 'pass', detail: `The Vault's answer matches the files (${vault.size} listed, ${returned.length} returned).` };
  }
  const parts = [
    extra.length ? `the Vault lists ${extra.join(', ')}, which the files do not grant here` : '',
    missing.length ? `the files grant ${missing.join(', ')}, which the Vault did not list` : '',
    ecmFiles !== ecmVault ? `after the ECM's filters the files give [${ecmFiles}] and the Vault [${ecmVault}]` : '',
  ].filter(Boolean);
  return { step: 'cross-check', outcome: 'fail', detail: `The Vault disagrees with the files: ${parts.join('; ')}. The broker returns the Vault's answer; update the files (or the Vault).` };
}

/**
 * A find's whole trace: the files' steps with the Vault's sign-in after `sign-in` and its query before the
 * credentials, then the ECM filter's drops the files did not already explain, the cross-check, the result.
 */
export function findTrace(files: TraceStep[], signIn: TraceStep, query: TraceStep, filterDrops: TraceStep[], check: TraceStep, returned: CredentialAnswer[]): TraceStep[] {
  const { template, explained } = layoutOf(files);
  const out = template.map((t) => (t === SIGN_IN ? signIn : t === QUERY ? query : t));
  for (const d of filterDrops) if (!explained.has(d.credential)) out.push(d);
  out.push(check);
  const n = returned.length;
  out.push({
    step: 'result', outcome: n ? 'pass' : 'fail',
    detail: n ? `The ECM returns ${plural(n, 'credential')}: ${returned.map((c) => c.name + (c.available ? '' : ' (unavailable)')).join(', ')}.`
      : 'The ECM returns no credentials: the access console shows none. The steps above say why each was left out.',
  });
  return out;
}

/** The files' steps without their result, where a find's Vault steps go among them, and the credentials they explain; per (cached) files' trace. */
interface FindLayout {
  /** The files' steps up to the credentials (the result left out). */
  steps: TraceStep[];
  template: TraceStep[];
  explained: Set<string | undefined>;
}
const layouts = new WeakMap<TraceStep[], FindLayout>();
const SIGN_IN: TraceStep = { step: 'vault-sign-in', outcome: 'pass', detail: '' };
const QUERY: TraceStep = { step: 'vault-query', outcome: 'pass', detail: '' };

/**
 * The files' steps with places for the Vault's: its sign-in after `sign-in`, its query before the
 * credentials; and the credentials the files already give a reason for leaving out (one only the Vault's
 * answer left out — the Vault and the files disagree — gets the filter's). Made once per files' trace.
 */
function layoutOf(files: TraceStep[]): FindLayout {
  let layout = layouts.get(files);
  if (layout) return layout;
  const steps = withoutResult(files);
  const template = [...steps];
  const at = (pred: (t: TraceStep) => boolean, fallback: number) => { const i = template.findIndex(pred); return i === -1 ? fallback : i; };
  template.splice(at((t) => t.step === 'sign-in', template.length - 1) + 1, 0, SIGN_IN);
  template.splice(at((t) => t.step === 'credential' || t.step === 'others', template.length), 0, QUERY);
  const explained = new Set(files.filter((t) => t.outcome === 'drop' && t.credential).map((t) => t.credential));
  layouts.set(files, (layout = { steps, template, explained }));
  return layout;
}

function withoutResult(trace: TraceStep[]): TraceStep[] {
  return trace.filter((t) => t.step !== 'result');
}
