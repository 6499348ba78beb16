// (d) Every command the extension contributes is in the command palette under "ecmkit: …".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { ROOT } from '../../../scripts/e2e/paths';

export default {
  title: "the extension's commands appear in the command palette",
  async run({ ui }) {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const titles: string[] = pkg.contributes.commands.map((c: { category?: string; title: string }) =>
      (c.category ? `${c.category}: ${c.title}` : c.title));
    if (titles.length === 0) throw new Error('package.json contributes no commands');
    await ui.waitForEcmkit();
    const entries = await ui.poll(async () => {
      const e = await ui.paletteEntries('ecmkit');
      if (titles.every((t) => e.some((x) => x.includes(t)))) return e;
      await ui.closeQuickInput();
      return undefined;
    }, `all of ${titles.join(', ')} in the command palette`);
    for (const t of titles) if (!entries.some((x) => x.includes(t))) throw new Error(`"${t}" missing from the palette`);
  },
} satisfies Scenario;
