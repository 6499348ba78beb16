// `ecmkit check --format sarif` as GitHub code scanning ingests it: every rule has fullDescription and help
// (GH2012), the tool a version (SARIF2005), and Microsoft's SARIF validator (@microsoft/sarif-multitool, a
// devDependency) with GitHub's rules and its own reports no error or warning.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { copyExamples } from '../support/fixtures';
import { ROOT } from '../support/lspClient';

const MAIN = path.join(ROOT, 'server/src/cli/main.ts');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

/** The validator's binary: ECMKIT_SARIF_MULTITOOL, else the devDependency's (a native .NET build per platform). */
function multitool(): string | undefined {
  if (process.env.ECMKIT_SARIF_MULTITOOL) return process.env.ECMKIT_SARIF_MULTITOOL;
  try { return require('@microsoft/sarif-multitool') as string; } catch { return undefined; }
}

/** A copy of the examples with findings of five rules, errors and warnings. */
const ws = copyExamples();
const out = mkdtempSync(path.join(tmpdir(), 'ecmkit-sarif-'));
after(() => { ws.cleanup(); rmSync(out, { recursive: true, force: true }); });
const ecm = path.join(ws.dir, 'prod.ecm.yaml');
writeFileSync(ecm, readFileSync(ecm, 'utf8').replace('port: 443', 'port: 70000').replace('${secret:ecm-01.clientSecret}', 'hunter2-literal')
  .replace('host: 10.20.0.15', 'host: ecm01.corp.example.com').replace('corp.example.com=CORP', 'corp.example.com: CORP'));
const run = spawnSync(process.execPath, ['--import', TSX, MAIN, 'check', '--format', 'sarif'], { cwd: ws.dir, encoding: 'utf8' });
const sarifFile = path.join(out, 'ecmkit.sarif');
writeFileSync(sarifFile, run.stdout);

describe('SARIF for GitHub code scanning', () => {
  it('every rule carries fullDescription and help, the tool its version', () => {
    assert.equal(run.status, 1, run.stderr);
    const log = JSON.parse(run.stdout);
    const driver = log.runs[0].tool.driver;
    assert.equal(driver.version, VERSION);
    assert.deepEqual(driver.rules.map((r: { id: string }) => r.id), ['ecm/dynamic-host', 'mapping/syntax', 'mapping/unmapped-domain', 'schema/type', 'secret/plaintext']);
    for (const r of driver.rules) {
      assert.ok(r.fullDescription?.text, `${r.id}: fullDescription`);
      assert.ok(r.help?.text && r.help.markdown, `${r.id}: help`);
      assert.match(r.help.text, new RegExp(`--rule ${r.id}=off`));
      assert.notEqual(r.name, r.id, 'a friendly name is not the id (SARIF1001)');
      assert.match(r.name, /^[A-Z][A-Za-z0-9]*$/);
    }
    assert.ok(!run.stdout.includes('hunter2'), 'no secret in the log');
  });

  const bin = multitool();
  // Skipped only outside CI, where node_modules may predate the devDependency; in CI (.ci/run, hosted CI) it must run.
  const skip = bin || process.env.CI ? false : 'the @microsoft/sarif-multitool devDependency is not installed (npm ci installs it)';
  it('Microsoft\'s SARIF validator, with GitHub\'s rules and its own, reports no error or warning', { skip }, () => {
    assert.ok(bin, '@microsoft/sarif-multitool is a devDependency: npm ci installs it');
    const result = path.join(out, 'validation.sarif');
    // The file first: an option list given before it would take the file for one more rule kind.
    const v = spawnSync(bin!, ['validate', sarifFile, '--rule-kind', 'Sarif;Gh', '--output', result, '--log', 'ForceOverwrite'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(v.status, 0, v.stdout + v.stderr);
    const findings = JSON.parse(readFileSync(result, 'utf8')).runs[0].results as { ruleId: string; level?: string; message: { text?: string } }[];
    const serious = findings.filter((f) => f.level === 'error' || f.level === 'warning' || f.level === undefined);
    assert.deepEqual(serious.map((f) => `${f.ruleId}: ${f.message.text ?? ''}`), []);
    assert.deepEqual(findings.filter((f) => /^(GH|SARIF2005)/.test(f.ruleId)).map((f) => f.ruleId), [], 'nothing from GitHub\'s rules or SARIF2005, even as notes');
  });
});
