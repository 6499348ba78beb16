// The broker's HTTP API (docs/broker-api.md) and the events it tells its operator, shared by the broker,
// the CLI and the editor (status bar, Debug Console, Simulate).
import { plainDetail, type FindAnswer, type TraceStep } from './trace';

export type { FindAnswer };

/** A request as PA sends it: the PA username, the provider the user logged in with, the jump client's name. */
export interface FindRequest { user: string; securityProvider: string; endpoint: string }
export interface CheckoutRequest extends FindRequest { credentialId: string }
export interface CheckoutAnswer { leaseId: string; username: string; password: string; expiresAt: string }

export interface HealthAnswer {
  status: 'ok';
  ecm: string | null;
  vault: { reachable: boolean; url?: string; problem?: { code: string; message: string } };
}

export interface EcmsAnswer {
  site: string;
  /** The ECM a request with no ECM group to go to is sent to: the one connected the longest. */
  active: string | null;
  /**
   * Connected ECMs first, in routing order (longest connected first), then disconnected ones. `group`: the
   * ECM group its PA API account puts it in (null when the PA file does not say); `active`: it serves its
   * group's requests (without groups: the site's).
   */
  ecms: { name: string; file: string; host?: string; group: string | null; order: number | null; connected: boolean; connectedSince: string | null; active: boolean }[];
  /**
   * The ECM groups in routing order (by their first ECM in `ecms`): which ECM serves each, its ECMs in
   * routing order, and the jump groups whose requests it gets. One group `null` when the PA file does not
   * say the groups.
   */
  groups: { group: string | null; active: string | null; ecms: string[]; jumpGroups: string[] }[];
  /** ECM files of this site (of one ECM group) beyond the fifth: the appliance never routes to them. */
  ignored: string[];
  max: number;
}

export type LeaseState = 'open' | 'checked-in' | 'expired';

export type BrokerErrorCode =
  | 'bad-request' | 'unauthorized' | 'forbidden-host' | 'not-found' | 'method-not-allowed' | 'too-large'
  | 'user-not-found' | 'endpoint-not-found' | 'credential-unavailable' | 'credential-not-found'
  | 'lease-not-found' | 'lease-expired' | 'ecm-not-found' | 'no-ecm-connected' | 'no-vault'
  | 'vault-unreachable' | 'vault-auth-failed' | 'vault-ip-not-allowed' | 'vault-tls' | 'vault-error'
  | 'shutting-down' | 'internal';

/** The first line a broker prints; the editor and scripts read the port and token path from it. */
export const LISTENING_LINE = /^broker listening on (http:\/\/127\.0\.0\.1:\d+) token=(.+)$/;

/** What the broker tells its operator. Events carry names, paths, statuses and times, never a key, token or password. */
export type BrokerEvent =
  | { type: 'request'; id: number; method: string; path: string; status: number; ms: number; code?: string; summary?: string }
  | { type: 'trace'; id: number; ecm?: string; runAs?: string; endpoint: string; steps: TraceStep[] }
  | { type: 'vault'; ecm: string; runAs?: string; method: string; path: string; status?: number; ms: number; error?: string }
  | { type: 'sandbox'; method: string; path: string; status: number; reason?: string; runAs?: string }
  | { type: 'lease'; action: 'checkout' | 'checkin' | 'expired' | 'shutdown-checkin'; leaseId: string; credential: string; runAs: string; ecm: string; expiresAt?: string }
  | { type: 'ecm'; action: 'connect' | 'disconnect' | 'active'; name: string; active?: string }
  /** The workspace's problems as `ecmkit check` counts them: at start when there are errors, and when the count changes. */
  | { type: 'problems'; at: 'start' | 'change'; errors: number; warnings: number; files: string[] }
  | { type: 'info' | 'warning'; message: string };

/** The mark of each outcome, wherever a step is shown. */
export const STEP_MARK: Record<TraceStep['outcome'], string> = { pass: '✓', drop: '–', fail: '✗' };

/** One trace step as a line (log, Debug Console, CLI). */
export function formatStep(s: TraceStep): string {
  return `${STEP_MARK[s.outcome]} ${s.step}${s.credential ? ` ${s.credential}` : ''}: ${plainDetail(s.detail)}`;
}

/** One event as readable lines (the CLI's stderr and the Debug Console). */
export function formatEvent(e: BrokerEvent): string {
  switch (e.type) {
    case 'request': return `#${e.id} ${e.method} ${e.path} → ${e.status}${e.code ? ` ${e.code}` : ''} (${e.ms.toFixed(1)} ms)${e.summary ? ` ${e.summary}` : ''}`;
    case 'trace': {
      const head = `#${e.id} trace${e.runAs ? `: ${e.runAs}` : ''} on ${e.endpoint || '?'}${e.ecm ? ` via ${e.ecm}` : ''}`;
      return [head, ...e.steps.map((s) => `    ${formatStep(s)}`)].join('\n');
    }
    case 'vault': return `  vault[${e.ecm}${e.runAs ? ` as ${e.runAs}` : ''}] ${e.method} ${e.path} → ${e.status ?? e.error ?? '?'} (${e.ms.toFixed(1)} ms)`;
    case 'sandbox': return `  sandbox ${e.method} ${e.path} → ${e.status}${e.reason ? ` (${e.reason})` : ''}`;
    case 'lease': return `lease ${e.action}: ${e.credential} for ${e.runAs} via ${e.ecm} [${e.leaseId}]${e.expiresAt ? ` until ${e.expiresAt}` : ''}`;
    case 'ecm': return e.action === 'active' ? `ECM ${e.name} is now active` : `ECM ${e.name} ${e.action}ed; active: ${e.active ?? 'none'}`;
    case 'problems': return problemsLine(e.errors, e.files);
    case 'info': return e.message;
    case 'warning': return `warning: ${e.message}`;
  }
}

/** "2 errors in the workspace (prod.ecm.yaml): …": the broker answers from the files as they are. */
export function problemsLine(errors: number, files: string[]): string {
  if (!errors) return 'no errors in the workspace now';
  const where = files.length ? ` (${files.slice(0, 3).join(', ')}${files.length > 3 ? `, ${files.length - 3} more` : ''})` : '';
  return `${errors} error${errors === 1 ? '' : 's'} in the workspace${where}: the broker answers from the files as they are; ecmkit check (or the Problems panel) lists them.`;
}
