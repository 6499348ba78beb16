// The steps both pull commands take, in order: trust, the file, the system to read, its secret, unsaved
// changes saved, the pull and its review (runPull.ts), and how it ended. Each command supplies its parts.
import * as vscode from 'vscode';
import { requireTrust } from '../trust';
import { pickInventoryFile, saveIfDirty, type Destination, type InventoryKind, type Secret } from './inputs';
import { runPull, tellEnd, type PullJob } from './runPull';

export interface PullCommand<Source> {
  id: string;
  kind: InventoryKind;
  /** "Pull PA Site Inventory". */
  title: string;
  /** Finishes "… is disabled in Restricted Mode because it …". */
  trustWhy: string;
  /** The setting that names the CA file (said when TLS fails). */
  caSetting: string;
  pickSource(folder: string): Promise<Source | undefined>;
  secret(source: Source): Promise<Secret | undefined>;
  job(source: Source, dest: Destination, secret: Secret): Omit<PullJob, 'title' | 'cwd' | 'secret'>;
  /** A log line naming what is read (never a secret). */
  describe(source: Source): string;
}

export function registerPullCommand<Source>(ctx: vscode.ExtensionContext, log: vscode.LogOutputChannel, c: PullCommand<Source>): void {
  ctx.subscriptions.push(vscode.commands.registerCommand(c.id, async (uri?: unknown): Promise<void> => {
    if (!requireTrust(c.title, c.trustWhy)) return;
    const dest = await pickInventoryFile(c.kind, uri);
    if (!dest) return;
    const source = await c.pickSource(dest.folder);
    if (!source) return;
    const secret = await c.secret(source);
    if (!secret) return;
    if (!(await saveIfDirty(dest))) return;
    const job: PullJob = { ...c.job(source, dest, secret), title: c.title, cwd: dest.folder, secret: secret.value };
    log.info(`pull ${c.kind} from ${c.describe(source)} into ${dest.file ? vscode.workspace.asRelativePath(dest.file) : `a new file in ${dest.folder}`}`);
    await tellEnd(ctx, log, job, secret, await runPull(ctx, log, job), c.caSetting);
  }));
}
