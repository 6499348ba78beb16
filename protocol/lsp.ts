/**
 * Custom LSP requests and notifications shared by the server and the VS Code client; the one place
 * their names and shapes are defined.
 */
export namespace Requests {
  /** Re-check every file of the workspace now (e.g. after a settings change the client saw first). */
  export const recheck = 'ecmkit/recheck';

  /** PA users and jump clients of each site (with their code-lens counts), for the Simulate quick picks. */
  export const injectionTargets = 'ecmkit/injectionTargets';
  export interface InjectionTargets {
    sites: {
      site: string;
      ecms: string[];
      users: { username: string; securityProvider: string; email?: string }[];
      jumpClients: { name: string; hostname?: string; credentialInjection: boolean; credentials: number; users: number }[];
    }[];
  }

  /** One injection resolved from the files alone (engine/injection.ts, no Vault): the simulate view without a broker. */
  export const simulate = 'ecmkit/simulate';
  export interface SimulateParams { user: string; securityProvider: string; endpoint: string; ecm?: string }
  /** Same shape as the broker's find answer, plus the failure when the injection stops early. */
  export interface SimulateResult {
    credentials: { id: string; name: string; username: string; type: string; available: boolean }[];
    trace: { step: string; outcome: 'pass' | 'drop' | 'fail'; detail: string; credential?: string; source?: { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } } }[];
    ecm?: string;
    runAs?: string;
    error?: { code: string; message: string };
  }
}

export namespace Notifications {
  /** Server → client: a short status line for the status bar (files indexed, errors). */
  export const status = 'ecmkit/status';
  export interface StatusParams {
    files: number;
    errors: number;
    warnings: number;
  }
}
