// (e) Workspace trust: in Restricted Mode diagnostics still work, and "ecmkit: Store Secret…" says why it
// is disabled instead of touching secrets; the pulls are not offered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { lineOf, TIMEOUT } from '../harness/workbench';

export default {
  title: 'in an untrusted workspace diagnostics still appear and Store Secret says why it is disabled',
  trust: 'untrusted',
  async run({ ui, page, workspace }) {
    await page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUT });
    // VS Code may ask at startup whether to trust the folder; a cautious user says no.
    const ask = ui.dialog().filter({ hasText: /trust/i });
    if (await ask.isVisible()) await ask.getByRole('button', { name: /No, I don't trust/i }).click();
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: TIMEOUT });
    await ui.waitForEcmkit();

    const text = readFileSync(join(workspace, 'prod.ecm.yaml'), 'utf8');
    await ui.openFile('prod.ecm.yaml');
    await ui.retypeLine(lineOf(text, /^port:/), 'port: 70000');
    await ui.waitForProblem('schema/type');

    await ui.runCommand('ecmkit: Store Secret…');
    await ui.notification(/Store Secret is disabled in Restricted Mode because it reads and writes secrets/)
      .waitFor({ timeout: TIMEOUT });
    // No prompt for a name or value may follow.
    if (await page.locator('.quick-input-widget input[type=password]').isVisible()) {
      throw new Error('Store Secret asked for a value in an untrusted workspace');
    }
    // The pulls read secrets and connect to live systems: not offered at all here.
    for (const title of ['ecmkit: Pull PA Site Inventory…', 'ecmkit: Pull Vault Inventory…']) {
      if (await ui.paletteHas(title)) throw new Error(`${title} is offered in Restricted Mode`);
    }
  },
} satisfies Scenario;
