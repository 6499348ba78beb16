// `--rule CODE=SEVERITY` (and --rules FILE, .vscode/settings.json) with a mistyped code or severity: exit 2
// with the closest code or severity, and which source held it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { closestRuleCode, parseOverrides } from '../../server/src/rules/codes';
import { copyExamples } from '../support/fixtures';
import { ROOT } from '../support/lspClient';

const MAIN = path.join(ROOT, 'server/src/cli/main.ts');
// tsx by path: `--import tsx` resolves from the working directory, here a temporary folder.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const check = (args: string[], cwd: string) => spawnSync(process.execPath, ['--import', TSX, MAIN, 'check', ...args], { cwd, encoding: 'utf8' });

describe('rule codes: did you mean', () => {
  it('closestRuleCode: a typo, another case, the name without its family; nothing for a far word', () => {
    assert.equal(closestRuleCode('ecm/dynamic-hots'), 'ecm/dynamic-host');
    assert.equal(closestRuleCode('ECM/Dynamic-Host'), 'ecm/dynamic-host');
    assert.equal(closestRuleCode('dynamic-host'), 'ecm/dynamic-host');
    assert.equal(closestRuleCode('endpoint/not-in-vault'), 'endpoint/not-in-vault');
    assert.equal(closestRuleCode('secret/plaintxt'), 'secret/plaintext');
    assert.equal(closestRuleCode('user/inactiv'), 'user/inactive');
    assert.equal(closestRuleCode('completely-unrelated-words'), undefined);
  });

  it('parseOverrides names the source and suggests the code and the severity', () => {
    const { problems } = parseOverrides({ 'mapping/duplcate': 'off', 'secret/plaintext': 'warn', 'ecm/too-many': 'eror' }, '--rule');
    assert.deepEqual(problems, [
      '--rule: unknown rule code "mapping/duplcate"; did you mean "mapping/duplicate"?',
      '--rule: "secret/plaintext" must be one of error, warning, information, hint, off (did you mean "warning"?).',
      '--rule: "ecm/too-many" must be one of error, warning, information, hint, off (did you mean "error"?).',
    ]);
    assert.deepEqual(parseOverrides({ nope: 'off' }).problems, ['ecmkit.rules: unknown rule code "nope".']);
  });

  it('ecmkit check --rule with an unknown code: exit 2 with the closest code; --rules FILE and settings.json say their file', () => {
    let r = check(['examples', '--rule', 'ecm/dynamic-hots=off'], ROOT);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'ecmkit check: --rule: unknown rule code "ecm/dynamic-hots"; did you mean "ecm/dynamic-host"?\n');
    const ws = copyExamples();
    try {
      writeFileSync(path.join(ws.dir, 'ci-rules.json'), '{"ecmkit.rules": {"user/no-chekout": "off"}}');
      r = check(['--rules', 'ci-rules.json'], ws.dir);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^ecmkit check: ci-rules\.json: unknown rule code "user\/no-chekout"; did you mean "user\/no-checkout"\?/);
      mkdirSync(path.join(ws.dir, '.vscode'));
      writeFileSync(path.join(ws.dir, '.vscode', 'settings.json'), '{"ecmkit.rules": {"ecm/dynamic-host": "off", "sytax": "off"}}');
      r = check([], ws.dir);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /settings\.json \(ecmkit\.rules\): unknown rule code "sytax"; did you mean "syntax"\?/);
      r = check(['--rule', 'dynamic-host=off', '--rule', 'syntax=error'], ws.dir); // every wrong code, each with its source
      assert.equal(r.status, 2);
      assert.match(r.stderr, /settings\.json \(ecmkit\.rules\): unknown rule code "sytax"; did you mean "syntax"\?\n--rule: unknown rule code "dynamic-host"; did you mean "ecm\/dynamic-host"\?\n$/);
    } finally { ws.cleanup(); }
  });
});
