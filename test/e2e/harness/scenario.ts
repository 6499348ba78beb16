// What a scenario file under test/e2e/scenarios/ exports (as `default`).
import type { Page } from 'playwright-core';
import type { Workbench } from './workbench';

export interface ScenarioContext {
  page: Page;
  ui: Workbench;
  /** A fresh copy of examples/ that this scenario's editor window has open. */
  workspace: string;
  log(message: string): void;
  /** Saves an intermediate screenshot `<scenario>.<label>.png` (the end state is saved by the harness). */
  screenshot(label: string): Promise<void>;
  /** Saves measurements as test-results/e2e/<name>.json. */
  record(name: string, data: unknown): void;
  /** What the editor's environment got from the services `npm start` runs beside it (editor: 'npm start'); else empty. */
  services: Record<string, string>;
}

export interface Scenario {
  /** What a user would see working, e.g. "diagnostics appear and disappear as the fix is typed". */
  title: string;
  /**
   * 'trusted' (default): code-server runs with --disable-workspace-trust.
   * 'untrusted': code-server runs with workspace trust on, and the scenario declines to trust the folder.
   */
  trust?: 'trusted' | 'untrusted';
  /**
   * 'npm start': the editor as `npm start` runs it, with its services beside it (scripts/e2e/startHooks.ts:
   * the sandbox Vault, the PA sandbox) serving the folder the window opens (shared by such scenarios).
   */
  editor?: 'npm start';
  /** Drives the editor; throws on what a user would see as wrong. The harness screenshots the end state. */
  run(ctx: ScenarioContext): Promise<void>;
}
