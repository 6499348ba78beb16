// (b) Hovering a key shows its documentation (the schema's description); completion offers enum values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { lineOf, TIMEOUT } from '../harness/workbench';
import { ROOT } from '../../../scripts/e2e/paths';

function description(kind: string, key: string): string {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', `${kind}.schema.json`), 'utf8'));
  const d = schema.properties?.[key]?.description;
  if (typeof d !== 'string') throw new Error(`schemas/${kind}.schema.json has no description for ${key}`);
  return d.replace(/[`*_]/g, ''); // as rendered from Markdown
}

export default {
  title: 'hovering a key shows its documentation; completion offers the enum values of status',
  async run({ ui, page, workspace, screenshot }) {
    await ui.waitForEcmkit();

    // Hover: cursor on the `port` key, "Show or Focus Hover" (Ctrl+K Ctrl+I).
    const ecm = readFileSync(join(workspace, 'prod.ecm.yaml'), 'utf8');
    await ui.openFile('prod.ecm.yaml');
    await ui.cursorAt(lineOf(ecm, /^port:/), 2);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const expected = description('ecm', 'port').slice(0, 40);
    await page.locator('.monaco-hover', { hasText: expected }).first().waitFor({ timeout: TIMEOUT });
    await screenshot('hover');
    await page.keyboard.press('Escape');

    // Completion: clear the value of `status:` and ask for suggestions (Ctrl+Space).
    const integration = readFileSync(join(workspace, 'ecm.integration.yaml'), 'utf8');
    await ui.openFile('ecm.integration.yaml');
    await ui.retypeLine(lineOf(integration, /^status:/), 'status: ');
    await page.keyboard.press('Control+Space');
    const widget = page.locator('.suggest-widget');
    for (const value of ['Active', 'Inactive']) {
      await widget.locator('.monaco-list-row', { hasText: new RegExp(`^\\s*${value}\\b`) }).first().waitFor({ timeout: TIMEOUT });
    }
  },
} satisfies Scenario;
