/**
 * A code lens on each PA jump client: "3 credentials · 4 users", how many distinct credentials the
 * site's PA users would get there and how many users get at least one. The counts come from the
 * broker's own resolution (engine/injectionSummary.ts), so the lens and the broker cannot disagree.
 */
import type { CodeLens } from 'vscode-languageserver-types';
import { jumpClientSummaries } from '../engine/injectionSummary';
import type { ParsedFile } from '../model/document';
import type { Workspace } from '../model/workspace';

export function codeLenses(ws: Workspace, file: ParsedFile): CodeLens[] {
  if (file.kind !== 'pa') return [];
  const { node } = file.at(['jumpClients']);
  if (node?.type !== 'array') return [];
  const summaries = jumpClientSummaries(ws, file.uri);
  const out: CodeLens[] = [];
  node.items.forEach((item, i) => {
    const nameNode = file.at(['jumpClients', i, 'name']).node;
    if (item.type !== 'object' || nameNode?.type !== 'string') return;
    const s = summaries.get(String(nameNode.value));
    if (!s) return;
    // Clicking asks the editor's "Simulate Credential Request" for this jump client (VS Code client).
    out.push({ range: file.headRange(item), command: { title: lensTitle(s), command: 'ecmkit.simulateRequest', arguments: [{ endpoint: s.jumpClient }] } });
  });
  return out;
}

export function lensTitle(s: { credentials: number; users: number; reason?: string }): string {
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  const counts = `${plural(s.credentials, 'credential')} · ${plural(s.users, 'user')}`;
  return s.reason && s.credentials === 0 ? `${counts} (${s.reason})` : counts;
}
