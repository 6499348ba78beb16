// What a scenario file under test/e2e/scenarios/ exports (as `default`).
import type { Page } from 'playwright-core';
import type { StartHook } from '../../../scripts/e2e/startHooks';
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
  editorEnv: Record<string, string>;
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
   * Services started once for the run before code-server, served from examples/, whose environment the
   * editor gets — as `npm start` does (scripts/e2e/startHooks.ts), e.g. the PA sandbox.
   */
  services?: StartHook[];
  /**
   * 'npm start': an editor of its own, as `npm start` runs it: every service npm start runs (START_HOOKS:
   * the sandbox Vault, the PA sandbox) started beside it for it alone, serving the folder its window opens.
   */
  editor?: 'npm start';
  /** Drives the editor; throws on what a user would see as wrong. The harness screenshots the end state. */
  run(ctx: ScenarioContext): Promise<void>;
}
