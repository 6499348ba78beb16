// The editor runs `ecmkit vault-test`, `sandbox` and `pull` as child processes with an IPC channel (`--ipc`):
// stages and state stream back as messages; secrets come from the editor's SecretStorage over the channel,
// asked for by name, never through argv, the environment or a log line.
import type { StageResult, VaultTestReport } from './vaultReport';

export interface SecretRequest { name: string; required: boolean; purpose: string }

/** One difference between an inventory file and the live system, by item name (`ecmkit pull`). */
export interface PullChange {
  kind: 'added' | 'removed' | 'changed';
  /** The list (or `top` for a top-level field). */
  section: string;
  /** The item's name (or the top-level field's). */
  name: string;
  /** For `changed`: the fields that differ. */
  fields?: string[];
}

export type PullCounts = Record<PullChange['kind'], number>;

/** Items read so far into one section of the file; `done` once the section is complete. */
export interface PullProgress { section: string; count: number; done: boolean }

/**
 * What `pull --ipc` would write, sent before anything is written: the editor shows it beside the file and
 * answers `pull-write` (with the same sha256: exactly this text is written) or `stop`.
 */
export interface PullProposal {
  /** Absolute path of the file the pull writes. */
  file: string;
  /** False: the file does not exist yet and would be created. */
  exists: boolean;
  /** The file's whole new text. */
  text: string;
  /** Hex SHA-256 of `text` (UTF-8). */
  sha256: string;
  /** The differences (a new file lists its first 50 additions only; `counts` has them all). */
  changes: PullChange[];
  counts: PullCounts;
}

/** How a `pull --ipc` ended (a failure ends with exit 2 and the reason on stderr instead). */
export interface PullOutcome {
  file: string;
  /** True: the proposal was written. False: nothing differed, or the editor declined. */
  written: boolean;
  /** Nothing differed between the file and the live system. */
  upToDate: boolean;
  /** Items read, by section. */
  items: Record<string, number>;
}

/** Child (CLI) → editor. */
export type ChildMessage =
  | { ecmkit: 'secrets?'; requests: SecretRequest[] }
  | { ecmkit: 'stage-start'; stage: string }
  | { ecmkit: 'stage'; result: StageResult }
  | { ecmkit: 'report'; report: VaultTestReport }
  | { ecmkit: 'listening'; url: string; caPath: string }
  | { ecmkit: 'log'; line: string }
  | { ecmkit: 'pull-progress'; progress: PullProgress }
  | { ecmkit: 'pull-proposed'; proposal: PullProposal }
  | { ecmkit: 'pull-result'; result: PullOutcome };

/** Editor → child (CLI). */
export type ParentMessage =
  | { ecmkit: 'secrets'; values: Record<string, string | undefined> }
  | { ecmkit: 'stop' }
  | { ecmkit: 'pull-write'; sha256: string };

/** The environment variable the CLI reads for `${secret:NAME}` (docs/formats.md#secrets). */
export function secretEnvName(name: string): string {
  return 'ECMKIT_SECRET_' + name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase();
}

/**
 * The names a pull asks the editor for its secret under (`secrets?`): the PA API account's OAuth client
 * secret, the Vault's API key. The editor keeps each value in SecretStorage per site and account.
 */
export const PULL_SECRET = { pa: 'pull.pa.clientSecret', vault: 'pull.vault.apiKey' } as const;
