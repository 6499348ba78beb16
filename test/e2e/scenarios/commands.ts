// (d) The extension's commands are in the command palette under "ecmkit: …"; a command whose palette entry
// depends on an ecmkit state (e.g. Stop Broker while no broker runs) is shown or hidden as that state says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { TIMEOUT } from '../harness/workbench';
import { ROOT } from '../../../scripts/e2e/paths';

type Command = { command: string; title: string; category?: string };

/** At startup every `ecmkit.*` context key is unset; only `key` and `!key` clauses are evaluated. */
function visibleAtStartup(when: string | undefined): boolean | undefined {
  if (when === undefined) return true;
  const m = /^\s*(!?)\s*ecmkit\.[\w.]+\s*$/.exec(when);
  return m ? m[1] === '!' : undefined; // undefined: a clause this check does not evaluate
}

export default {
  title: "the extension's commands appear in the command palette",
  async run({ ui, log }) {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const commands: Command[] = pkg.contributes.commands;
    const palette: { command: string; when?: string }[] = pkg.contributes.menus?.commandPalette ?? [];
    if (commands.length === 0) throw new Error('package.json contributes no commands');
    await ui.waitForEcmkit();

    const wrong: string[] = [];
    for (const c of commands) {
      const title = c.category ? `${c.category}: ${c.title}` : c.title;
      const expected = visibleAtStartup(palette.find((p) => p.command === c.command)?.when);
      if (expected === undefined) { log(`not checked (palette "when" too complex): ${title}`); continue; }
      const shown = await ui.paletteHas(title);
      if (shown !== expected) wrong.push(`${title} is ${shown ? 'shown' : 'missing'}`);
    }
    if (wrong.length) throw new Error(`command palette: ${wrong.join('; ')}`);
    // Leave the palette open on ecmkit's commands for the end-state screenshot.
    await ui.page.keyboard.press('F1');
    await ui.page.locator('.quick-input-widget input').fill('>ecmkit:');
    await ui.page.locator('.quick-input-list .monaco-list-row', { hasText: 'ecmkit:' }).first().waitFor({ timeout: TIMEOUT });
  },
} satisfies Scenario;
