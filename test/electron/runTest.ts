// `npm run test:electron`: the same scenarios as test/e2e, at the VS Code API level, in a VS Code that
// @vscode/test-electron downloads (so it runs where the network reaches update.code.visualstudio.com — a
// developer's desktop or a hosted CI — not on the offline machines, which run `npm run test:e2e` instead).
// Two runs: a trusted window (--disable-workspace-trust) and an untrusted one.
// `npm run test:electron -- --code-server` runs the same suites inside code-server's extension host instead
// (no download; see codeServerHost.ts).
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { bundleSuite } from './build';
import { runInCodeServer } from './codeServerHost';

const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, '.cache', 'electron');

async function main(): Promise<void> {
  if (process.argv.includes('--code-server')) process.exit((await runInCodeServer()) ? 0 : 1);
  // The extension host loads CommonJS; mocha 12 is ESM-only, so the suite is bundled with it.
  mkdirSync(OUT, { recursive: true });
  const suite = join(OUT, 'suite.js');
  await bundleSuite(join(__dirname, 'suite', 'index.ts'), suite);

  const work = mkdtempSync(join(tmpdir(), 'ecmkit-electron-'));
  let failed = false;
  try {
    for (const mode of ['trusted', 'untrusted'] as const) {
      const workspace = join(work, mode, 'examples');
      cpSync(join(ROOT, 'examples'), workspace, { recursive: true });
      const userData = join(work, mode, 'user-data');
      mkdirSync(join(userData, 'User'), { recursive: true });
      writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
        'workbench.startupEditor': 'none', 'security.workspace.trust.startupPrompt': 'never',
        'extensions.ignoreRecommendations': true, 'telemetry.telemetryLevel': 'off', 'update.mode': 'none',
      }));
      console.log(`\n=== test-electron: ${mode} workspace`);
      try {
        await runTests({
          extensionDevelopmentPath: ROOT,
          extensionTestsPath: suite,
          extensionTestsEnv: { ECMKIT_TEST_MODE: mode },
          launchArgs: [
            workspace, '--user-data-dir', userData, '--extensions-dir', join(work, mode, 'extensions'),
            '--disable-extensions', '--skip-welcome', '--skip-release-notes',
            ...(mode === 'trusted' ? ['--disable-workspace-trust'] : []),
          ],
        });
      } catch (e) {
        failed = true;
        const msg = String((e as Error)?.message ?? e);
        console.error(/download|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo/i.test(msg)
          ? `could not download VS Code (${msg}). This suite needs the network; offline, run \`npm run test:e2e\`.`
          : `test-electron (${mode}) failed: ${msg}`);
        if (/download|ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(msg)) break;
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

void main();
