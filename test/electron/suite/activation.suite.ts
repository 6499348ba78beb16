import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { describe, it } from 'mocha';
import { ecmkit, EXTENSION_ID } from './helpers';

export const mode = 'trusted';
export function define(): void {
  describe('activation', () => {
    it('activates with a workspace of ecmkit files and starts the language server', async () => {
      const api = await ecmkit();
      assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
      assert.ok(api.client.isRunning(), 'language client is not running');
    });
  });
}
