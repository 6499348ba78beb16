// "Test Vault Connectivity against the sandbox shows every stage passing", as a user does it: start the
// sandbox Vault (generating the missing shared key when asked; the palette then offers Stop, not Start); the
// code lens tests vault.hostname, which does not exist here, and fails: the walkthrough's step stays open
// (its texts without literal backticks). Run the test from the palette, where the sandbox is
// offered first, and read the report: seven stages, each PASS; now the walkthrough's step is done. Then
// stop the sandbox from the palette.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../../../scripts/e2e/paths';
import type { Scenario } from '../harness/scenario';
import { TIMEOUT, type Workbench } from '../harness/workbench';

const STAGES = ['dns', 'tcp', 'tls', 'http', 'auth', 'accounts', 'signout'];

/** Opens the ecmkit walkthrough (Welcome: Open Walkthrough…) and returns its "Test the Vault connection" step. */
async function openWalkthrough(ui: Workbench, page: Page) {
  await ui.runCommand('Welcome: Open Walkthrough...');
  const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Set up a PA ↔ ECM ↔ Vault integration' }).first();
  await pick.waitFor({ timeout: TIMEOUT });
  await pick.click();
  const step = page.locator('button.getting-started-step', { hasText: 'Test the Vault connection' });
  await step.waitFor({ timeout: TIMEOUT });
  return step;
}

export default {
  title: 'Test Vault Connectivity: the sandbox offered first, every stage passing; the walkthrough step done only then',
  async run({ ui, page, record, screenshot }) {
    await ui.waitForEcmkit();

    if (!(await ui.paletteHas('ecmkit: Start Sandbox Vault'))) throw new Error('no Start Sandbox Vault in the palette while none runs');
    if (await ui.paletteHas('ecmkit: Stop Sandbox Vault')) throw new Error('Stop Sandbox Vault in the palette while none runs');
    await ui.runCommand('ecmkit: Start Sandbox Vault');
    // A fresh profile has no stored key: the sandbox asks for it by name and offers to generate one.
    const dialog = ui.dialog();
    await dialog.waitFor({ timeout: TIMEOUT });
    const question = await dialog.innerText();
    if (!question.includes('vault.sharedKey')) throw new Error(`the key question does not name the secret: ${question}`);
    await dialog.getByRole('button', { name: 'Generate Random Key' }).click();
    await ui.notification(/sandbox Vault running at https:\/\/127\.0\.0\.1:\d+/).waitFor({ timeout: TIMEOUT });
    const status = page.locator('.statusbar-item', { hasText: /Sandbox Vault :\d+/ });
    await status.waitFor({ timeout: TIMEOUT });
    if (await ui.paletteHas('ecmkit: Start Sandbox Vault')) throw new Error('Start Sandbox Vault still in the palette while the sandbox runs');
    if (!(await ui.paletteHas('ecmkit: Stop Sandbox Vault'))) throw new Error('no Stop Sandbox Vault in the palette while the sandbox runs');

    await ui.openFile('prod.ecm.yaml');
    // The code lens above vault.hostname tests the Vault the file names, which does not exist here: it fails.
    const lens = page.locator('.codelens-decoration a', { hasText: 'Test connectivity' }).first();
    await lens.waitFor({ timeout: TIMEOUT });
    await lens.click();
    await ui.notification(/Vault connectivity failed at \w+/).waitFor({ timeout: TIMEOUT });
    let step = await openWalkthrough(ui, page);
    if ((await step.getAttribute('aria-checked')) !== 'false') throw new Error('the walkthrough marked the Vault step done after a failed test');
    // The steps' texts are shown as plain text: no Markdown backticks in them.
    const texts = await page.locator('.step-description-container').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    const steps = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.walkthroughs[0].steps.length;
    if (texts.length !== steps) throw new Error(`${texts.length} step texts in the walkthrough, ${steps} in package.json`);
    const ticked = texts.filter((t) => t.includes('`'));
    if (ticked.length) throw new Error(`literal backticks in the walkthrough:\n${ticked.join('\n')}`);
    await screenshot('walkthrough-after-failure');

    await ui.openFromExplorer('prod.ecm.yaml'); // the walkthrough has the keyboard
    const started = Date.now();
    await ui.runCommand('ecmkit: Test Vault Connectivity');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'The sandbox Vault' }).waitFor({ timeout: TIMEOUT }); // the palette's rows gone
    const order = await rows.allInnerTexts();
    if (!/The sandbox Vault/.test(order[0] ?? '') || !/The Vault in vault\.hostname/.test(order[1] ?? '')) throw new Error(`the sandbox is not offered first: ${order.join(' | ')}`);
    await page.keyboard.press('Enter'); // the first row: what a user in a hurry takes
    await ui.notification(/Vault connectivity OK — all 7 stages passed in \d+ ms/).waitFor({ timeout: TIMEOUT });
    const wall = Date.now() - started;

    // The report panel (a webview: two nested frames) lists every stage as PASS.
    const report = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await report.locator('#verdict', { hasText: 'PASS' }).waitFor({ timeout: TIMEOUT });
    const stages: Record<string, string> = {};
    for (const stage of STAGES) {
      const tr = report.locator(`tr[data-stage="${stage}"]`);
      await tr.waitFor({ timeout: TIMEOUT });
      const cls = await tr.getAttribute('class');
      const text = (await tr.innerText()).replace(/\s+/g, ' ');
      if (cls !== 'pass') throw new Error(`stage ${stage} did not pass: ${text}`);
      stages[stage] = /(\d+) ms/.exec(text)?.[1] ?? '?';
    }
    record('vault-test-sandbox', { stagesMs: stages, commandToNotificationMs: wall });
    await screenshot('report');

    // A passing test completes the walkthrough's step.
    step = await openWalkthrough(ui, page);
    await ui.poll(async () => ((await step.getAttribute('aria-checked')) === 'true' ? true : undefined), 'the walkthrough step done after a passing test');
    await screenshot('walkthrough-done');

    await ui.runCommand('ecmkit: Stop Sandbox Vault');
    await status.waitFor({ state: 'hidden', timeout: TIMEOUT });
  },
} satisfies Scenario;
