// Services `npm start` runs beside the editor. Each is started before code-server and stopped (in reverse
// order) when `npm start` ends. Add one by appending to START_HOOKS, e.g. the sandbox Vault:
//   { name: 'sandbox Vault', start: async ({ workspace, logDir }) => { …; return { stop, env: {…} } } }
// `env` entries are passed to code-server (and so to the extension host and its child processes).

export interface StartedService {
  /** Extra lines printed under the editor URL, e.g. "sandbox Vault: https://127.0.0.1:8443". */
  info?: string[];
  /** Environment for code-server (e.g. where the sandbox listens). */
  env?: Record<string, string>;
  stop(): Promise<void>;
}

export interface StartHook {
  name: string;
  start(ctx: { workspace: string; logDir: string }): Promise<StartedService>;
}

import { paSandboxHook } from './paSandboxHook';
import { sandboxHook } from './sandboxHook';

export const START_HOOKS: StartHook[] = [sandboxHook, paSandboxHook];
