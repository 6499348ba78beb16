import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { describe, it, before } from 'mocha';
import { ecmkit, EXTENSION_ID } from './helpers';

export const mode = 'trusted';
export function define(): void {
  describe('commands', () => {
    before(ecmkit);
    it('every contributed command is registered', async () => {
      const contributed: { command: string }[] = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands;
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = contributed.filter((c) => !registered.has(c.command)).map((c) => c.command);
      assert.deepStrictEqual(missing, []);
    });
  });
}
