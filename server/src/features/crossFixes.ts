/**
 * Quick fixes for the cross-file rules. Each builds its edit from the workspace as it is now (the
 * diagnostic's `data` says what, never where in another file), so a fix stays right after other edits,
 * and a fix spanning files is one WorkspaceEdit.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import type { Node } from '../model/tree';
import type { Workspace } from '../model/workspace';
import { addField, appendToList, inlineObject, scalar } from './edits';
import { occurrencesOf, renameOccurrences } from './navigation';
import { mappingLines } from '../domain/mappingLines';

type Data = Record<string, unknown>;

const s = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function crossFixes(ws: Workspace, file: ParsedFile, d: Diagnostic): CodeAction[] {
  const data = (d.data ?? {}) as Data;
  const out: CodeAction[] = [];
  const fix = (title: string, edit: WorkspaceEdit | undefined, preferred = false): void => {
    if (edit && Object.values(edit.changes ?? {}).some((e) => e.length)) out.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: preferred || undefined, edit });
  };
  switch (d.code) {
    case 'endpoint/name-mismatch': {
      const jc = s(data.jumpClient), ep = s(data.endpoint);
      if (!jc || !ep) break;
      // The Vault endpoint and every credential naming it (not PA: its jump client already has the new name).
      const vaultSide = occurrencesOf(ws, 'endpoint', ep).filter((o) => o.file.kind === 'vault');
      const refs = vaultSide.filter((o) => o.role === 'ref').length;
      fix(`Rename Vault endpoint \`${ep}\` to \`${jc}\`${refs ? ` (and ${refs} credential reference${refs === 1 ? '' : 's'})` : ''}`, renameOccurrences(vaultSide, jc), true);
      fix(`Rename jump client \`${jc}\` to \`${ep}\``, replaceScalar(file, d, ep));
      break;
    }
    case 'endpoint/not-in-vault': {
      const jc = s(data.jumpClient);
      const vault = s(data.vaultUri) ? ws.get(String(data.vaultUri)) : undefined;
      if (!jc || !vault) break;
      const os = s(data.os);
      const item = inlineObject(vault, [['name', jc], ['description', `PA jump client ${jc}`], ['type', os ? OS_TYPE[os] ?? os : undefined]]);
      fix(`Add endpoint \`${jc}\` to the Vault inventory`, { changes: { [vault.uri]: appendToList(vault, ['endpoints'], item) } }, true);
      break;
    }
    case 'user/not-in-vault': {
      const username = s(data.username);
      const vault = s(data.vaultUri) ? ws.get(String(data.vaultUri)) : undefined;
      if (!username || !vault) break;
      const item = inlineObject(vault, [['username', username], ['status', 'Active'], ['securityProvider', s(data.provider)], ['email', s(data.email)]]);
      fix(`Add user \`${username}\` to the Vault inventory`, { changes: { [vault.uri]: appendToList(vault, ['users'], item) } }, true);
      break;
    }
    case 'mapping/unmapped-domain': {
      const fqdn = s(data.fqdn), netbios = s(data.netbios);
      const uris = Array.isArray(data.ecmUris) ? data.ecmUris.filter((u): u is string => typeof u === 'string') : [];
      if (!fqdn || !netbios || !uris.length) break;
      const changes: Record<string, TextEdit[]> = {};
      for (const uri of uris) {
        const ecm = ws.get(uri);
        if (ecm) changes[uri] = addMapping(ecm, `${fqdn}=${netbios}`);
      }
      fix(`Add mapping \`${fqdn}=${netbios}\` to ${uris.length === 1 ? 'the ECM' : `${uris.length} ECMs`}`, { changes }, true);
      break;
    }
    case 'integration/ip-not-allowed': {
      const ip = s(data.ip);
      const integration = s(data.integrationUri) ? ws.get(String(data.integrationUri)) : undefined;
      if (!ip || !integration) break;
      fix(`Add ${ip} to allowedIps of the integration`, { changes: { [integration.uri]: appendToList(integration, ['allowedIps'], scalar(integration, ip)) } }, true);
      break;
    }
  }
  const replaceWith = s(data.replaceWith);
  if (replaceWith && String(d.code) !== 'schema/unknown-field') fix(`Change to \`${replaceWith}\``, replaceScalar(file, d, replaceWith), true);
  return out;
}

const OS_TYPE: Record<string, string> = { windows: 'Windows', linux: 'Linux', macos: 'macOS' };

/** Replaces the diagnostic's text: a whole scalar is re-quoted as needed, a name inside a string is replaced as is. */
function replaceScalar(file: ParsedFile, d: Diagnostic, value: string): WorkspaceEdit {
  const start = file.offsetAt(d.range.start), end = file.offsetAt(d.range.end);
  const { node } = locateScalar(file, start, end);
  const whole = node !== undefined;
  return { changes: { [file.uri]: [{ range: d.range, newText: whole ? scalar(file, value, file.text.slice(start, end)) : value }] } };
}

/** Whether [start, end) is exactly one scalar node of the file (quotes included). */
function locateScalar(file: ParsedFile, start: number, end: number): { node?: { offset: number; length: number } } {
  let found: { offset: number; length: number } | undefined;
  const visit = (n: Node | undefined): void => {
    if (!n || found || start < n.offset || end > n.offset + n.length) return;
    if (n.type === 'object') n.properties.forEach((p) => visit(p.value));
    else if (n.type === 'array') n.items.forEach(visit);
    else if (n.offset === start && n.length === end - start) found = n;
  };
  visit(file.root);
  return { node: found };
}

/** Adds one `fqdn=NETBIOS` line to an ECM's mappings, in whatever form the file writes them. */
function addMapping(ecm: ParsedFile, line: string): TextEdit[] {
  const path = ['vault', 'securityProviderMappings'];
  const { node, depth } = ecm.at(path);
  if (depth === 2 && node?.type === 'array') return appendToList(ecm, path, scalar(ecm, line));
  if (depth === 2 && node?.type === 'string') {
    const lines = mappingLines(ecm);
    const last = node.lines?.[node.lines.length - 1];
    if (last) {
      const indent = ecm.text.slice(ecm.text.lastIndexOf('\n', last.offset) + 1, last.offset);
      return [{ range: ecm.range(last.offset + last.length, 0), newText: `\n${indent}${line}` }];
    }
    // A one-line or JSON string: write the lines back as a list (both forms are accepted).
    const all = [...lines.map((l) => l.text), line];
    return [{ range: ecm.nodeRange(node), newText: ecm.syntax === 'json' ? JSON.stringify(all) : `[${all.map((x) => scalar(ecm, x)).join(', ')}]` }];
  }
  return addField(ecm, ['vault'], 'securityProviderMappings', JSON.stringify([line]), ecm.syntax === 'json' ? '' : `|\n${' '.repeat(indentOfVaultKeys(ecm) + 2)}${line}`, false);
}

function indentOfVaultKeys(ecm: ParsedFile): number {
  const { node } = ecm.at(['vault']);
  const first = node?.type === 'object' ? node.properties[0] : undefined;
  return first ? first.keyOffset - (ecm.text.lastIndexOf('\n', first.keyOffset) + 1) : 2;
}
