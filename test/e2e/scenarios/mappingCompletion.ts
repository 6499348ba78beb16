// "Completion offers a whole mapping line on a blank line of the mapping block", as a user meets it: empty
// the emea line of securityProviderMappings, press Ctrl+Space: the missing `emea.corp.example.com=EMEA`
// line is offered at once, with no words of the file (GUID fragments) and no file skeleton inside the block;
// Tab puts it back. In a new, empty ECM file the skeleton (ecmkit-ecm) is still offered.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { lineOf, TIMEOUT } from '../harness/workbench';

export default {
  title: 'completion on a blank mapping line offers the missing line at once, no word noise, no skeleton',
  async run({ ui, page, workspace, screenshot }) {
    await ui.waitForEcmkit();
    const ecm = readFileSync(join(workspace, 'prod.ecm.yaml'), 'utf8');
    await ui.openFile('prod.ecm.yaml');
    const line = lineOf(ecm, /emea\.corp\.example\.com=EMEA/);
    await ui.gotoLine(line);
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home'); // the line's text, its indentation kept
    await page.keyboard.press('Backspace');
    await ui.waitForProblem('mapping/unmapped-domain');
    await ui.focusEditor(); // back from the Problems panel, the cursor where it was

    await page.keyboard.press('Control+Space');
    const widget = page.locator('.suggest-widget');
    const rows = widget.locator('.monaco-list-row');
    await rows.first().waitFor({ timeout: TIMEOUT });
    const labels = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    if (labels.length !== 1 || !labels[0].startsWith('emea.corp.example.com=EMEA')) throw new Error(`suggestions on the blank mapping line: ${labels.join(' | ')}`);
    await screenshot('suggestions');
    await page.keyboard.press('Tab');
    await ui.waitForEditorText((t) => t.includes('    emea.corp.example.com=EMEA'), 'the mapping line inserted');
    await ui.waitForNoProblem('mapping/unmapped-domain');

    // A new, empty ECM file: the skeleton is there to start from.
    writeFileSync(join(workspace, 'lab.ecm.yaml'), '');
    await ui.openFromExplorer('lab.ecm.yaml');
    await page.keyboard.type('ecm');
    await page.keyboard.press('Control+Space');
    await widget.locator('.monaco-list-row', { hasText: 'ecmkit-ecm' }).first().waitFor({ timeout: TIMEOUT });
    await page.keyboard.press('Escape');
  },
} satisfies Scenario;
