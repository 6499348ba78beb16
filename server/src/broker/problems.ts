// The workspace's own problems as the broker reports them at start (and when they change): the count
// `ecmkit check` gives, so an answer from broken files never looks like an answer from sound ones.
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { diagnoseWorkspace, type Overrides } from '../engine/check';
import type { Workspace } from '../model/workspace';

export interface WorkspaceProblems { errors: number; warnings: number; files: string[] }

export function workspaceProblems(ws: Workspace, overrides: Overrides = {}): WorkspaceProblems {
  const out: WorkspaceProblems = { errors: 0, warnings: 0, files: [] };
  for (const [uri, diagnostics] of diagnoseWorkspace(ws, overrides)) {
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length;
    out.errors += errors;
    out.warnings += diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).length;
    if (errors) out.files.push(decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1)));
  }
  out.files.sort();
  return out;
}
