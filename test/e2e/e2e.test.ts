// The real-editor suite: every file in scenarios/ is one scenario (default export, see harness/scenario.ts),
// run in code-server + Chromium. ECMKIT_E2E_ONLY=quickFix,trust runs a subset (ids are the file names).
import { after, before, test } from 'node:test';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Session } from './harness/session';
import type { Scenario } from './harness/scenario';

const dir = join(__dirname, 'scenarios');
const only = process.env.ECMKIT_E2E_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const scenarios = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => basename(f, '.ts')).sort()
  .filter((id) => !only || only.includes(id))
  .map((id) => ({ id, scenario: (require(join(dir, `${id}.ts`)) as { default: Scenario }).default }));
if (scenarios.length === 0) throw new Error(`no scenario matches ECMKIT_E2E_ONLY=${process.env.ECMKIT_E2E_ONLY}`);

const session = new Session();
const started = Date.now();
before(() => session.prepare([...new Set(scenarios.map((s) => s.scenario.trust ?? 'trusted'))]));
after(async () => {
  await session.close();
  console.log(`[e2e] wall time ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in test-results/e2e/`);
});

for (const { id, scenario } of scenarios) test(`${id}: ${scenario.title}`, () => session.runScenario(id, scenario));
