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
    void this.connection.sendNotification(Notifications.status, { files: live.size, errors, warnings } satisfies Notifications.StatusParams);
    this.onDidPublish?.();
  }

  private findingsOf(file: ParsedFile): Finding[] {
    let f = this.fileFindings.get(file);
    if (!f) { f = checkFile(file); this.fileFindings.set(file, f); }
    return f;
  }

  private send(uri: string, diagnostics: Diagnostic[]): void {
    const key = JSON.stringify(diagnostics);
    if (this.published.get(uri) === key) return;
    if (diagnostics.length) this.published.set(uri, key); else this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }
}
