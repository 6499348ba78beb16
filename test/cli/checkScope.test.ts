// `ecmkit check FILE`: checked in the context of its workspace, reported on what was asked; no false green.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { copyExamples, EXAMPLES } from '../support/fixtures';
import { ecmkit } from '../support/lspClient';


/** The examples with a jump client renamed in the PA file: a cross-file error only the folder shows. */
function renamedJumpClient() {
  const ws = copyExamples();
  const pa = path.join(ws.dir, 'site.pa.yaml');
  writeFileSync(pa, readFileSync(pa, 'utf8').replace('name: WEB01, hostname', 'name: web01, hostname'));
  return ws;
}

describe('ecmkit check FILE', () => {
  it('checks one file in the context of its folder: the cross-file error is found (was a false green)', () => {
    const ws = renamedJumpClient();
    try {
      const r = ecmkit(['check', 'site.pa.yaml'], ws.dir);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^site\.pa\.yaml:\d+:\d+: error endpoint\/name-mismatch/m);
      assert.match(r.stdout, /1 file checked: 1 error/);
      assert.match(r.stderr, /checked in the context of/);
      // Only what was asked is reported: the other files are read for context.
      assert.ok(r.stdout.split('\n').filter((l) => /^\S+:\d+:\d+:/.test(l)).every((l) => l.startsWith('site.pa.yaml:')));
    } finally { ws.cleanup(); }
  });

  it('--workspace DIR gives the context of a file kept elsewhere', () => {
    const ws = renamedJumpClient();
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'ecmkit-alone-'));
    try {
      copyFileSync(path.join(ws.dir, 'site.pa.yaml'), path.join(elsewhere, 'site.pa.yaml'));
      rmSync(path.join(ws.dir, 'site.pa.yaml'));
      const r = ecmkit(['check', path.join(elsewhere, 'site.pa.yaml'), '--workspace', ws.dir], ws.dir);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /error endpoint\/name-mismatch/);
    } finally { ws.cleanup(); rmSync(elsewhere, { recursive: true, force: true }); }
  });

  it('alone, it says which cross-file checks could not run (stderr, the summary line, JSON summary.notRun)', () => {
    const alone = mkdtempSync(path.join(tmpdir(), 'ecmkit-alone-'));
    try {
      copyFileSync(path.join(EXAMPLES, 'site.pa.yaml'), path.join(alone, 'site.pa.yaml'));
      const r = ecmkit(['check', 'site.pa.yaml'], alone);
      assert.equal(r.code, 0);
      assert.match(r.stderr, /no \*\.ecm\.yaml, \*\.integration\.yaml, \*\.vault\.yaml file found.*did not run: .*endpoint\/name-mismatch/);
      assert.match(r.stdout, /1 file checked: 0 errors, 0 warnings\. \d+ cross-file checks did not run/);
      const j = JSON.parse(ecmkit(['check', 'site.pa.yaml', '--format', 'json'], alone).stdout);
      assert.ok(j.summary.notRun.includes('user/not-in-vault'));
    } finally { rmSync(alone, { recursive: true, force: true }); }
  });
});

describe('roots first, with their related locations', () => {
  it('JSON related and SARIF relatedLocations; the root is listed first', () => {
    const ws = copyExamples();
    try {
      const ecm = path.join(ws.dir, 'prod.ecm.yaml');
      writeFileSync(ecm, readFileSync(ecm, 'utf8').replace('emea.corp.example.com=EMEA', 'emea.corp.example.com=EMAE'));
      const j = JSON.parse(ecmkit(['check', '--format', 'json'], ws.dir).stdout);
      assert.equal(j.diagnostics[0].code, 'mapping/unknown-provider');
      assert.match(j.diagnostics[0].message, /Affects 1 PA user/);
      assert.deepEqual(j.diagnostics[0].related.map((r: { file: string }) => r.file), ['site.pa.yaml', 'corp.vault.yaml']);
      const sarif = JSON.parse(ecmkit(['check', '--format', 'sarif'], ws.dir).stdout);
      const result = sarif.runs[0].results[0];
      assert.equal(result.ruleId, 'mapping/unknown-provider');
      assert.equal(result.relatedLocations[0].physicalLocation.artifactLocation.uri, 'site.pa.yaml');
      assert.equal(typeof result.relatedLocations[0].message.text, 'string');
    } finally { ws.cleanup(); }
  });
});
