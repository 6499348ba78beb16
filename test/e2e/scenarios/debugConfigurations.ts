// "F5 with no launch.json runs the broker, and each debug configuration is listed once", as a user meets it:
// F5 on an open ECM file without a launch.json (VS Code used to ask for a YAML debugger instead) starts the
// broker and its Debug Console says which configuration ran; "Debug: Select and Start Debugging" lists
// ecmkit's two configurations once each (not again under "user settings"); "Debug: Add Configuration…"
// writes a launch.json with one ecmkit configuration, not two copies.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { TIMEOUT } from '../harness/workbench';

export default {
  title: 'F5 with no launch.json runs the broker; each debug configuration is listed once',
  async run({ ui, page, workspace, screenshot }) {
    await ui.waitForEcmkit();
    await ui.openFile('prod.ecm.yaml');

    await page.keyboard.press('F5');
    const status = page.locator('.statusbar-item', { hasText: /Broker :\d+ · ecm-01/ });
    await status.waitFor({ timeout: TIMEOUT });
    const repl = page.locator('.repl');
    await repl.waitFor({ timeout: TIMEOUT });
    const consoleText = async () => (await repl.innerText()).replace(/\u00a0/g, ' ');
    await ui.poll(async () => {
      const t = await consoleText();
      return /No launch\.json: F5 runs the default configuration/.test(t) && /broker listening on http:\/\/127\.0\.0\.1:\d+/.test(t) ? true : undefined;
    }, 'the default configuration named in the Debug Console');
    if (await ui.dialog().isVisible()) throw new Error(`a dialog beside the broker: ${await ui.dialog().innerText()}`);
    await screenshot('f5');
    await page.keyboard.press('Shift+F5');
    await status.waitFor({ state: 'hidden', timeout: TIMEOUT });

    // The configurations ecmkit offers, each once.
    await ui.runCommand('Debug: Select and Start Debugging');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'ecmkit Broker...' }).first().click();
    const rows = page.locator('.quick-input-list .monaco-list-row');
    const labels = await ui.poll(async () => {
      const l = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      return l.some((t) => t.includes('ecmkit: Broker')) ? l : undefined;
    }, 'the ecmkit configurations');
    const named = (name: string) => labels.filter((l) => l.includes(name)).length;
    if (named('ecmkit: Broker (sandbox Vault)') !== 1 || named('ecmkit: Broker (configured Vault)') !== 1) throw new Error(`configurations listed: ${labels.join(' | ')}`);
    await screenshot('configurations');
    await ui.closeQuickInput();

    // A launch.json made for ecmkit holds its configuration once.
    // With an ECM file open, ecmkit is the debugger of its language: no picker (one would list ecmkit Broker).
    await ui.runCommand('Debug: Add Configuration...');
    const debuggerRow = page.locator('.quick-input-list .monaco-list-row', { hasText: /^\s*ecmkit Broker\s*(Suggested)?\s*$/ }).first();
    const launchJson = join(workspace, '.vscode', 'launch.json');
    const text = await ui.poll(async () => {
      if (existsSync(launchJson) && readFileSync(launchJson, 'utf8').includes('ecmkit-broker')) return readFileSync(launchJson, 'utf8');
      if (await debuggerRow.isVisible()) await debuggerRow.click();
      return undefined;
    }, 'launch.json written');
    const types = text.match(/"type":\s*"ecmkit-broker"/g) ?? [];
    if (types.length !== 1) throw new Error(`launch.json holds ${types.length} ecmkit configurations:\n${text}`);
    await page.keyboard.press('Escape'); // the suggestions VS Code opens in the new file
  },
} satisfies Scenario;
