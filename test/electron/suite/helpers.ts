// Shared steps for the API-level suites: the example workspace, the extension, diagnostics by code.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { EcmkitApi } from '../../../client/src/extension';

export const EXTENSION_ID = 'ecmkit.ecmkit';

export async function ecmkit(): Promise<EcmkitApi> {
  const ext = vscode.extensions.getExtension<EcmkitApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  const api = await ext.activate();
  await api.ready;
  return api;
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test window has no folder open');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function open(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(doc);
}

export function lineOf(doc: vscode.TextDocument, re: RegExp): number {
  for (let i = 0; i < doc.lineCount; i++) if (re.test(doc.lineAt(i).text)) return i;
  throw new Error(`no line of ${doc.uri.path} matches ${re}`);
}

/** Replaces a line's text after its indentation, as typing would. */
export async function retype(editor: vscode.TextEditor, line: number, text: string): Promise<void> {
  const l = editor.document.lineAt(line);
  const ok = await editor.edit((e) => e.replace(new vscode.Range(line, l.firstNonWhitespaceCharacterIndex, line, l.text.length), text));
  assert.ok(ok, 'the edit was not applied');
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  return c === undefined ? undefined : typeof c === 'object' ? String(c.value) : String(c);
}

/** Resolves with the diagnostics of `uri` once `predicate` holds for them (they arrive asynchronously). */
export function waitForDiagnostics(uri: vscode.Uri, predicate: (d: vscode.Diagnostic[]) => boolean, what: string, timeout = 30_000): Promise<vscode.Diagnostic[]> {
  return new Promise((res, rej) => {
    const check = () => {
      const ds = vscode.languages.getDiagnostics(uri);
      if (predicate(ds)) { done(); res(ds); return true; }
      return false;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => { if (e.uris.some((u) => u.toString() === uri.toString())) check(); });
    const timer = setTimeout(() => {
      done();
      rej(new Error(`timed out waiting for ${what}; diagnostics now: ${vscode.languages.getDiagnostics(uri).map((d) => `${codeOf(d)} ${d.message}`).join(' | ') || 'none'}`));
    }, timeout);
    const done = () => { sub.dispose(); clearTimeout(timer); };
    check();
  });
}

export const hasCode = (code: string) => (ds: vscode.Diagnostic[]) => ds.some((d) => codeOf(d) === code);
export const lacksCode = (code: string) => (ds: vscode.Diagnostic[]) => !ds.some((d) => codeOf(d) === code);

export async function revert(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
