import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { describe, it, before, after } from 'mocha';
import { ecmkit, lineOf, open, retype, revert } from './helpers';

export const mode = 'trusted';

function markdownText(h: vscode.Hover): string {
  return h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
}

export function define(): void {
  describe('hover and completion', () => {
    before(ecmkit);
    after(revert);
    it('hover on a key shows its documentation from the schema', async () => {
      const editor = await open('prod.ecm.yaml');
      const line = lineOf(editor.document, /^port:/);
      const schemaPath = vscode.extensions.getExtension('ecmkit.ecmkit')!.extensionPath + '/schemas/ecm.schema.json';
      const description: string = JSON.parse(readFileSync(schemaPath, 'utf8')).properties.port.description;
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(line, 1));
      assert.ok(hovers.some((h) => markdownText(h).includes(description)), `no hover with "${description}"`);
    });
    it('completion offers the enum values of status', async () => {
      const editor = await open('ecm.integration.yaml');
      const line = lineOf(editor.document, /^status:/);
      await retype(editor, line, 'status: ');
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider',
        editor.document.uri, new vscode.Position(line, 'status: '.length));
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const v of ['Active', 'Inactive']) assert.ok(labels.includes(v), `completion lacks ${v}: ${labels.join(', ')}`);
    });
  });
}
