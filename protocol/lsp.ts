// The custom LSP requests and notifications between the VS Code client and the language server, typed, so
// both sides agree on names and shapes at compile time (like vscode-eslint's shared protocol).
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { FindAnswer, Range } from './trace';

/** Re-check every file of the workspace now (e.g. after a settings change the client saw first). */
export const RecheckRequest = new RequestType0<null, void>('ecmkit/recheck');

/** PA users and jump clients of each site (with their code-lens counts), for the Simulate quick picks. */
export interface InjectionTargets {
  sites: {
    site: string;
    /** The site's PA file (its URI), for UserJumpClientsRequest. */
    pa: string;
    ecms: string[];
    users: { username: string; securityProvider: string; email?: string }[];
    jumpClients: { name: string; hostname?: string; credentialInjection: boolean; credentials: number; users: number }[];
  }[];
}
export const InjectionTargetsRequest = new RequestType<Record<string, never>, InjectionTargets, void>('ecmkit/injectionTargets');

/** How many credentials one PA user would get on each jump client of a PA file (the Simulate picker for that user). */
export interface UserJumpClientsParams { pa: string; user: string; securityProvider: string }
export interface UserJumpClients {
  /** Every jump client of the file, in file order; `reason` says why the count is 0 when one reason does. */
  jumpClients: { name: string; credentials: number; reason?: string }[];
}
export const UserJumpClientsRequest = new RequestType<UserJumpClientsParams, UserJumpClients, void>('ecmkit/userJumpClients');

/** One injection resolved from the files alone (no Vault): the Simulate view without a broker. */
export interface SimulateParams { user: string; securityProvider: string; endpoint: string; ecm?: string }
export const SimulateRequest = new RequestType<SimulateParams, FindAnswer, void>('ecmkit/simulate');

/** Where an ECM file's `vault.hostname` is, for the client's "Test connectivity" code lens (null: none). */
export interface VaultHostnameParams { uri: string }
export const VaultHostnameRequest = new RequestType<VaultHostnameParams, { range: Range } | null, void>('ecmkit/vaultHostname');

/** Server → client: a short status line for the status bar (files indexed, errors). */
export interface StatusParams { files: number; errors: number; warnings: number }
export const StatusNotification = new NotificationType<StatusParams>('ecmkit/status');
