import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { describe, it, before, after } from 'mocha';
import { codeOf, ecmkit, hasCode, lacksCode, lineOf, open, retype, revert, waitForDiagnostics } from './helpers';

export const mode = 'trusted';
const LITERAL = 'hunter2-literal';

export function define(): void {
  describe('secret/plaintext quick fix', () => {
    before(ecmkit);
    after(revert);
    it('replaces the literal with a ${secret:…} reference and hands the literal to Store Secret', async () => {
      const editor = await open('prod.ecm.yaml');
      const uri = editor.document.uri;
      const line = lineOf(editor.document, /^clientSecret:/);
      await retype(editor, line, `clientSecret: ${LITERAL}`);
      const [diag] = (await waitForDiagnostics(uri, hasCode('secret/plaintext'), 'secret/plaintext'))
        .filter((d) => codeOf(d) === 'secret/plaintext');

      // The last argument asks VS Code to resolve the actions' edits, as applying one from the light bulb does.
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider',
        uri, diag.range, vscode.CodeActionKind.QuickFix.value, 10);
      const fix = actions.find((a) => a.command?.command === 'ecmkit.storeSecret');
      assert.ok(fix, `no Store Secret quick fix among: ${actions.map((a) => a.title).join(', ')}`);
      assert.ok(fix.edit, 'the quick fix has no edit');
      assert.strictEqual(fix.command?.command, 'ecmkit.storeSecret');
      const [name, value] = fix.command.arguments ?? [];
      assert.strictEqual(value, LITERAL);
      assert.ok(typeof name === 'string' && name.length > 0);

      // The edit only; the command's confirmation is modal and is covered by the browser suite.
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      const text = editor.document.lineAt(line).text;
      assert.match(text, /^clientSecret: "?\$\{secret:[^}]+\}"?$/);
      assert.ok(!editor.document.getText().includes(LITERAL));
      await waitForDiagnostics(uri, lacksCode('secret/plaintext'), 'secret/plaintext gone');
    });
  });
}
