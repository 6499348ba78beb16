// "Simulate Credential Request shows the credentials and the trace", as a user does it: start the broker
// (sandbox Vault), watch its status bar item, run the simulation for jdoe on WEB01 from the quick picks,
// read the credentials and the trace in the view, follow a trace step's link to its file and line, then
// stop the broker from the palette.
import type { Scenario } from '../harness/scenario';
import { TIMEOUT } from '../harness/workbench';

export default {
  title: 'Simulate Credential Request shows the credentials and the trace',
  async run({ ui, page, record, screenshot }) {
    await ui.waitForEcmkit();

    const started = Date.now();
    await ui.runCommand('ecmkit: Start Broker');
    const status = page.locator('.statusbar-item', { hasText: /Broker :\d+ · ecm-01/ });
    await status.waitFor({ timeout: TIMEOUT });
    const brokerStartMs = Date.now() - started;

    await ui.runCommand('ecmkit: Simulate Credential Request…');
    // Quick pick 1: the PA users of the site, from the language server's index.
    const user = page.locator('.quick-input-list .monaco-list-row', { hasText: 'jdoe' });
    await user.waitFor({ timeout: TIMEOUT });
    for (const other of ['asmith', 'bwayne']) await page.locator('.quick-input-list .monaco-list-row', { hasText: other }).waitFor({ timeout: TIMEOUT });
    await user.click();
    // Quick pick 2: the jump clients, with the code-lens counts.
    const jc = page.locator('.quick-input-list .monaco-list-row', { hasText: /WEB01.*3 credentials · 3 users/ });
    await jc.waitFor({ timeout: TIMEOUT });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: /KIOSK-7.*credential injection off/ }).waitFor({ timeout: TIMEOUT });
    await jc.click();

    // The view (a webview: two nested frames) shows the credentials the Vault returned and every step.
    const view = page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
    await view.locator('h1', { hasText: 'jdoe' }).waitFor({ timeout: TIMEOUT });
    const credentials = await view.locator('table.creds td.name').allInnerTexts();
    if (credentials.join(',') !== 'web01-admin,web-deploy,helpdesk-shared') throw new Error(`credentials shown: ${credentials.join(', ')}`);
    const sub = await view.locator('p.sub').first().innerText();
    if (!/Runs as CORP\\jdoe · served by ECM ecm-01 · answered by the broker at http:\/\/127\.0\.0\.1:\d+/.test(sub)) throw new Error(`header: ${sub}`);
    const steps = await view.locator('ol.trace li').allInnerTexts();
    const has = (re: RegExp) => { if (!steps.some((s) => re.test(s.replace(/\s+/g, ' ')))) throw new Error(`no trace step ${re} in:\n${steps.join('\n')}`); };
    has(/provider .*AD domain corp\.example\.com maps to CORP/);
    has(/vault-sign-in .*as CORP\\jdoe/);
    has(/vault-query .*The Vault lists 3 accounts/);
    has(/credential db01-sa .*assigned to endpoint db01\.corp\.example\.com; WEB01 is not among them/);
    has(/cross-check .*matches the files/);
    has(/result .*The ECM returns 3 credentials/);
    if ((await view.locator('ol.trace li.drop').count()) !== 1) throw new Error('exactly one credential (db01-sa) is dropped');
    await screenshot('view');

    // A trace step links to the file and line it depends on: the mapping line of prod.ecm.yaml.
    const link = view.locator('li', { hasText: 'maps to CORP' }).locator('a.src');
    const linkText = await link.innerText();
    if (linkText !== 'prod.ecm.yaml:17') throw new Error(`provider link reads ${linkText}`);
    await link.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'prod.ecm.yaml' }).waitFor({ timeout: TIMEOUT });
    await page.locator('.statusbar-item', { hasText: /Ln 17, Col \d+ \(\d+ selected\)/ }).waitFor({ timeout: TIMEOUT });

    record('simulate', { brokerStartMs, credentials, steps: steps.length });

    await ui.runCommand('ecmkit: Stop Broker');
    await status.waitFor({ state: 'hidden', timeout: TIMEOUT });
  },
} satisfies Scenario;
