import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { describe, it, before, after } from 'mocha';
import { ecmkit, hasCode, lineOf, open, retype, revert, waitForDiagnostics } from './helpers';

export const mode = 'untrusted';
export function define(): void {
  describe('workspace trust (untrusted window)', () => {
    before(ecmkit);
    after(revert);
    it('the window is untrusted', () => {
      assert.strictEqual(vscode.workspace.isTrusted, false);
    });
    it('diagnostics still appear', async () => {
      const editor = await open('prod.ecm.yaml');
      await retype(editor, lineOf(editor.document, /^port:/), 'port: 70000');
      await waitForDiagnostics(editor.document.uri, hasCode('schema/type'), 'schema/type in Restricted Mode');
    });
    it('Store Secret refuses (and says why) instead of storing', async () => {
      const stored = await vscode.commands.executeCommand<boolean>('ecmkit.storeSecret', 'e2e.name', 'not-stored');
      assert.strictEqual(stored, false);
    });
  });
}
