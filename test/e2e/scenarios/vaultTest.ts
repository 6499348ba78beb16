// "Test Vault Connectivity against the sandbox shows every stage passing", as a user does it: start the
// sandbox Vault (generating the missing shared key when asked), open an ECM file, run the test, pick the
// sandbox, and read the report: seven stages, each PASS. Then stop the sandbox from the palette.
import type { Scenario } from '../harness/scenario';
import { TIMEOUT } from '../harness/workbench';

const STAGES = ['dns', 'tcp', 'tls', 'http', 'auth', 'accounts', 'signout'];

export default {
  title: 'Test Vault Connectivity against the sandbox shows every stage passing',
  async run({ ui, page, record, screenshot }) {
    await ui.waitForEcmkit();

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

    await ui.openFile('prod.ecm.yaml');
    // The code lens above vault.hostname offers the test (and the sandbox, now that it runs).
    await page.locator('.codelens-decoration', { hasText: 'Test connectivity' }).first().waitFor({ timeout: TIMEOUT });

    const started = Date.now();
    await ui.runCommand('ecmkit: Test Vault Connectivity');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'The sandbox Vault' });
    await row.waitFor({ timeout: TIMEOUT });
    await row.click();
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

    await ui.runCommand('ecmkit: Stop Sandbox Vault');
    await status.waitFor({ state: 'hidden', timeout: TIMEOUT });
  },
} satisfies Scenario;
