import { CodeActionKind, type CodeAction, type Diagnostic, type Position, type Range } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import { valueAt } from '../model/tree';
import type { Workspace } from '../model/workspace';
import { crossFixes } from './crossFixes';
import { mappingSyntaxFixes } from './mappingFixes';

/**
 * The diagnostics to fix at `range`. When the server's last publish was of this very version of the file,
 * its diagnostics there: the editor's request can carry none while its markers catch up with a publish (on
 * a busy machine long enough for a Ctrl+. to show no fix), or carry ranges an edit has since moved. Else
 * those the editor sent.
 */
export function diagnosticsToFix(range: Range, sent: Diagnostic[], published: Diagnostic[] | undefined): Diagnostic[] {
  return published ? published.filter((d) => touches(d.range, range)) : sent;
}

function touches(a: Range, b: Range): boolean {
  const before = (p: Position, q: Position) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** Quick fixes for the given diagnostics (codes of docs/rules.md carry what they need in `data`). */
export function codeActions(file: ParsedFile, diagnostics: Diagnostic[], ws?: Workspace): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== 'ecmkit') continue;
    const data = (d.data ?? {}) as Record<string, unknown>;
    if (d.code === 'secret/plaintext' && typeof data.secretName === 'string') out.push(...secretFix(file, d, data.secretName, Array.isArray(data.path) ? data.path : undefined));
    if (d.code === 'secret/plaintext' && typeof data.replaceWith === 'string') out.push(replaceFix(file, d, data.replaceWith, `Change to ${data.replaceWith}`));
    if (ws) out.push(...crossFixes(ws, file, d));
    if (d.code === 'mapping/syntax') out.push(...mappingSyntaxFixes(file, d, ws));
    if (d.code === 'schema/unknown-field' && typeof data.suggestion === 'string') out.push(replaceFix(file, d, data.suggestion, `Rename to \`${data.suggestion}\``));
  }
  return out;
}

/** Replaces the diagnostic's text, quoted the way it was (a JSON key keeps its quotes). */
function replaceFix(file: ParsedFile, d: Diagnostic, text: string, title: string): CodeAction {
  const raw = file.text.slice(file.offsetAt(d.range.start), file.offsetAt(d.range.end));
  const newText = raw.startsWith('"') || file.syntax === 'json' ? JSON.stringify(text) : raw.startsWith("'") ? `'${text.replace(/'/g, "''")}'` : /^[$]/.test(text) ? `"${text}"` : text;
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: { [file.uri]: [{ range: d.range, newText }] } } };
}

/**
 * Replace the literal with `${secret:NAME}`, then (through the client's Store Secret command) offer to keep
 * the removed value in SecretStorage so nothing is lost.
 */
function secretFix(file: ParsedFile, d: Diagnostic, name: string, path?: (string | number)[]): CodeAction[] {
  const start = file.offsetAt(d.range.start), end = file.offsetAt(d.range.end);
  // The value as parsed (a block scalar's text is not its value); the range's text unquoted otherwise.
  const value = valueAt(file.value, path ?? []);
  const literal = path && typeof value === 'string' ? value : unquote(file.text.slice(start, end));
  const reference = `\${secret:${name}}`;
  const newText = file.syntax === 'json' ? JSON.stringify(reference) : `"${reference}"`;
  return [{
    title: `Replace with ${reference} and store the value`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [file.uri]: [{ range: d.range, newText }] } },
    command: { title: 'Store Secret…', command: 'ecmkit.storeSecret', arguments: [name, literal] },
  }];
}

function unquote(raw: string): string {
  const t = raw.trim();
  if (t.startsWith('"')) { try { return JSON.parse(t) as string; } catch { return t.slice(1, -1); } }
  if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  return t;
}
