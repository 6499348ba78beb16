// Navigation across files in the real editor: the code lens on a PA jump client counts its credentials
// and users; F12 on the jump client lands on its Vault endpoint; Shift+F12 there lists the credential and
// the jump client that name it; F2 renames the endpoint in both files at once, and nothing is left broken.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { lineOf, TIMEOUT } from '../harness/workbench';

export default {
  title: 'code lens, go to definition, references and rename lead from a PA jump client to its Vault endpoint and back',
  async run({ page, ui, workspace }) {
    const pa = readFileSync(join(workspace, 'site.pa.yaml'), 'utf8');
    const vault = readFileSync(join(workspace, 'corp.vault.yaml'), 'utf8');
    const paLine = lineOf(pa, /name: WEB01, hostname/);
    const vaultLine = lineOf(vault, /\{ name: WEB01, description/);
    const nameColumn = '  - { name: '.length + 1;
    await ui.waitForEcmkit();
    await ui.openFile('site.pa.yaml');

    // The lens above each jump client: what its users would get there (the broker's own resolution).
    await page.locator('.part.editor .codelens-decoration', { hasText: /\d+ credentials? · \d+ users?/ }).first().waitFor({ timeout: TIMEOUT });

    // F12 on the jump client's name opens the Vault file on the endpoint of that name.
    await ui.cursorAt(paLine, nameColumn + 1);
    await page.keyboard.press('F12');
    await page.locator('.tabs-container .tab.active', { hasText: 'corp.vault.yaml' }).waitFor({ timeout: TIMEOUT });
    await page.locator('[id="status.editor.selection"]', { hasText: new RegExp(`Ln ${vaultLine}\\b`) }).waitFor({ timeout: TIMEOUT });

    // Shift+F12 on the endpoint: the credential that lists it and the PA jump client.
    await ui.cursorAt(vaultLine, nameColumn + 1);
    await page.keyboard.press('Shift+F12');
    const peek = page.locator('.peekview-widget');
    await peek.locator('.monaco-list-row', { hasText: 'site.pa.yaml' }).first().waitFor({ timeout: TIMEOUT });
    await peek.locator('.monaco-list-row', { hasText: 'corp.vault.yaml' }).first().waitFor({ timeout: TIMEOUT });
    await page.keyboard.press('Escape');
    await peek.waitFor({ state: 'hidden', timeout: TIMEOUT });

    // F2: one rename changes the endpoint, the credential's reference and the jump client.
    await ui.cursorAt(vaultLine, nameColumn + 1);
    await page.keyboard.press('F2');
    const box = page.locator('.rename-box input');
    await box.waitFor({ timeout: TIMEOUT });
    await box.fill('WEB-01'); // into the box itself: keys sent before it has focus would go to the editor
    await box.press('Enter');
    await box.waitFor({ state: 'hidden', timeout: TIMEOUT });
    await ui.waitForEditorText((t) => /\{ name: WEB-01, description/.test(t), 'the Vault endpoint renamed');
    await ui.gotoLine(lineOf(vault, /endpoints: \[WEB01\]/));
    await ui.waitForEditorText((t) => /endpoints: \[WEB-01\]/.test(t), 'the credential to list WEB-01');
    await page.locator('.tabs-container .tab', { hasText: 'site.pa.yaml' }).click(); // still open from the start
    await page.locator('.tabs-container .tab.active', { hasText: 'site.pa.yaml' }).waitFor({ timeout: TIMEOUT });
    await ui.gotoLine(paLine);
    await ui.waitForEditorText((t) => /name: WEB-01, hostname/.test(t), 'the jump client renamed');
    await ui.waitForNoProblem('endpoint/');
    await ui.waitForNoProblem('ref/unknown');
  },
} satisfies Scenario;
