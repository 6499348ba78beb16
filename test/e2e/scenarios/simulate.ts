// "Simulate Credential Request shows the credentials and the trace", as a user does it: start the broker
// (sandbox Vault), watch its status bar item, run the simulation for jdoe on WEB01 from the quick picks (the
// jump clients with jdoe's own counts), read the credentials and the trace in the view (a mapping line shown
// as code, principals as the file spells them), follow a trace step's link to its file and line. Then break
// the mapping line in the editor without saving: Simulate says the broker reads the saved files and asks;
// "Use the Saved Files" says so in the view, "Save and Simulate" answers from the edit, the provider step
// failing at that line; the broker's status item counts the error, and a broker started on it says so.
import type { FrameLocator, Page } from 'playwright-core';
import type { Scenario } from '../harness/scenario';
import { TIMEOUT, type Workbench } from '../harness/workbench';

const row = (page: Page, text: string | RegExp) => page.locator('.quick-input-list .monaco-list-row', { hasText: text });

/** Runs the command and picks `user`, then the jump client row matching `jc` (a row's text runs label, counts and hostname together); returns the rows as shown. */
async function simulate(ui: Workbench, page: Page, user: string, jc: RegExp): Promise<string[]> {
  await ui.runCommand('ecmkit: Simulate Credential Request…');
  await row(page, user).first().waitFor({ timeout: TIMEOUT });
  await row(page, user).first().click();
  const target = row(page, jc).first();
  await target.waitFor({ timeout: TIMEOUT });
  const rows = (await page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  await target.click();
  return rows;
}

/** The trace steps of the view, whitespace folded. */
async function stepsOf(view: FrameLocator): Promise<string[]> {
  return (await view.locator('ol.trace li').allInnerTexts()).map((s) => s.replace(/\s+/g, ' '));
}

export default {
  title: 'Simulate Credential Request shows the credentials and the trace, and says which files it answered from',
  async run({ ui, page, record, screenshot }) {
    await ui.waitForEcmkit();

    const started = Date.now();
    await ui.runCommand('ecmkit: Start Broker');
    const status = page.locator('.statusbar-item', { hasText: /Broker :\d+ · ecm-01/ });
    await status.waitFor({ timeout: TIMEOUT });
    const brokerStartMs = Date.now() - started;

    // Quick pick 1: the PA users of the site; quick pick 2: the jump clients with what jdoe gets on each
    // (db01: 1 for jdoe, where the site's users together get 2).
    await ui.runCommand('ecmkit: Simulate Credential Request…');
    for (const other of ['jdoe', 'asmith', 'bwayne']) await row(page, other).waitFor({ timeout: TIMEOUT });
    await page.keyboard.press('Escape');
    const jcRows = await simulate(ui, page, 'jdoe', /web01\.corp\.example\.com/);
    const expectRow = (re: RegExp) => { if (!jcRows.some((r) => re.test(r))) throw new Error(`no jump client row ${re} in:\n${jcRows.join('\n')}`); };
    expectRow(/^WEB01\s*3 credentials for jdoe\b/);
    expectRow(/^db01\.corp\.example\.com\s*1 credential for jdoe\b/);
    expectRow(/^KIOSK-7\s*credential injection off/);

    // The view (a webview: two nested frames) shows the credentials the Vault returned and every step.
    const view = page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
    await view.locator('h1', { hasText: 'jdoe' }).waitFor({ timeout: TIMEOUT });
    const credentials = await view.locator('table.creds td.name').allInnerTexts();
    if (credentials.join(',') !== 'web01-admin,web-deploy,helpdesk-shared') throw new Error(`credentials shown: ${credentials.join(', ')}`);
    const sub = await view.locator('p.sub').first().innerText();
    if (!/Runs as CORP\\jdoe · served by ECM ecm-01 · answered by the broker at http:\/\/127\.0\.0\.1:\d+/.test(sub)) throw new Error(`header: ${sub}`);
    const steps = await stepsOf(view);
    const has = (list: string[], re: RegExp) => { if (!list.some((s) => re.test(s))) throw new Error(`no trace step ${re} in:\n${list.join('\n')}`); };
    has(steps, /provider .*AD domain corp\.example\.com maps to CORP \(mapping line corp\.example\.com=CORP\)/);
    has(steps, /vault-sign-in .*as CORP\\jdoe/);
    has(steps, /vault-query .*The Vault lists 3 accounts/);
    has(steps, /credential db01-sa .*assigned to endpoint db01\.corp\.example\.com; WEB01 is not among them/);
    has(steps, /cross-check .*matches the files/);
    has(steps, /result .*The ECM returns 3 credentials/);
    if ((await view.locator('ol.trace li.drop').count()) !== 1) throw new Error('exactly one credential (db01-sa) is dropped');
    // The mapping line is shown as code, and no literal backtick is left anywhere in the view.
    const code = await view.locator('li', { hasText: 'maps to CORP' }).locator('code').allInnerTexts();
    if (code.join('|') !== 'corp.example.com=CORP') throw new Error(`code in the provider step: ${code.join('|')}`);
    if ((await view.locator('body').innerText()).includes('`')) throw new Error('a literal backtick in the Simulate view');
    await screenshot('view');

    // A trace step links to the file and line it depends on: the mapping line of prod.ecm.yaml.
    const link = view.locator('li', { hasText: 'maps to CORP' }).locator('a.src');
    const linkText = await link.innerText();
    if (linkText !== 'prod.ecm.yaml:17') throw new Error(`provider link reads ${linkText}`);
    await link.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'prod.ecm.yaml' }).waitFor({ timeout: TIMEOUT });
    await page.locator('.statusbar-item', { hasText: /Ln 17, Col \d+ \(\d+ selected\)/ }).waitFor({ timeout: TIMEOUT });

    // jdoe on db01: the credential policy grants role:DBA; jdoe acts as the principals the Vault file spells.
    await simulate(ui, page, 'jdoe', /db01\.corp\.example\.com/);
    await view.locator('h1', { hasText: 'db01.corp.example.com' }).waitFor({ timeout: TIMEOUT });
    has(await stepsOf(view), /credential db01-sa .*grants check-out only to role:DBA; CORP\\jdoe acts as user:jdoe, role:Rep, group:Support\./);

    // An unsaved edit: the mapping line now names a provider the Vault lacks (the editor flags it at once).
    await ui.openFromExplorer('prod.ecm.yaml'); // the view beside has the keyboard
    await ui.retypeLine(17, 'corp.example.com=CORPX');
    await ui.waitForProblem('mapping/unknown-provider');
    await simulate(ui, page, 'jdoe', /web01\.corp\.example\.com/);
    const dialog = ui.dialog();
    await dialog.waitFor({ timeout: TIMEOUT });
    const question = (await dialog.innerText()).replace(/\s+/g, ' ');
    if (!/prod\.ecm\.yaml has unsaved changes\. The broker answers from the saved files\./.test(question)) throw new Error(`the question reads: ${question}`);
    await screenshot('unsaved-question');
    await dialog.getByRole('button', { name: 'Use the Saved Files' }).click();
    await view.locator('p.notice', { hasText: 'Answered from the saved files: the unsaved changes in prod.ecm.yaml were not used.' }).waitFor({ timeout: TIMEOUT });
    if ((await view.locator('table.creds td.name').count()) !== 3) throw new Error('the saved files give jdoe 3 credentials on WEB01');
    await screenshot('saved-files');

    // "Save and Simulate": the broker re-reads the saved file; the provider step fails at the mapping line.
    await simulate(ui, page, 'jdoe', /web01\.corp\.example\.com/);
    await dialog.waitFor({ timeout: TIMEOUT });
    await dialog.getByRole('button', { name: 'Save and Simulate' }).click();
    await view.locator('p.error', { hasText: 'user-not-found' }).waitFor({ timeout: TIMEOUT });
    if (await view.locator('p.notice').count()) throw new Error(`a notice after saving: ${await view.locator('p.notice').innerText()}`);
    const failed = (await view.locator('ol.trace li.fail').allInnerTexts()).map((s) => s.replace(/\s+/g, ' '));
    if (!/^✗ provider .*maps to CORPX \(mapping line corp\.example\.com=CORPX\)\. But the Vault has no security provider CORPX \(it has CORP, EMEA\), so the ECM's sign-in as CORPX\\jdoe fails: correct the mapping line \(prod\.ecm\.yaml line 17\)/.test(failed[0] ?? '')) {
      throw new Error(`the first failed step is not the provider's:\n${failed.join('\n')}`);
    }
    if ((await stepsOf(view)).some((s) => /^. user /.test(s))) throw new Error('a user step after the provider failed');
    // The broker says the files it answers from now have an error: a count on its status item.
    await page.locator('.statusbar-item', { hasText: /Broker :\d+ · ecm-01/ }).locator('.codicon-error').waitFor({ timeout: TIMEOUT });
    await screenshot('saved-and-failed');

    await ui.runCommand('ecmkit: Stop Broker');
    await status.waitFor({ state: 'hidden', timeout: TIMEOUT });

    // A broker started on a workspace with errors says so.
    await ui.runCommand('ecmkit: Start Broker');
    await ui.notification(/the broker started on a workspace with 1 error \(prod\.ecm\.yaml\): it answers from the files as they are/).waitFor({ timeout: TIMEOUT });
    await status.waitFor({ timeout: TIMEOUT });
    record('simulate', { brokerStartMs, credentials, steps: steps.length });
    await screenshot('started-with-errors');
    await ui.runCommand('ecmkit: Stop Broker');
    await status.waitFor({ state: 'hidden', timeout: TIMEOUT });
  },
} satisfies Scenario;
