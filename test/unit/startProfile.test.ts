// `npm start` keeps one profile between runs: its settings.json gets the quiet defaults it lacks and keeps
// everything the user set or wrote (values, comments, keys ecmkit does not know).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'jsonc-parser';
import { makeProfile } from '../../scripts/e2e/codeServer';
import { withDefaults } from '../../scripts/e2e/profileSettings';

const DEFAULTS = { 'files.autoSave': 'off', 'workbench.startupEditor': 'none' };

describe('npm start: the kept profile settings', () => {
  it('adds only missing defaults and keeps user values and comments', () => {
    const user = '{\n  // mine\n  "files.autoSave": "afterDelay",\n  "editor.fontSize": 16\n}\n';
    const out = withDefaults(user, DEFAULTS)!;
    assert.deepEqual(parse(out), { 'files.autoSave': 'afterDelay', 'editor.fontSize': 16, 'workbench.startupEditor': 'none' });
    assert.match(out, /\/\/ mine/);
    assert.equal(withDefaults(out, DEFAULTS), undefined, 'nothing missing: no write');
    assert.deepEqual(parse(withDefaults('', DEFAULTS)!), DEFAULTS, 'an empty file gets the defaults');
    assert.throws(() => withDefaults('{ "a": ', DEFAULTS), /not a JSON object/);
  });

  it('makeProfile with keep: a second start leaves the file untouched; a broken file is left as it is', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecmkit-profile-'));
    try {
      const warnings: string[] = [];
      const keep = { warn: (m: string) => warnings.push(m) };
      const file = path.join(makeProfile(dir, DEFAULTS, keep).userDataDir, 'User', 'settings.json');
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), DEFAULTS);
      writeFileSync(file, '{ "files.autoSave": "afterDelay", "workbench.startupEditor": "none" }');
      const before = statSync(file).mtimeMs;
      makeProfile(dir, DEFAULTS, keep);
      assert.equal(readFileSync(file, 'utf8'), '{ "files.autoSave": "afterDelay", "workbench.startupEditor": "none" }');
      assert.equal(statSync(file).mtimeMs, before);
      writeFileSync(file, '{ broken');
      makeProfile(dir, DEFAULTS, keep);
      assert.equal(readFileSync(file, 'utf8'), '{ broken');
      assert.match(warnings.join('\n'), /kept as it is/);
      makeProfile(dir, DEFAULTS);
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), DEFAULTS, 'a test profile (no keep) is exactly the defaults');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
