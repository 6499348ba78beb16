import type { Connection } from 'vscode-languageserver';
import type { Diagnostic } from 'vscode-languageserver-types';
import { checkFile, checkWorkspace, toDiagnostics, type Overrides } from '../engine/check';
import type { ParsedFile } from '../model/document';
import type { Workspace } from '../model/workspace';
import { Notifications } from '../protocol';
import type { Finding } from '../rules/types';

/**
 * Publishes diagnostics for the whole workspace. Single-file findings are cached per parsed file (so an
 * edit re-runs them for that file only); cross-file findings are recomputed and re-published wherever
 * they changed, including on files that are not open.
 */
export class DiagnosticsPublisher {
  private readonly fileFindings = new WeakMap<ParsedFile, Finding[]>();
  private readonly published = new Map<string, string>();
  /** The last checked version of each file, the base for checking the next one incrementally. */
  private readonly lastChecked = new Map<string, { file: ParsedFile; findings: Finding[] }>();
  private timer: NodeJS.Timeout | undefined;
  overrides: Overrides = {};
  /** Called after each publish (the code lenses refresh on it). */
  onDidPublish?: () => void;

  constructor(private readonly connection: Connection, private readonly ws: Workspace, private readonly delayMs = 150) {}

  /** Debounced: a burst of keystrokes produces one check. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.publishNow(); }, this.delayMs);
  }

  publishNow(): void {
    const cross = checkWorkspace(this.ws);
    let errors = 0, warnings = 0;
    const live = new Set<string>();
    for (const file of this.ws.all()) {
      live.add(file.uri);
      const diagnostics = toDiagnostics([...this.findingsOf(file), ...(cross.get(file.uri) ?? [])], this.overrides);
      for (const d of diagnostics) { if (d.severity === 1) errors++; else if (d.severity === 2) warnings++; }
      this.send(file.uri, diagnostics);
    }
    for (const uri of [...this.published.keys()]) if (!live.has(uri)) this.send(uri, []);
    for (const uri of [...this.lastChecked.keys()]) if (!live.has(uri)) this.lastChecked.delete(uri);
    void this.connection.sendNotification(Notifications.status, { files: live.size, errors, warnings } satisfies Notifications.StatusParams);
    this.onDidPublish?.();
  }

  /**
   * Checks a new version now when it follows the last checked one incrementally (cheap), so that a burst
   * of edits between two publishes stays a chain of small re-checks rather than one whole check.
   */
  track(file: ParsedFile): void {
    const last = this.lastChecked.get(file.uri);
    if (last && file.follows(last.file)) this.findingsOf(file);
  }

  private findingsOf(file: ParsedFile): Finding[] {
    let f = this.fileFindings.get(file);
    if (!f) {
      // After an edit of a few list items, only those are checked again (engine/check.ts).
      const last = this.lastChecked.get(file.uri);
      f = checkFile(file, last && file.follows(last.file) ? { findings: last.findings, parsed: !last.file.problems.length } : undefined);
      this.fileFindings.set(file, f);
      this.lastChecked.set(file.uri, { file, findings: f });
    }
    return f;
  }

  private send(uri: string, diagnostics: Diagnostic[]): void {
    const key = JSON.stringify(diagnostics);
    if (this.published.get(uri) === key) return;
    if (diagnostics.length) this.published.set(uri, key); else this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }
}
