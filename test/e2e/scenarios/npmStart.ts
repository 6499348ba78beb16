// "With npm start's sandbox running, the editor uses it", as a user of `npm start` meets it: the sandbox
// npm start runs is the window's sandbox (status item; the palette offers Stop Sandbox, not Start); Test
// Vault Connectivity offers it first and passes against it; Start Broker signs in to it (with the key npm
// start gave the editor, no missing-secret warning) rather than starting a second sandbox beside it.
import type { Scenario } from '../harness/scenario';
import { TIMEOUT } from '../harness/workbench';

export default {
  title: "with npm start's sandbox running, Start Broker and the Vault test use it; the palette offers only Stop Sandbox",
  editor: 'npm start',
  async run({ ui, page, editorEnv, screenshot }) {
    const url = editorEnv.ECMKIT_SANDBOX_URL;
    if (!url) throw new Error('npm start\'s sandbox did not say where it listens');
    await ui.waitForEcmkit();
    await page.locator('.statusbar-item', { hasText: `Sandbox Vault :${new URL(url).port}` }).waitFor({ timeout: TIMEOUT });
    if (await ui.paletteHas('ecmkit: Start Sandbox Vault')) throw new Error('Start Sandbox Vault offered while npm start\'s sandbox runs');
    if (!(await ui.paletteHas('ecmkit: Stop Sandbox Vault'))) throw new Error('no Stop Sandbox Vault while npm start\'s sandbox runs');

    // The Vault test: the sandbox first, and it passes with the key npm start gave the editor.
    await ui.openFile('prod.ecm.yaml');
    await ui.runCommand('ecmkit: Test Vault Connectivity');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'The sandbox Vault' }).waitFor({ timeout: TIMEOUT });
    const firstText = await page.locator('.quick-input-list .monaco-list-row').first().innerText();
    if (!firstText.includes('The sandbox Vault') || !firstText.includes(url)) throw new Error(`first choice: ${firstText}`);
    await page.keyboard.press('Enter');
    await ui.notification(/Vault connectivity OK — all 7 stages passed/).waitFor({ timeout: TIMEOUT });

    // Start Broker signs in to that sandbox; it starts none of its own.
    await ui.runCommand('ecmkit: Start Broker');
    const status = page.locator('.statusbar-item', { hasText: /Broker :\d+ · ecm-01/ });
    await status.waitFor({ timeout: TIMEOUT });
    await ui.runCommand('ecmkit: Show Broker Log');
    const log = page.locator('.part.panel .monaco-editor .view-lines').first();
    const text = await ui.poll(async () => {
      const t = (await log.innerText()).replace(/\u00a0/g, ' ');
      return t.includes('broker listening on') ? t : undefined;
    }, 'the broker log');
    if (!text.includes(`(sandbox Vault at ${url};`)) throw new Error(`the broker does not use npm start's sandbox:\n${text}`);
    if (/sandbox Vault at https:\/\/127\.0\.0\.1:\d+ \(CA /.test(text)) throw new Error(`the broker started a sandbox of its own:\n${text}`);
    // It signs in with the key npm start gave the editor: no warning that it is not stored, and an answer.
    if (await ui.notification(/is not stored/).count()) throw new Error(`a missing-secret warning: ${await ui.notification(/is not stored/).first().innerText()}`);
    await ui.runCommand('ecmkit: Simulate Credential Request…');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'jdoe' }).first().click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: /web01\.corp\.example\.com/ }).first().click();
    const view = page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
    await view.locator('table.creds td.name', { hasText: 'web01-admin' }).waitFor({ timeout: TIMEOUT });
    const sub = await view.locator('p.sub').first().innerText();
    if (!sub.includes(`(sandbox Vault at ${url})`)) throw new Error(`the answer did not come through npm start's sandbox: ${sub}`);
    await screenshot('broker-log');
    await ui.runCommand('ecmkit: Stop Broker');
    await status.waitFor({ state: 'hidden', timeout: TIMEOUT });
  },
} satisfies Scenario;
