// Runs `ecmkit pull pa|vault --ipc` for the pull commands and walks the user through it: a cancellable
// progress notification with the item counts, then — before anything is written — a diff of the file
// against the proposed text (read-only) and a modal "Write" / Cancel. Write sends back the hash of exactly
// the reviewed text; the CLI writes it whole (temporary file + rename), or refuses when the file changed.
// Cancel, a closed window or a failure write nothing. The secret goes to the child over IPC only.
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { forkCli, pipeLines } from '../features/vaultProcess';
import { keepSecret, type Secret } from './inputs';
import { proposedDocs } from './proposedDocs';
import type { ChildMessage, PullChange, PullOutcome, PullProposal } from '../../../protocol/ipc';

export interface PullJob {
  /** The command's title, e.g. "Pull PA Site Inventory". */
  title: string;
  /** What is read, for messages: "the PA site support.example.com". */
  source: string;
  /** Short name of the source for the diff's title: "PA site". */
  sourceLabel: string;
  /** CLI arguments after `ecmkit` (without --ipc). */
  args: string[];
  cwd: string;
  /** The secret the child asks for by this name (PULL_SECRET.*). */
  secretName: string;
  secret: string;
  /** Environment variables the child must not inherit (secrets npm start put there). */
  omitEnv: readonly string[];
}

export type PullEnd =
  | { kind: 'written'; file: string; counts: PullProposal['counts'] }
  | { kind: 'up-to-date'; file: string; items: number }
  | { kind: 'declined' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; why: string };

