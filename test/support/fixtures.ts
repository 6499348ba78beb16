import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ParsedFile } from '../../server/src/model/document';
import { LspClient, ROOT } from './lspClient';

export const EXAMPLES = path.join(ROOT, 'examples');

/** A fresh copy of `examples/` in a temp folder, removed by the returned cleanup. */
export function copyExamples(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecmkit-test-'));
  cpSync(EXAMPLES, dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempDir(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecmkit-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function parse(name: string, text: string): ParsedFile {
  const f = ParsedFile.create(`file:///ws/${name}`, text);
  if (!f) throw new Error(`not an ecmkit file name: ${name}`);
  return f;
}

/** The text a range covers. */
export function textAt(file: ParsedFile, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  return file.text.slice(file.offsetAt(range.start), file.offsetAt(range.end));
}

/** A language server over LSP on a fresh copy of examples/, once it has published (code-lens refreshes answered). */
export async function serveExamples(): Promise<{ client: LspClient; ws: { dir: string; cleanup: () => void } }> {
  const ws = copyExamples();
  const client = await LspClient.start(ws.dir, { 'ecmkit.rules': {} });
  client.conn.onRequest('workspace/codeLens/refresh', () => null);
  await client.waitFor(client.uri(path.join(ws.dir, 'site.pa.yaml')), () => true);
  return { client, ws };
}
