// The real-editor suite: every file in scenarios/ is one scenario (default export, see harness/scenario.ts),
// run in code-server + Chromium. ECMKIT_E2E_ONLY=quickFix,trust runs a subset (ids are the file names).
import { after, before, test } from 'node:test';
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cleanEnv } from '../../scripts/e2e/install';
import { ROOT } from '../../scripts/e2e/paths';
import { modeOf, Session } from './harness/session';
import type { Scenario } from './harness/scenario';

const dir = join(__dirname, 'scenarios');
const only = process.env.ECMKIT_E2E_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const scenarios = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => basename(f, '.ts')).sort()
  .filter((id) => !only || only.includes(id))
  .map((id) => ({ id, scenario: (require(join(dir, `${id}.ts`)) as { default: Scenario }).default }));
if (scenarios.length === 0) throw new Error(`no scenario matches ECMKIT_E2E_ONLY=${process.env.ECMKIT_E2E_ONLY}`);

const session = new Session();
const started = Date.now();
before(() => session.prepare(
  [...new Set(scenarios.map((s) => modeOf(s.scenario)))],
  [...new Set(scenarios.flatMap((s) => s.scenario.services ?? []))],
));
after(async () => {
  await session.close();
  console.log(`[e2e] wall time ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in test-results/e2e/`);
});

test('package: the VSIX holds only what runs, and everything package.json points at', () => {
  const files = execFileSync(join(ROOT, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'], { cwd: ROOT, env: cleanEnv() })
    .toString().split('\n').map((l) => l.trim()).filter(Boolean);
  const runtime = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/[^/]+\.js|schemas\/[^/]+\.schema\.json|snippets\/[^/]+\.json|walkthrough\/.+|media\/.+|images\/[^/]+\.png)$/;
  assert.deepStrictEqual(files.filter((f) => !runtime.test(f)), [], 'files in the VSIX that do not run');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const referenced = new Set<string>([pkg.main.replace(/^\.\//, '')]);
  JSON.stringify(pkg.contributes, (_k, v) => {
    if (typeof v === 'string' && /^(\.\/)?[\w-]+\/[\w./-]+\.(json|md|png|svg|gif|jpg)$/.test(v)) referenced.add(v.replace(/^\.\//, ''));
    return v;
  });
  const missing = [...referenced].filter((f) => !files.includes(f));
  assert.deepStrictEqual(missing, [], 'files package.json refers to but the VSIX lacks');
  assert.ok(session.vsix && session.vsix.bytes < 2 * 1024 * 1024, `VSIX is ${session.vsix?.bytes} bytes (budget 2 MiB)`);
});

for (const { id, scenario } of scenarios) test(`${id}: ${scenario.title}`, () => session.runScenario(id, scenario));
