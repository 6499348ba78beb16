/**
 * startSandbox(): the sandbox Vault as a library, for the CLI, the broker, the editor and the tests.
 * HTTPS on 127.0.0.1 only, with the cached loopback-only CA; the workspace is re-read after any change
 * to its files (debounced, and before the next request at the latest).
 */
import * as path from 'node:path';
import { Workspace } from '../../model/workspace';
import { startSandboxServer, type SandboxAddress, type SandboxPlace } from '../../net/sandboxServer';
import { SandboxApi, type CheckoutState, type SandboxLogEntry } from './api';
import { buildModel, type KeySource, type SandboxModel } from './model';

export interface SandboxOptions extends KeySource, SandboxPlace {
  sessionIdleMs?: number;
  now?: () => number;
  onLog?: (e: SandboxLogEntry) => void;
  /** Warnings about the workspace (no Vault file, a key that cannot be resolved…), after each (re)load. */
  onWarning?: (message: string) => void;
}

/** `url`: use as vault.hostname. */
export interface Sandbox extends SandboxAddress {
  /** Re-reads the workspace now (changes are also picked up on their own). */
  reload(): Promise<void>;
  model(): SandboxModel;
  activeRequests(): CheckoutState[];
  /** Calls no ecmkit read may make (UserGroups/{id}/Users starts a directory sync on a real Vault). */
  forbiddenCalls(): string[];
  /** Sessions signed in and not signed out (nor idled out). */
  sessionCount(): number;
  close(): Promise<void>;
}

export class SandboxKeyError extends Error {}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const dir = path.resolve(opts.workspace ?? '.');
  const load = async (): Promise<SandboxModel> => buildModel(await Workspace.load([dir]), opts);
  let model = await load();
  for (const w of model.warnings) opts.onWarning?.(w);
  if (model.integrations.length > 0 && model.integrations.every((i) => i.keyProblem)) {
    throw new SandboxKeyError(`The sandbox cannot know its API key. ${model.integrations.map((i) => i.keyProblem).join(' ')}`);
  }

  let api: SandboxApi | undefined;
  const server = await startSandboxServer({
    place: opts,
    dir,
    initial: model,
    load,
    handler: (current) => {
      api = new SandboxApi(current, { secrets: opts.secrets, sessionIdleMs: opts.sessionIdleMs, now: opts.now, onLog: opts.onLog });
      return (req, res) => api!.handle(req, res);
    },
  });
  return {
    url: server.url,
    port: server.port,
    caPath: server.caPath,
    caPem: server.caPem,
    reload: server.reload,
    model: server.model,
    activeRequests: () => api!.activeRequests(),
    forbiddenCalls: () => api!.forbiddenCalls(),
    sessionCount: () => api!.sessionCount(),
    close: server.close,
  };
}

export type { CheckoutState, SandboxLogEntry } from './api';
export type { SandboxModel } from './model';
