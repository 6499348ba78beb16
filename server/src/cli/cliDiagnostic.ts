// One diagnostic as `ecmkit check` prints it (text, JSON and SARIF share it; docs/cli.md#ecmkit-check).
import type { Diagnostic } from 'vscode-languageserver-types';

/** LSP severities 1–4 by name (index 0 unused). */
export const SEVERITY = ['', 'error', 'warning', 'information', 'hint'] as const;

export interface CliDiagnostic {
  /** Relative to the current directory. */
  file: string;
  range: Diagnostic['range'];
  severity: (typeof SEVERITY)[number];
  code: string;
  message: string;
}
