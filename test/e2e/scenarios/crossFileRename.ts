// Cross-file: a PA jump client renamed to DB01 while Vault calls the endpoint db01.corp.example.com gets
// endpoint/name-mismatch; the quick fix renames the Vault endpoint and the credential that lists it (in
// the Vault file, not open) as one edit, and the problem goes away.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { lineOf } from '../harness/workbench';

export default {
  title: 'the endpoint/name-mismatch quick fix renames the Vault endpoint and its credentials across files',
  async run({ ui, workspace }) {
    const pa = readFileSync(join(workspace, 'site.pa.yaml'), 'utf8');
    await ui.waitForEcmkit();
    await ui.openFile('site.pa.yaml');
    const line = lineOf(pa, /name: db01\.corp\.example\.com,/);
    await ui.retypeLine(line, '- { name: DB01, hostname: db01.corp.example.com, os: windows, credentialInjection: true }');
    await ui.waitForProblem('endpoint/name-mismatch');

    // Cursor on DB01, Quick Fix (Ctrl+.), rename the Vault side.
    const fix = await ui.openQuickFix(line, '  - { name: '.length + 2, /Rename Vault endpoint/, 'endpoint/name-mismatch');
    await fix.click();
    await ui.waitForNoProblem('endpoint/name-mismatch');

    // The Vault file now names the endpoint DB01, in its endpoint list and in the credential.
    const vault = readFileSync(join(workspace, 'corp.vault.yaml'), 'utf8');
    await ui.openFile('corp.vault.yaml');
    await ui.gotoLine(lineOf(vault, /name: db01\.corp\.example\.com, description/));
    await ui.waitForEditorText((t) => /- \{ name: DB01, description: SQL Server/.test(t), 'the Vault endpoint to read DB01');
    await ui.gotoLine(lineOf(vault, /endpoints: \[db01\.corp\.example\.com\]/));
    await ui.waitForEditorText((t) => /endpoints: \[DB01\]/.test(t), 'the credential to list DB01');
    await ui.waitForNoProblem('ref/unknown');
  },
} satisfies Scenario;
