import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { copyExamples, EXAMPLES } from '../support/fixtures';
import { CLI, ROOT } from '../support/lspClient';

function ecmkit(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A workspace with one error (port) and one warning (a literal secret). */
function broken() {
  const ws = copyExamples();
  const file = path.join(ws.dir, 'prod.ecm.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('port: 443', 'port: 70000').replace('${secret:ecm-01.clientSecret}', 'hunter2-literal'));
  return ws;
}

describe('ecmkit check', () => {
  it('exits 0 on the clean examples, with a summary line', () => {
    const r = ecmkit(['check', 'examples'], ROOT);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '5 files checked: 0 errors, 0 warnings.\n');
  });

  it('text: file:line:col severity code message, exit 1 on errors', () => {
    const ws = broken();
    try {
      const r = ecmkit(['check'], ws.dir);
      assert.equal(r.code, 1);
      const lines = r.stdout.trim().split('\n');
      assert.match(lines[0], /^prod\.ecm\.yaml:5:7: error schema\/type: `port` is out of range/);
      assert.match(lines[1], /^prod\.ecm\.yaml:7:15: warning secret\/plaintext: /);
      assert.equal(lines[2], '5 files checked: 1 error, 1 warning.');
      assert.ok(!r.stdout.includes('hunter2'));
    } finally { ws.cleanup(); }
  });

  it('json: the docs/cli.md shape, 0-based ranges, paths relative to the cwd', () => {
    const ws = broken();
    try {
      const r = ecmkit(['check', '.', '--format', 'json'], ws.dir);
      assert.equal(r.code, 1);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.summary, { files: 5, errors: 1, warnings: 1 });
      assert.deepEqual(out.diagnostics[0], {
        file: 'prod.ecm.yaml',
        range: { start: { line: 4, character: 6 }, end: { line: 4, character: 11 } },
        severity: 'error',
        code: 'schema/type',
        message: out.diagnostics[0].message,
      });
      assert.equal(out.diagnostics[1].code, 'secret/plaintext');
      assert.equal(out.diagnostics[1].severity, 'warning');
    } finally { ws.cleanup(); }
  });

  it('sarif: valid SARIF 2.1.0 with 1-based regions', () => {
    const ws = broken();
    try {
      const r = ecmkit(['check', '--format=sarif'], ws.dir);
      assert.equal(r.code, 1);
      const log: any = JSON.parse(r.stdout); // eslint-disable-line @typescript-eslint/no-explicit-any -- a SARIF log, checked by its schema below
      const schemaFile = path.join(ROOT, 'test/fixtures/sarif-schema-2.1.0.json');
      assert.ok(existsSync(schemaFile), 'the SARIF 2.1.0 schema fixture is present');
      // The published 2.1.0 schema is draft 2020-12 and uses `(?i)` patterns, which JavaScript spells as a flag
      // (see test/fixtures/README.md); its meta-schema errata (oasis-tcs/sarif-spec#578) are not validated.
      const ajv = new Ajv2020({
        strict: false, allErrors: true, validateSchema: false,
        code: { regExp: ((p: string, u: string) => (p.startsWith('^(?i)') ? new RegExp('^' + p.slice(5), u + 'i') : new RegExp(p, u))) as never },
      });
      addFormats(ajv);
      const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
      assert.ok(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors, null, 2));
      const results = log.runs[0].results;
      assert.deepEqual(results.map((x: { ruleId: string; level: string }) => [x.ruleId, x.level]), [['schema/type', 'error'], ['secret/plaintext', 'warning']]);
      assert.deepEqual(results[0].locations[0].physicalLocation.region, { startLine: 5, startColumn: 7, endLine: 5, endColumn: 12 });
      assert.equal(results[0].locations[0].physicalLocation.artifactLocation.uri, 'prod.ecm.yaml');
      assert.deepEqual(log.runs[0].tool.driver.rules.map((x: { id: string }) => x.id), ['schema/type', 'secret/plaintext']);
    } finally { ws.cleanup(); }
  });

  it('honours .vscode/settings.json ecmkit.rules and --rule flags', () => {
    const ws = broken();
    try {
      mkdirSync(path.join(ws.dir, '.vscode'));
      writeFileSync(path.join(ws.dir, '.vscode/settings.json'), '{\n  // same file VS Code reads\n  "ecmkit.rules": { "schema/type": "warning" }\n}\n');
      let r = ecmkit(['check'], ws.dir);
      assert.equal(r.code, 0, 'an error turned into a warning does not fail the run');
      assert.match(r.stdout, /warning schema\/type/);
      r = ecmkit(['check', '--rule', 'secret/plaintext=off', '--rule', 'schema/type=error'], ws.dir);
      assert.equal(r.code, 1);
      assert.doesNotMatch(r.stdout, /secret\/plaintext/);
    } finally { ws.cleanup(); }
  });

  it('exit 2 on usage and I/O failures, with a clear message', () => {
    let r = ecmkit(['check', '--format', 'xml'], ROOT);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format must be text, json or sarif/);
    r = ecmkit(['check', 'no/such/dir'], ROOT);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read .*no\/such\/dir \(ENOENT\)/);
    r = ecmkit(['check', '--rule', 'nope/code=off'], ROOT);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown rule code "nope\/code"/);
    r = ecmkit(['frobnicate'], ROOT);
    assert.equal(r.code, 2);
    r = ecmkit([], ROOT);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /Usage: ecmkit/);
  });

  it('--rules FILE that is not JSON is a usage error; every command answers --help', () => {
    const ws = copyExamples();
    try {
      writeFileSync(path.join(ws.dir, 'rules.json'), '{"ecmkit.rules": {');
      const r = ecmkit(['check', '--rules', 'rules.json'], ws.dir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /rules\.json is not valid JSON \(line 1: /);
      for (const cmd of ['check', 'vault-test', 'sandbox']) {
        const h = ecmkit([cmd, '--help'], ws.dir);
        assert.equal(h.code, 0, `${cmd} --help: ${h.stderr}`);
        assert.match(h.stdout, new RegExp(`^Usage: ecmkit ${cmd} `));
      }
      assert.match(ecmkit(['check', '-h'], ws.dir).stdout, /--format text\|json\|sarif/);
    } finally {
      ws.cleanup();
    }
  });

  it('a dangling link is skipped (said on stderr, exit 2) while the rest is checked; links reaching a folder twice or in a loop count once', () => {
    const ws = copyExamples();
    try {
      mkdirSync(path.join(ws.dir, 'more'));
      cpSync(path.join(ws.dir, 'site.pa.yaml'), path.join(ws.dir, 'more', 'other.pa.yaml'));
      symlinkSync(path.join(ws.dir, 'more'), path.join(ws.dir, 'again')); // the same folder by another name
      symlinkSync(ws.dir, path.join(ws.dir, 'more', 'up')); // a loop
      symlinkSync(path.join(ws.dir, 'gone.ecm.yaml'), path.join(ws.dir, 'old.ecm.yaml')); // points at nothing
      symlinkSync(path.join(ws.dir, 'prod.ecm.yaml'), path.join(ws.dir, 'alias.ecm.yaml')); // a file by another name
      const r = ecmkit(['check'], ws.dir);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, 'ecmkit check: skipped old.ecm.yaml: a symbolic link to nothing.\n');
      assert.match(r.stdout, /^6 files checked: 0 errors, 0 warnings\.$/m);
    } finally {
      ws.cleanup();
    }
  });

  it('reads a JSON file saved with a BOM (Notepad, PowerShell); binary junk gets at most 50 short syntax errors', () => {
    const ws = copyExamples();
    try {
      const json = path.join(ws.dir, 'standby.ecm.json');
      writeFileSync(json, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(json)]));
      assert.equal(ecmkit(['check'], ws.dir).stdout, '5 files checked: 0 errors, 0 warnings.\n');
      let seed = 7;
      const junk = Buffer.alloc(100_000, 0).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
      writeFileSync(path.join(ws.dir, 'junk.pa.yaml'), junk);
      const r = ecmkit(['check', '--format', 'json', 'junk.pa.yaml'], ws.dir);
      const d = JSON.parse(r.stdout).diagnostics as { code: string; message: string }[];
      assert.ok(d.length > 0 && d.length <= 50, `${d.length} diagnostics`);
      assert.ok(d.every((x) => x.code === 'syntax' && x.message.length < 400), 'short messages');
    } finally {
      ws.cleanup();
    }
  });

  it('stops quietly when its reader goes away (ecmkit check | head -1)', async () => {
    const ws = copyExamples();
    try {
      writeFileSync(path.join(ws.dir, 'many.vault.yaml'), 'users:\n' + Array.from({ length: 20000 }, (_, i) => `  - { username: u${i}, colour: x }\n`).join(''));
      const child = spawn(process.execPath, [CLI, 'check'], { cwd: ws.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      child.stdout.once('data', () => child.stdout.destroy()); // read one chunk, then hang up
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(stderr, '', 'no stack trace');
      assert.equal(code, 0, 'warnings only: the exit code of the check');
    } finally {
      ws.cleanup();
    }
  });

  it('a 700 MB file gets file/too-large and the others are still checked (it is not read whole)', () => {
    const ws = copyExamples();
    try {
      const huge = path.join(ws.dir, 'huge.vault.json');
      writeFileSync(huge, '{"users": [');
      truncateSync(huge, 700 * 1024 * 1024); // sparse; read whole it would be a string longer than V8 allows
      const r = spawnSync(process.execPath, ['--max-old-space-size=256', CLI, 'check', '--format', 'json'], { cwd: ws.dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.summary, { files: 6, errors: 0, warnings: 1 });
      assert.equal(out.diagnostics[0].file, 'huge.vault.json');
      assert.equal(out.diagnostics[0].code, 'file/too-large');
      assert.match(out.diagnostics[0].message, /This file has 700\.0 MB; ecmkit checks files up to 20\.0 MB/);
    } finally {
      ws.cleanup();
    }
  });

  it('checks a single named file, and ignores files of other names', () => {
    const r = ecmkit(['check', path.join(EXAMPLES, 'prod.ecm.yaml'), path.join(ROOT, 'package.json')], ROOT);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^1 file checked/);
  });
});
