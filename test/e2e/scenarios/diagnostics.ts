// (a) A broken ECM file shows its problems with their rule codes; typing the fix clears them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { lineOf } from '../harness/workbench';

export default {
  title: 'a broken ECM file shows diagnostics with their codes in Problems, and they disappear after the fix is typed',
  async run({ ui, workspace, screenshot }) {
    const text = readFileSync(join(workspace, 'prod.ecm.yaml'), 'utf8');
    await ui.waitForEcmkit();
    await ui.openFile('prod.ecm.yaml');
    const clean = await ui.problemsText();
    if (clean.includes('schema/')) throw new Error(`examples/prod.ecm.yaml should start clean, Problems shows:\n${clean}`);

    const port = lineOf(text, /^port:/);
    await ui.retypeLine(port, 'port: 70000');
    await ui.waitForProblem('schema/type');

    // A misspelt key under vault: (next to `hostname`).
    const hostname = lineOf(text, /^\s+hostname:/);
    await ui.typeLineAfter(hostname, 'hostnme: https://vault.example.com');
    await ui.waitForProblem('schema/unknown-field');
    await screenshot('broken');

    // The fix, typed: the port back in range, the misspelt line deleted (Ctrl+Shift+K).
    await ui.retypeLine(port, 'port: 443');
    await ui.waitForNoProblem('schema/type');
    await ui.gotoLine(hostname + 1);
    await ui.page.keyboard.press('Control+Shift+K');
    await ui.waitForNoProblem('schema/unknown-field');
  },
} satisfies Scenario;
