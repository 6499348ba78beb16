import type { Connection } from 'vscode-languageserver';
import type { Diagnostic } from 'vscode-languageserver-types';
import { checkFileSteps, checkWorkspaceSteps, drain, prepareForEdits, type Overrides } from '../engine/check';
import { byFile, settle } from '../engine/oneFinding';
import type { ParsedFile } from '../model/document';
import type { Workspace } from '../model/workspace';
import { StatusNotification } from '../../../protocol/lsp';
import type { Finding } from '../rules/types';

/** A run yields to the event loop after this much work, so newer edits are read (and can cancel it). */
const SLICE_MS = 10;
/** Runs that check at least this much text from scratch show progress in the editor (and log their time). */
const PROGRESS_CHARS = 1024 * 1024;
/** How long after a publish, with nothing new, the edit caches are built (prepareWhenIdle). */
const PREPARE_DELAY_MS = 200;

/**
 * Publishes diagnostics for the whole workspace. Single-file findings are cached per parsed file (so an
 * edit re-runs them for that file only); cross-file findings are recomputed and re-published wherever
 * they changed, including on files that are not open.
 *
 * A run is cancellable: it yields between rules, and stops when the workspace changed or a newer run
 * started. Nothing of a stopped run is published — the editor never shows diagnostics of a version the
 * user already typed over — but the files it finished stay cached for the next run.
 */
export class DiagnosticsPublisher {
  private readonly fileFindings = new WeakMap<ParsedFile, Finding[]>();
  /**
   * What the editor was last given for each file (`key`: the diagnostics as sent, to skip sending the same
   * again) and the parsed version they were found for — an unchanged set found again for a newer version
   * counts for it, though it is not sent again.
   */
  private readonly shown = new Map<string, { key: string; diagnostics: Diagnostic[]; file?: ParsedFile }>();
  /** The last checked version of each file, the base for checking the next one incrementally. */
  private readonly lastChecked = new Map<string, { file: ParsedFile; findings: Finding[] }>();
  private timer: NodeJS.Timeout | undefined;
  /** Id of the newest run started; a run whose id is no longer this one has been replaced. */
  private latestRun = 0;
  /** Callers of `publishNow`, each waiting for a run that started after its call to complete. */
  private waiters: { run: number; resolve: () => void }[] = [];
  overrides: Overrides = {};
  /** Called after each publish (the code lenses refresh on it). */
  onDidPublish?: () => void;

  constructor(private readonly connection: Connection, private readonly ws: Workspace, private readonly delayMs = 150) {}

  /** Debounced: a burst of keystrokes produces one check. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.publishNow(); }, this.delayMs);
  }

  /**
   * Checks now, replacing any run in progress. Resolves once diagnostics at least as new as the workspace
   * at this call are published (if an edit stops this run, the run that replaces it counts).
   */
  publishNow(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    const run = ++this.latestRun;
    const done = new Promise<void>((resolve) => this.waiters.push({ run, resolve }));
    this.run(run).catch((err) => console.error(`ecmkit: checking failed: ${(err as Error).stack ?? err}`));
    return done;
  }

  /**
   * Checks a new version now when it follows the last checked one incrementally (cheap), so that a burst
   * of edits between two publishes stays a chain of small re-checks rather than one whole check.
   */
  track(file: ParsedFile): void {
    const last = this.lastChecked.get(file.uri);
    if (last && file.follows(last.file)) drain(this.findingSteps(file));
  }

  private async run(run: number): Promise<void> {
    const generation = this.ws.generation;
    const stale = (): boolean => this.latestRun !== run || this.ws.generation !== generation;
    const files = this.ws.all();
    const started = Date.now();
    const progress = await this.progressFor(files);
    let sliceStart = Date.now();
    /** Runs a check's steps, yielding when a slice is used up; undefined when the run went stale. */
    const steps = async <T>(gen: Generator<void, T>): Promise<T | undefined> => {
      for (;;) {
        const step = gen.next();
        if (step.done) return step.value;
        if (Date.now() - sliceStart < SLICE_MS) continue;
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = Date.now();
        if (stale()) return undefined;
      }
    };
    try {
      const perFile: Finding[][] = [];
      for (const file of files) {
        const findings = this.fileFindings.get(file) ?? (await steps(this.findingSteps(file)));
        if (!findings || stale()) return this.stopped(run, started, progress !== undefined);
        perFile.push(findings);
      }
      const cross = await steps(checkWorkspaceSteps(this.ws));
      if (!cross || stale()) return this.stopped(run, started, progress !== undefined);
      this.publish(files, perFile, cross);
      if (progress) this.connection.console.log(`ecmkit: checked ${files.length} files in ${Date.now() - started} ms`);
      this.prepareWhenIdle(generation);
      for (const w of this.waiters.filter((w) => w.run <= run)) w.resolve();
      this.waiters = this.waiters.filter((w) => w.run > run);
    } finally {
      progress?.done();
    }
  }

