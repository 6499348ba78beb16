// The editor runs `ecmkit vault-test`, `sandbox` and `pull` as child processes with an IPC channel (`--ipc`):
// stages and state stream back as messages; secrets come from the editor's SecretStorage over the channel,
// asked for by name, never through argv, the environment or a log line.
import type { StageResult, VaultTestReport } from './vaultReport';

export interface SecretRequest { name: string; required: boolean; purpose: string }

/** Child (CLI) → editor. */
export type ChildMessage =
  | { ecmkit: 'secrets?'; requests: SecretRequest[] }
  | { ecmkit: 'stage-start'; stage: string }
  | { ecmkit: 'stage'; result: StageResult }
  | { ecmkit: 'report'; report: VaultTestReport }
  | { ecmkit: 'listening'; url: string; caPath: string }
  | { ecmkit: 'log'; line: string };

/** Editor → child (CLI). */
export type ParentMessage = { ecmkit: 'secrets'; values: Record<string, string | undefined> } | { ecmkit: 'stop' };

/** The environment variable the CLI reads for `${secret:NAME}` (docs/formats.md#secrets). */
export function secretEnvName(name: string): string {
  return 'ECMKIT_SECRET_' + name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase();
}
