import { describe, it, before, after } from 'mocha';
import { ecmkit, hasCode, lacksCode, lineOf, open, retype, revert, waitForDiagnostics } from './helpers';

export const mode = 'trusted';
export function define(): void {
  describe('diagnostics', () => {
    before(ecmkit);
    after(revert);
    it('reports schema/type and schema/unknown-field with their codes, and clears them after the fix', async () => {
      const editor = await open('prod.ecm.yaml');
      const uri = editor.document.uri;
      await waitForDiagnostics(uri, lacksCode('schema/type'), 'a clean prod.ecm.yaml');

      const port = lineOf(editor.document, /^port:/);
      await retype(editor, port, 'port: 70000');
      await waitForDiagnostics(uri, hasCode('schema/type'), 'schema/type on port: 70000');

      const hostname = lineOf(editor.document, /^\s+hostname:/);
      await editor.edit((e) => e.insert(editor.document.lineAt(hostname).range.end, '\n  hostnme: https://vault.example.com'));
      await waitForDiagnostics(uri, hasCode('schema/unknown-field'), 'schema/unknown-field on hostnme');

      await retype(editor, port, 'port: 443');
      await editor.edit((e) => e.delete(editor.document.lineAt(hostname + 1).rangeIncludingLineBreak));
      await waitForDiagnostics(uri, (ds) => lacksCode('schema/type')(ds) && lacksCode('schema/unknown-field')(ds), 'both problems gone');
    });
  });
}