  /**
   * Shortly after a publish, if nothing has changed or started since, lets the cross-file rules build what
   * the next edit would need (engine/check.ts prepareForEdits), so the first keystroke after opening a large
   * workspace does not wait for it. Already built parts cost nothing the next time.
   */
  private prepareWhenIdle(generation: number): void {
    const run = this.latestRun;
    setTimeout(() => {
      if (this.ws.generation === generation && this.latestRun === run && !this.timer) prepareForEdits(this.ws);
    }, PREPARE_DELAY_MS).unref();
  }

  /** A run that went stale: its results are dropped; a newer run is on its way (or is started here). */
  private stopped(run: number, started: number, logged: boolean): void {
    if (logged) this.connection.console.log(`ecmkit: check stopped after ${Date.now() - started} ms: a newer edit replaces it`);
    if (this.latestRun === run) this.schedule(); // the workspace changed without a run of its own yet
  }

  private publish(files: ParsedFile[], perFile: Finding[][], cross: Map<string, Finding[]>): void {
    let errors = 0, warnings = 0;
    const live = new Set<string>();
    // The one-finding policy reads across files: a root in the ECM file counts dependents in the PA file.
    const all: Finding[] = [];
    files.forEach((file, i) => { all.push(...perFile[i]); const c = cross.get(file.uri); if (c) all.push(...c); });
    const settled = byFile(settle(all, this.overrides));
    files.forEach((file) => {
      live.add(file.uri);
      const diagnostics = settled.get(file.uri) ?? [];
      for (const d of diagnostics) { if (d.severity === 1) errors++; else if (d.severity === 2) warnings++; }
      this.send(file.uri, diagnostics, file);
    });
    for (const [uri, last] of [...this.shown]) {
      if (live.has(uri)) continue;
      if (last.diagnostics.length) this.send(uri, []); // the file is gone: clear what the editor shows
      else this.shown.delete(uri);
    }
    for (const uri of [...this.lastChecked.keys()]) if (!live.has(uri)) this.lastChecked.delete(uri);
    void this.connection.sendNotification(StatusNotification, { files: live.size, errors, warnings });
    this.onDidPublish?.();
  }

  /** Editor progress for a run that checks a lot of text from scratch; none for the usual small re-check. */
  private async progressFor(files: ParsedFile[]): Promise<{ done(): void } | undefined> {
    const fresh = files.filter((f) => !this.fileFindings.has(f) && !this.followsLast(f));
    const chars = fresh.reduce((n, f) => n + f.text.length, 0);
    if (chars < PROGRESS_CHARS) return undefined;
    const reporter = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
    const mb = (chars / 1024 / 1024).toFixed(1);
    reporter?.begin('ecmkit', undefined, `checking ${fresh.length === 1 ? fresh[0].uri.replace(/^.*\//, '') : `${fresh.length} files`} (${mb} MB)…`);
    return { done: () => reporter?.done() };
  }

  private followsLast(file: ParsedFile): boolean {
    const last = this.lastChecked.get(file.uri);
    return !!last && file.follows(last.file);
  }

  /** The steps of checking one file, cached when they complete; incremental when it follows the last check. */
  private *findingSteps(file: ParsedFile): Generator<void, Finding[]> {
    const cached = this.fileFindings.get(file);
    if (cached) return cached;
    // After an edit of a few list items, only those are checked again (engine/check.ts).
    const last = this.lastChecked.get(file.uri);
    const findings = yield* checkFileSteps(file, last && file.follows(last.file) ? { findings: last.findings, parsed: !last.file.problems.length } : undefined);
    this.fileFindings.set(file, findings);
    this.lastChecked.set(file.uri, { file, findings });
    return findings;
  }

  /**
   * The diagnostics last published for this very version of a file (undefined if the last publish was of
   * another one) — for code actions: the editor's request can carry none while its markers catch up.
   */
  publishedFor(file: ParsedFile): Diagnostic[] | undefined {
    const shown = this.shown.get(file.uri);
    return shown?.file === file ? shown.diagnostics : undefined;
  }

  private send(uri: string, diagnostics: Diagnostic[], file?: ParsedFile): void {
    const key = JSON.stringify(diagnostics);
    const unchanged = diagnostics.length > 0 && this.shown.get(uri)?.key === key;
    if (file) this.shown.set(uri, { key, diagnostics, file }); else this.shown.delete(uri);
    if (unchanged) return;
    const version = file?.version || undefined;
    void this.connection.sendDiagnostics({ uri, diagnostics, ...(version !== undefined ? { version } : {}) });
  }
}
