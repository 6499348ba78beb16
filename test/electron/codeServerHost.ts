// Runs the API-level suites inside code-server's extension host, for machines where @vscode/test-electron
// cannot download VS Code. The suites are wrapped in a small extension (suite/host.ts) installed beside
// ecmkit; a browser window opens the example workspace, which starts the extension host, and the host
// extension writes its mocha result to a file this process waits for.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Session, type Mode } from '../e2e/harness/session';
import { run } from '../../scripts/e2e/proc';
import { cleanEnv } from '../../scripts/e2e/install';
import { bundleSuite } from './build';
import type { SuiteResult } from './suite/index';

const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, '.cache', 'electron', 'code-server');
const RESULTS = join(ROOT, 'test-results', 'api');

async function packageHost(): Promise<string> {
  const dir = join(OUT, 'host');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await bundleSuite(join(__dirname, 'suite', 'host.ts'), join(dir, 'host.js'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'ecmkit-api-tests', publisher: 'ecmkit', version: '0.0.1', license: 'MIT',
    description: 'Runs the ecmkit API suites in the extension host', engines: { vscode: '^1.91.0' },
    main: './host.js', activationEvents: ['onStartupFinished'], extensionDependencies: ['ecmkit.ecmkit'],
    // It must run in the untrusted window too, to check what ecmkit does there.
    capabilities: { untrustedWorkspaces: { supported: true } },
  }, null, 2));
  writeFileSync(join(dir, 'README.md'), 'Test host for the ecmkit API suites.\n');
  writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
  const vsix = join(OUT, 'ecmkit-api-tests.vsix');
  await run(join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--out', vsix],
    { cwd: dir, env: cleanEnv(), logFile: join(OUT, 'vsce.log') });
  return vsix;
}

export async function runInCodeServer(): Promise<boolean> {
  mkdirSync(OUT, { recursive: true });
  const resultFile = (mode: Mode) => join(OUT, `result-${mode}.json`);
  for (const mode of ['trusted', 'untrusted'] as const) rmSync(resultFile(mode), { force: true });
  const host = await packageHost();
  const session = new Session((m) => console.log(`[api] ${m}`), {
    vsix: [host], results: RESULTS,
    env: (mode) => ({ ECMKIT_TEST_MODE: mode, ECMKIT_API_RESULT: resultFile(mode) }),
  });
  const results: SuiteResult[] = [];
  try {
    await session.prepare(['trusted', 'untrusted']);
    for (const mode of ['trusted', 'untrusted'] as const) {
      await session.runScenario(`api-${mode}`, {
        title: `API suites in a ${mode} window`,
        trust: mode,
        async run({ ui }) {
          await ui.poll(async () => (existsSync(resultFile(mode)) ? true : undefined), `the ${mode} suite's result`, 300_000);
          results.push(JSON.parse(readFileSync(resultFile(mode), 'utf8')) as SuiteResult);
        },
      });
    }
  } finally {
    await session.close();
  }
  let ok = true;
  for (const r of results) {
    console.log(`\n${r.mode} window:`);
    for (const t of r.passed) console.log(`  ✔ ${t}`);
    for (const f of r.failed) { ok = false; console.log(`  ✖ ${f.title}\n${f.error.replace(/^/gm, '      ')}`); }
  }
  const passed = results.reduce((n, r) => n + r.passed.length, 0);
  const failed = results.reduce((n, r) => n + r.failed.length, 0);
  console.log(`\n${passed} passed, ${failed} failed`);
  return ok && results.length === 2 && passed > 0;
}
