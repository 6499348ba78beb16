// Activation: the extension starts with the workspace, and "Developer: Show Running Extensions" shows its
// activation time — the number recorded in BENCHMARKS.md (test-results/e2e/activation.json).
import type { Scenario } from '../harness/scenario';
import { TIMEOUT } from '../harness/workbench';

export default {
  title: 'the extension activates with the workspace; Running Extensions shows its activation time',
  async run({ ui, page, log, record }) {
    await ui.waitForEcmkit();
    await ui.runCommand('Developer: Show Running Extensions');
    const row = page.locator('.monaco-list-row', { hasText: 'ecmkit' }).filter({ hasText: /Activation: *\d+ *ms/ }).first();
    await row.waitFor({ timeout: TIMEOUT });
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    const m = /(Startup Activation|Activation): *(\d+) *ms/.exec(text)!;
    const ms = Number(m[2]);
    log(`${m[1]}: ${ms} ms`);
    record('activation', { extension: 'ecmkit.ecmkit', kind: m[1], activationMs: ms, shownAs: text, at: new Date().toISOString() });
  },
} satisfies Scenario;
