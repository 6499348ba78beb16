// "F5 starts the broker and streams every request to the Debug Console; stopping the session stops it",
// as a user does it: a launch configuration of type ecmkit-broker, F5, a simulated request whose trace and
// Vault calls appear in the Debug Console, a console command, then "Stop Broker" with another program being
// debugged beside it (only the broker's session ends).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { TIMEOUT } from '../harness/workbench';

export default {
  title: 'F5 runs the broker in the debugger and the Debug Console shows each request, trace and Vault call',
  async run({ ui, page, workspace, record, screenshot }) {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'launch.json'), JSON.stringify({
      version: '0.2.0',
      configurations: [
        { type: 'ecmkit-broker', request: 'launch', name: 'ecmkit: Broker (sandbox Vault)', workspace: '${workspaceFolder}', vault: 'sandbox' },
        { type: 'node', request: 'launch', name: 'another program', program: '${workspaceFolder}/other.js' },
      ],
    }, null, 2));
    // The other program's heartbeat: a file it rewrites every 100 ms while it runs.
    const heartbeat = join(workspace, 'other.beat');
    writeFileSync(join(workspace, 'other.js'), `setInterval(() => require('fs').writeFileSync(${JSON.stringify(heartbeat)}, String(Date.now())), 100);\n`);
    const beating = () => { try { return Date.now() - Number(readFileSync(heartbeat, 'utf8')) < 1000; } catch { return false; } };
    await ui.waitForEcmkit();

    // F5, as a user starts debugging (the workbench handles the key; the page does not reload).
    await page.locator('.explorer-folders-view').click();
    const started = Date.now();
    await page.keyboard.press('F5');
    const status = page.locator('.statusbar-item', { hasText: /Broker :\d+ · ecm-01/ });
    await status.waitFor({ timeout: TIMEOUT });
    const startMs = Date.now() - started;
    const repl = page.locator('.repl');
    await repl.waitFor({ timeout: TIMEOUT });
    const consoleText = async () => (await repl.innerText()).replace(/\u00a0/g, ' ');
    await ui.poll(async () => (/broker listening on http:\/\/127\.0\.0\.1:\d+ token=/.test(await consoleText()) ? true : undefined), 'the listening line in the Debug Console');

    // A request through the editor: the broker answers, and the Debug Console shows the request, the Vault calls and the trace.
    await ui.runCommand('ecmkit: Simulate Credential Request…');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'asmith' }).click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'db01.corp.example.com' }).click();
    const view = page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
    await view.locator('table.creds td.name', { hasText: 'db01-sa' }).waitFor({ timeout: TIMEOUT });

    await page.keyboard.press('Control+Shift+Y'); // back to the Debug Console
    const text = await ui.poll(async () => {
      const t = await consoleText();
      return /POST \/v1\/credentials\/find → 200/.test(t) && /ManagedAccounts\?systemName=db01\.corp\.example\.com → 200/.test(t) ? t : undefined;
    }, 'the request and its Vault calls in the Debug Console');
    for (const re of [/vault\[ecm-01 as EMEA\\asmith\] POST Auth\/SignAppin → 200/, /trace: EMEA\\asmith on db01\.corp\.example\.com via ecm-01/]) {
      if (!re.test(text)) throw new Error(`Debug Console lacks ${re}:\n${text.slice(-2000)}`);
    }
    await screenshot('console');

    // The Debug Console takes broker commands: watch the failover.
    await page.locator('.repl-input-wrapper .monaco-editor').first().click();
    await page.keyboard.type('disconnect ecm-01');
    await page.keyboard.press('Enter');
    await ui.poll(async () => (/active: ecm-02/.test(await consoleText()) ? true : undefined), 'the failover answer in the Debug Console');
    await page.locator('.statusbar-item', { hasText: /Broker :\d+ · ecm-02/ }).waitFor({ timeout: TIMEOUT });

    // With another program being debugged beside it, "Stop Broker" ends the broker's session and only it.
    await ui.runCommand('Debug: Select and Start Debugging');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'another program' }).click();
    await ui.poll(async () => (beating() ? true : undefined), 'the other program running under the debugger');
    await ui.runCommand('ecmkit: Stop Broker');
    await page.locator('.statusbar-item', { hasText: /Broker :\d+/ }).waitFor({ state: 'hidden', timeout: TIMEOUT });
    await new Promise((r) => setTimeout(r, 1500));
    if (!beating()) throw new Error('Stop Broker also stopped the other debug session');

    // Stopping the remaining session ends the other program.
    await page.keyboard.press('Shift+F5');
    await ui.poll(async () => (beating() ? undefined : true), 'the other program stopped by Shift+F5');

    // Stopping the broker's session (Shift+F5) stops the broker.
    await ui.runCommand('Debug: Select and Start Debugging');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'ecmkit: Broker (sandbox Vault)' }).click();
    await page.locator('.statusbar-item', { hasText: /Broker :\d+ · ecm-01/ }).waitFor({ timeout: TIMEOUT });
    await page.keyboard.press('Shift+F5');
    await page.locator('.statusbar-item', { hasText: /Broker :\d+/ }).waitFor({ state: 'hidden', timeout: TIMEOUT });
    record('debug-broker', { f5ToStatusMs: startMs });
  },
} satisfies Scenario;
