// (c) The secret/plaintext quick fix swaps a literal for ${secret:…} and offers to store the literal.
// The literal is test data, and it is gone from the editor before the end-state screenshot.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { lineOf, TIMEOUT } from '../harness/workbench';

const LITERAL = 'hunter2-literal';

export default {
  title: 'the secret/plaintext quick fix replaces the literal with a ${secret:…} reference',
  async run({ ui, page, workspace }) {
    const text = readFileSync(join(workspace, 'prod.ecm.yaml'), 'utf8');
    await ui.waitForEcmkit();
    await ui.openFile('prod.ecm.yaml');
    const line = lineOf(text, /^clientSecret:/);
    await ui.retypeLine(line, `clientSecret: ${LITERAL}`);
    await ui.waitForProblem('secret/plaintext');

    // Cursor on the literal, Quick Fix (Ctrl+.), pick the fix. Seen once under heavy load: the edit applied but
    // the command never ran. Our reading: VS Code drops the arguments of a code action's
    // command when a newer code-action request replaces the list between showing and picking (the edit still
    // applies); on a loaded machine that can happen when diagnostics arrive late. So if the edit landed
    // without the question, undo and pick again, at most twice: the second pick meets a settled list.
    const dialog = ui.dialog();
    for (let attempt = 1; ; attempt++) {
      const fix = await ui.openQuickFix(line, 'clientSecret: '.length + 3, /\$\{secret:/, 'secret/plaintext');
      await fix.click();
      const asked = await dialog.waitFor({ timeout: 20_000 }).then(() => true, () => false);
      if (asked) break;
      if (attempt === 3) throw new Error('the quick fix applied its edit but never asked to store the removed value');
      console.log(`[quickFix] attempt ${attempt}: the edit applied without the Store Secret question; undoing and retrying`);
      await ui.focusEditor();
      await page.keyboard.press('Control+z');
      await ui.waitForEditorText((t) => t.includes(LITERAL), 'the literal to come back after undo');
      await ui.waitForProblem('secret/plaintext');
    }
    const question = await dialog.innerText();
    if (question.includes(LITERAL)) throw new Error('the confirmation shows the secret value');
    await dialog.getByRole('button', { name: /^(Store|Replace)$/ }).click();
    await ui.notification(/secret ".+" stored/).waitFor({ timeout: TIMEOUT });

    await ui.waitForEditorText((t) => /clientSecret: "?\$\{secret:[^}]+\}/.test(t) && !t.includes(LITERAL),
      'clientSecret to read ${secret:…} in the editor');
    await ui.waitForNoProblem('secret/plaintext');
  },
} satisfies Scenario;
