// What both pull commands ask before they run: which inventory file to update, the secret (SecretStorage,
// else the sandbox's from `npm start`, else a password box — stored only once a pull got through with it),
// and the URL/account fields remembered in settings.
import * as path from 'node:path';
import * as vscode from 'vscode';

export type InventoryKind = 'pa' | 'vault';

const PATTERN: Record<InventoryKind, string> = { pa: '**/*.{pa.yaml,pa.yml,pa.json}', vault: '**/*.{vault.yaml,vault.yml,vault.json}' };
const KIND_FILE: Record<InventoryKind, RegExp> = { pa: /\.pa\.(ya?ml|json)$/i, vault: /\.vault\.(ya?ml|json)$/i };
const KIND_WORDS: Record<InventoryKind, string> = { pa: 'PA site', vault: 'Vault' };

/** Where the pull writes: an existing file (`file`), or a new `<host>.<kind>.yaml` the CLI names in `folder`. */
export interface Destination { file?: string; folder: string }

/** The file given (explorer menu), the active editor's, the only one, or the user's pick; none: a new file. */
export async function pickInventoryFile(kind: InventoryKind, arg: unknown): Promise<Destination | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage(`ecmkit: open a folder first: the ${KIND_WORDS[kind]} inventory is written into it.`);
    return undefined;
  }
  const given = arg instanceof vscode.Uri ? arg : undefined;
  const active = vscode.window.activeTextEditor?.document.uri;
  for (const u of [given, active]) if (u?.scheme === 'file' && KIND_FILE[kind].test(u.fsPath)) return { file: u.fsPath, folder: path.dirname(u.fsPath) };

  const files = (await vscode.workspace.findFiles(PATTERN[kind], '**/node_modules/**', 50)).filter((u) => u.scheme === 'file');
  if (files.length === 1) return { file: files[0].fsPath, folder: path.dirname(files[0].fsPath) };
  if (files.length === 0) {
    const folder = folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: `ecmkit: write the new ${KIND_WORDS[kind]} file into which folder?` });
    return folder && { folder: folder.uri.fsPath };
  }
  const pick = await vscode.window.showQuickPick(
    files.map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(path.dirname(u.fsPath)), u })),
    { title: `ecmkit: update which ${KIND_WORDS[kind]} file?` },
  );
  return pick && { file: pick.u.fsPath, folder: path.dirname(pick.u.fsPath) };
}

export interface Secret {
  value: string;
  /** Where it came from: only a typed one is stored (after the pull got through), only a stored one is offered for forgetting. */
  from: 'storage' | 'environment' | 'typed';
  /** Its SecretStorage key. */
  key: string;
}

/** The secret under `key` in SecretStorage, else `fromEnvironment`, else typed into a password box. */
export async function secretFor(ctx: vscode.ExtensionContext, key: string, o: { fromEnvironment?: string; title: string; prompt: string }): Promise<Secret | undefined> {
  const stored = await ctx.secrets.get(key);
  if (stored) return { value: stored, from: 'storage', key };
  if (o.fromEnvironment) return { value: o.fromEnvironment, from: 'environment', key };
  const typed = await vscode.window.showInputBox({
    title: o.title,
    prompt: `${o.prompt} It is kept in VS Code's SecretStorage once the pull got through, never in a file or a log.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.length > 0 ? undefined : 'The value must not be empty'),
  });
  return typed ? { value: typed, from: 'typed', key } : undefined;
}

/** Keeps a typed secret once the system accepted it. */
export async function keepSecret(ctx: vscode.ExtensionContext, s: Secret, log: vscode.LogOutputChannel): Promise<void> {
  if (s.from !== 'typed') return;
  await ctx.secrets.store(s.key, s.value);
  log.info(`secret "${s.key}": stored in SecretStorage`);
}

/** Remembers a field the user typed, in the workspace's settings (the user's when no folder is open). */
export async function remember(section: string, key: string, value: string): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(section).update(key, value, target);
}

/** A CA file setting, resolved against the folder; undefined when unset. */
export function caFileSetting(section: string, folder: string): string | undefined {
  const caFile = vscode.workspace.getConfiguration(section).get<string>('caFile', '').trim();
  const base = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder))?.uri.fsPath ?? folder;
  return caFile ? (path.isAbsolute(caFile) ? caFile : path.join(base, caFile)) : undefined;
}

/** `https://host[:port]` of what a user typed (a bare host is taken as https); throws when it is no URL. */
export function originOf(v: string): string {
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v.trim()) ? v.trim() : `https://${v.trim()}`).origin;
}

/** An https URL a user typed, or why not. */
export function httpsProblem(v: string): string | undefined {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v.trim()) ? v.trim() : `https://${v.trim()}`);
    if (u.protocol !== 'https:') return 'The URL must be https (TLS is always verified).';
    if (u.username || u.password) return 'The URL must not carry a user name or password.';
    return undefined;
  } catch {
    return 'Not a URL, e.g. https://support.example.com';
  }
}

/** The pull reads the file from disk: unsaved changes are saved first (false: they could not be). */
export async function saveIfDirty(dest: Destination): Promise<boolean> {
  const doc = dest.file ? vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === dest.file) : undefined;
  if (!doc?.isDirty || (await doc.save())) return true;
  void vscode.window.showWarningMessage(`ecmkit: ${path.basename(doc.fileName)} has unsaved changes that could not be saved; nothing was pulled.`);
  return false;
}
