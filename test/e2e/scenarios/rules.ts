// The ecmkit.rules setting: a severity override written into the folder's .vscode/settings.json takes
// effect in the open editor — "off" removes that rule's problems, emptying the override brings them back.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { lineOf } from '../harness/workbench';

export default {
  title: 'a per-rule severity in ecmkit.rules (workspace settings) changes the Problems panel as it is saved',
  async run({ ui, workspace, screenshot }) {
    const text = readFileSync(join(workspace, 'prod.ecm.yaml'), 'utf8');
    await ui.waitForEcmkit();
    await ui.openFile('prod.ecm.yaml');
    await ui.retypeLine(lineOf(text, /^port:/), 'port: 70000');
    await ui.waitForProblem('schema/type');
    await screenshot('default');

    const settings = join(workspace, '.vscode', 'settings.json');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(settings, JSON.stringify({ 'ecmkit.rules': { 'schema/type': 'off' } }, null, 2));
    await ui.waitForNoProblem('schema/type');

    writeFileSync(settings, JSON.stringify({ 'ecmkit.rules': {} }, null, 2));
    await ui.waitForProblem('schema/type');
  },
} satisfies Scenario;