export async function runPull(ctx: vscode.ExtensionContext, log: vscode.LogOutputChannel, job: PullJob): Promise<PullEnd> {
  const child = forkCli(ctx, job.args, job.cwd, job.omitEnv);
  const stderr: string[] = [];
  pipeLines(child.stderr, (l) => { stderr.push(l); log.info(l); });
  pipeLines(child.stdout, (l) => log.info(l));
  // 'close', not 'exit': by then every line the child wrote to stderr has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let result: PullOutcome | undefined;
  child.on('message', (m: ChildMessage) => {
    if (m.ecmkit === 'secrets?') {
      // Only the secret this job holds, and only under the name it was asked for.
      const values = Object.fromEntries(m.requests.map((r) => [r.name, r.name === job.secretName ? job.secret : undefined]));
      if (child.connected) child.send({ ecmkit: 'secrets', values });
    } else if (m.ecmkit === 'pull-result') result = m.result;
  });
  const failure = (code: number | null): PullEnd => ({ kind: 'failed', why: failureText(stderr, code) });

  try {
    const read = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ecmkit: ${job.title}`, cancellable: true },
      (progress, token) => new Promise<PullProposal | 'cancelled' | 'ended'>((resolve) => {
        progress.report({ message: `reading ${job.source}…` });
        const counts = new Map<string, number>();
        token.onCancellationRequested(() => { child.kill(); resolve('cancelled'); });
        child.on('message', (m: ChildMessage) => {
          if (m.ecmkit === 'pull-progress') {
            counts.set(m.progress.section, m.progress.count);
            progress.report({ message: `${[...counts].map(([s, n]) => `${words(s)} ${n.toLocaleString('en-US')}`).join(' · ')}…` });
          } else if (m.ecmkit === 'pull-proposed') resolve(m.proposal);
        });
        void exited.then(() => resolve('ended'));
      }),
    );
    if (read === 'cancelled') return { kind: 'cancelled' };
    if (read === 'ended') {
      const code = await exited;
      if (result?.upToDate) return { kind: 'up-to-date', file: result.file, items: Object.values(result.items).reduce((a, b) => a + b, 0) };
      return failure(code);
    }
    const write = await review(ctx, job, read);
    if (!write) {
      if (child.connected) child.send({ ecmkit: 'stop' });
      await exited;
      return { kind: 'declined' };
    }
    if (!child.connected) return failure(await exited); // it ended during the review: nothing was written
    child.send({ ecmkit: 'pull-write', sha256: read.sha256 });
    const code = await exited;
    return result?.written ? { kind: 'written', file: read.file, counts: read.counts } : failure(code);
  } finally {
    if (child.exitCode === null && child.signalCode === null) stopChild(child);
  }
}

/**
 * Shows the file beside the proposed text and asks, modally, whether to write it. Returns true for Write
 * only when the file has no unsaved changes (the CLI would write over them; the editor would then conflict).
 */
async function review(ctx: vscode.ExtensionContext, job: PullJob, p: PullProposal): Promise<boolean> {
  const name = path.basename(p.file);
  const docs = proposedDocs(ctx);
  const right = docs.add(name, 'proposed', p.text);
  const empty = p.exists ? undefined : docs.add(name, 'new file', '');
  const left = empty?.uri ?? vscode.Uri.file(p.file);
  try {
    await vscode.commands.executeCommand('vscode.diff', left, right.uri, `${name} ↔ ${job.sourceLabel} (proposed)`, { preview: true });
    const { added, removed, changed } = p.counts;
    const write = 'Write';
    const answer = await vscode.window.showInformationMessage(
      `Write what ${job.source} holds into ${vscode.workspace.asRelativePath(p.file)}?`,
      { modal: true, detail: `${p.exists ? '' : 'A new file. '}${added} added, ${removed} removed, ${changed} changed:\n${changeLines(p.changes, added + removed + changed)}\n\nThe diff shows the file (left) and what would be written (right). Nothing is written unless you choose Write.` },
      write,
    );
    if (answer !== write) return false;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === p.file);
    if (open?.isDirty) {
      void vscode.window.showWarningMessage(`ecmkit: ${name} has unsaved changes, so the pull was not written. Save or revert them, then pull again.`);
      return false;
    }
    return true;
  } finally {
    await closeTabsOf(right.uri);
    right.dispose();
    empty?.dispose();
  }
}

/**
 * Says how the pull ended. A typed secret is stored once the system accepted it (a proposal came, or
 * nothing differed); after a failure with a stored one, the user may forget it (it may be the cause).
 */
export async function tellEnd(ctx: vscode.ExtensionContext, log: vscode.LogOutputChannel, job: PullJob, secret: Secret, end: PullEnd, caSetting: string): Promise<void> {
  if (end.kind === 'written' || end.kind === 'up-to-date' || end.kind === 'declined') await keepSecret(ctx, secret, log);
  if (end.kind === 'written') {
    const rel = vscode.workspace.asRelativePath(end.file);
    log.info(`${job.title}: wrote ${rel}`);
    void vscode.window.showInformationMessage(`ecmkit: wrote ${rel}: ${end.counts.added} added, ${end.counts.removed} removed, ${end.counts.changed} changed.`, 'Open File')
      .then((x) => { if (x) void vscode.window.showTextDocument(vscode.Uri.file(end.file)); });
  } else if (end.kind === 'up-to-date') {
    void vscode.window.showInformationMessage(`ecmkit: ${vscode.workspace.asRelativePath(end.file)} is up to date with ${job.source} (${end.items.toLocaleString('en-US')} items).`);
  } else if (end.kind === 'declined' || end.kind === 'cancelled') {
    log.info(`${job.title}: ${end.kind}; nothing was written`);
    vscode.window.setStatusBarMessage(`ecmkit: ${job.title} ${end.kind}; nothing was written.`, 5000);
  } else {
    log.error(`${job.title} failed: ${end.why}`);
    const ca = /certificate|\bCA\b|issuer/i.test(end.why) ? ` The setting ${caSetting} names the CA file.` : '';
    const buttons = secret.from === 'storage' ? ['Show Log', 'Forget Stored Secret'] : ['Show Log'];
    const x = await vscode.window.showErrorMessage(`ecmkit: ${job.title} failed: ${end.why}${ca} Nothing was written.`, ...buttons);
    if (x === 'Show Log') log.show(true);
    if (x === 'Forget Stored Secret') {
      await ctx.secrets.delete(secret.key);
      log.info(`secret "${secret.key}": deleted from SecretStorage`);
      void vscode.window.showInformationMessage(`ecmkit: the stored secret was forgotten; ${job.title} will ask for it again.`);
    }
  }
}

/** The differences, one a line as the CLI prints them (`+ users jdoe`), at most 15. */
function changeLines(changes: PullChange[], total: number): string {
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  const shown = changes.slice(0, 15).map((c) => `${sign[c.kind]} ${c.section === 'top' ? c.name : `${words(c.section)} ${c.name}`}${c.kind === 'changed' && c.section !== 'top' && c.fields?.length ? `: ${c.fields.join(', ')}` : ''}`);
  return shown.join('\n') + (total > shown.length ? `\n… and ${total - shown.length} more` : '');
}

async function closeTabsOf(uri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === uri.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
}

/** Why the pull failed, from what the CLI said (exit 2 names the reason; it never prints a secret). */
function failureText(stderr: string[], code: number | null): string {
  const said = stderr.filter((l) => !/^pull: /.test(l) && l.trim() !== 'No file was written.').map((l) => l.replace(/^ecmkit pull( pa| vault)?: /, '').trim()).filter(Boolean);
  return said.join(' ') || `the CLI ended with exit code ${code}`;
}

/** `jumpClients` → "jump clients". */
function words(section: string): string {
  return section.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function stopChild(child: ChildProcess): void {
  if (child.connected) child.send({ ecmkit: 'stop' });
  const t = setTimeout(() => child.kill(), 3000);
  child.once('exit', () => clearTimeout(t));
}
