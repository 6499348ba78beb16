/**
 * The server's side of "Simulate Credential Request…": the PA users and jump clients to pick from, and
 * the injection resolved from the workspace index (the files as the editor has them, saved or not).
 * With a broker running, the editor asks the broker instead, which adds the Vault's own answer.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { jumpClientCountsFor, jumpClientSummaries } from '../engine/injectionSummary';
import { resolveInjection } from '../engine/injection';
import { sitesOf } from '../domain/site';
import { list, type PaJumpClient, type PaUser } from '../model/inventory';
import type { Workspace } from '../model/workspace';
import type { InjectionTargets, SimulateParams, UserJumpClients, UserJumpClientsParams } from '../../../protocol/lsp';
import type { FindAnswer } from '../../../protocol/trace';

export function injectionTargets(ws: Workspace): InjectionTargets {
  return {
    sites: sitesOf(ws).filter((s) => s.pa).map((s) => {
      const sums = jumpClientSummaries(ws, s.pa!.file.uri);
      return {
        site: s.site,
        pa: s.pa!.file.uri,
        ecms: s.ecms.map((e) => String(e.value.name ?? '')),
        users: list<PaUser>(s.pa!.value.users)
          .filter((u) => typeof u.username === 'string')
          .map((u) => ({ username: u.username!, securityProvider: typeof u.securityProvider === 'string' ? u.securityProvider : 'local', email: typeof u.email === 'string' ? u.email : undefined })),
        jumpClients: list<PaJumpClient>(s.pa!.value.jumpClients)
          .filter((j) => typeof j.name === 'string')
          .map((j) => {
            const sum = sums.get(j.name!);
            return { name: j.name!, hostname: typeof j.hostname === 'string' ? j.hostname : undefined, credentialInjection: j.credentialInjection !== false, credentials: sum?.credentials ?? 0, users: sum?.users ?? 0 };
          }),
      };
    }),
  };
}

/** The broker's error code for each way the files stop an injection, so both answers read alike. */
const BROKER_CODE: Record<string, string> = {
  'provider-unmapped': 'user-not-found',
  'provider-unknown': 'user-not-found',
  'user-not-found': 'user-not-found',
  'endpoint-not-found': 'endpoint-not-found',
  integration: 'vault-auth-failed',
  'no-ecm': 'no-ecm-connected',
};

export function simulate(ws: Workspace, p: SimulateParams): FindAnswer {
  const r = resolveInjection(ws, { user: p.user, securityProvider: p.securityProvider, endpoint: p.endpoint }, { ecm: p.ecm });
  return {
    credentials: r.credentials.map((c) => ({ id: c.id, name: c.name, username: c.username, type: c.type, available: c.available })),
    trace: r.trace,
    ecm: r.ecm,
    runAs: r.runAs,
    error: r.failure && r.failure.code !== 'injection-off' ? { code: BROKER_CODE[r.failure.code] ?? r.failure.code, message: r.failure.message } : undefined,
  };
}

/** The request's fields, checked: any client may send it, and a missing one must not crash the handler. */
export function simulateParams(p: unknown): SimulateParams {
  const o = (p && typeof p === 'object' ? p : {}) as Record<string, unknown>;
  const missing = ['user', 'securityProvider', 'endpoint'].filter((k) => typeof o[k] !== 'string' || !(o[k] as string).trim());
  if (missing.length) throw new ResponseError(ErrorCodes.InvalidParams, `ecmkit/simulate needs ${missing.join(', ')} (non-empty strings).`);
  if (o.ecm !== undefined && typeof o.ecm !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'ecmkit/simulate: ecm is an ECM name (a string).');
  return { user: o.user as string, securityProvider: o.securityProvider as string, endpoint: o.endpoint as string, ecm: o.ecm as string | undefined };
}

/** One PA user's credential count on each jump client of a PA file, in file order. */
export function userJumpClients(ws: Workspace, p: UserJumpClientsParams): UserJumpClients {
  const counts = jumpClientCountsFor(ws, p.pa, p.user, p.securityProvider);
  return { jumpClients: [...counts].map(([name, c]) => ({ name, ...c })) };
}

/** The request's fields, checked like simulateParams. */
export function userJumpClientsParams(p: unknown): UserJumpClientsParams {
  const o = (p && typeof p === 'object' ? p : {}) as Record<string, unknown>;
  const missing = ['pa', 'user', 'securityProvider'].filter((k) => typeof o[k] !== 'string' || !(o[k] as string).trim());
  if (missing.length) throw new ResponseError(ErrorCodes.InvalidParams, `ecmkit/userJumpClients needs ${missing.join(', ')} (non-empty strings).`);
  return { pa: o.pa as string, user: o.user as string, securityProvider: o.securityProvider as string };
}
