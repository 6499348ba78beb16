/**
 * The editor runs `vault-test` and `sandbox` as child processes with an IPC channel (`--ipc`): stages
 * and state stream back as messages, and secrets come from the editor's SecretStorage over the channel,
 * never through argv, the environment, or a log line. Without --ipc these are no-ops.
 */
import { envSecrets, type SecretLookup } from '../model/secrets';

import type { ChildMessage, ParentMessage, SecretRequest } from '../../../protocol/ipc';
export type { ChildMessage, ParentMessage, SecretRequest };

export function ipcOn(): boolean {
  return typeof process.send === 'function';
}

/** Sends a message; resolves once it is handed to the channel (so a final message is not lost). */
export function sendToParent(m: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send && process.connected) process.send(m, undefined, undefined, () => resolve());
    else resolve();
  });
}

/** Closes the channel, which otherwise keeps the process alive after its work is done. */
export function closeIpc(): void {
  if (process.connected) process.disconnect?.();
}

/** Runs a subcommand and closes the editor's IPC channel after it, which would otherwise keep the process alive. */
export function closingIpc(runCommand: (argv: string[]) => Promise<number>): (argv: string[]) => Promise<number> {
  return async (argv) => {
    try {
      return await runCommand(argv);
    } finally {
      if (argv.includes('--ipc')) closeIpc();
    }
  };
}

/** Asks the editor for these secrets; resolves with a lookup that falls back to the environment. */
export async function askSecrets(requests: SecretRequest[], timeoutMs = 10 * 60_000): Promise<SecretLookup> {
  if (!ipcOn() || requests.length === 0) return envSecrets;
  const values = await askEditor(requests, timeoutMs);
  return (name) => values.get(name) ?? envSecrets(name);
}

/** The editor's answer to `secrets?` (non-empty values only): nothing from the environment. Empty without IPC. */
export function askEditor(requests: SecretRequest[], timeoutMs = 10 * 60_000): Promise<Map<string, string>> {
  if (!ipcOn() || requests.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve) => {
    const timer = setTimeout(() => { process.off('message', onMessage); resolve(new Map()); }, timeoutMs);
    const onMessage = (m: ParentMessage): void => {
      if (m?.ecmkit !== 'secrets') return;
      clearTimeout(timer);
      process.off('message', onMessage);
      resolve(new Map(Object.entries(m.values ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')));
    };
    process.on('message', onMessage);
    void sendToParent({ ecmkit: 'secrets?', requests });
  });
}

/** Resolves when the parent asks to stop or goes away (so an editor crash never leaves a server behind). */
export function parentGone(): Promise<void> {
  return new Promise((resolve) => {
    if (!ipcOn()) return;
    process.on('message', (m: ParentMessage) => { if (m?.ecmkit === 'stop') resolve(); });
    process.once('disconnect', () => resolve());
  });
}
