// dist/cli.js (server/src/cli/launcher.ts): the right bundle per command, started through a V8 code cache
// kept next to it — and a missing, damaged or unwritable cache never changes what a command does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXAMPLES } from '../support/fixtures';
import { ROOT } from '../support/lspClient';

/** V8's tag for a plain `node` (no flags), which the cache file names carry. */
const tag = spawnSync(process.execPath, ['-p', 'require("node:v8").cachedDataVersionTag()'], { encoding: 'utf8' }).stdout.trim();
const cacheName = (bundle: string) => `${bundle}.${tag}.${process.arch}.codecache`;

describe('dist/cli.js launcher', () => {
  let dist: string;
  const ecmkit = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [path.join(dist, 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const caches = () => readdirSync(dist).filter((f) => f.endsWith('.codecache')).sort();
  const expected = () => ecmkit(['check', EXAMPLES, '--format', 'json'], { ECMKIT_NO_CODE_CACHE: '1' });

  before(() => {
    dist = mkdtempSync(path.join(tmpdir(), 'ecmkit-dist-'));
    for (const f of ['cli.js', 'ecmkit.js', 'ecmkit-net.js']) copyFileSync(path.join(ROOT, 'dist', f), path.join(dist, f));
  });
  after(() => rmSync(dist, { recursive: true, force: true }));

  it('writes no cache when told not to', () => {
    const r = expected();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(caches(), []);
  });

  it('runs check from the core bundle and caches its code, with the same output as without a cache', () => {
    const plain = expected();
    const first = ecmkit(['check', EXAMPLES, '--format', 'json']);
    assert.deepEqual(caches(), [cacheName('ecmkit')], 'check caches the core bundle only');
    const second = ecmkit(['check', EXAMPLES, '--format', 'json']);
    for (const r of [first, second]) assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: plain.code, stdout: plain.stdout, stderr: plain.stderr });
  });

  it('runs the networked commands from the full bundle (the core one does not have them)', () => {
    const r = ecmkit(['broker', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage: ecmkit broker/);
    assert.ok(caches().includes(cacheName('ecmkit-net')));
    const core = spawnSync(process.execPath, [path.join(dist, 'ecmkit.js'), 'broker'], { encoding: 'utf8' });
    assert.equal(core.status, 2);
    assert.match(core.stderr, /unknown command "broker"/);
  });

  it('replaces a damaged cache, and the command still does what it did', () => {
    const file = path.join(dist, cacheName('ecmkit'));
    const garbage = Buffer.alloc(4096, 0x5a);
    writeFileSync(file, garbage);
    const r = ecmkit(['check', EXAMPLES, '--format', 'json']);
    const plain = expected();
    assert.equal(r.stdout, plain.stdout);
    assert.equal(r.code, plain.code, r.stderr);
    assert.notDeepEqual(readFileSync(file), garbage, 'V8 rejected the damaged cache and a good one was written');
  });

  it('never runs a cache made from another bundle, even one of the same length (V8 checks only the length)', () => {
    const net = path.join(dist, 'ecmkit-net.js');
    const original = readFileSync(net, 'utf8');
    rmSync(path.join(dist, cacheName('ecmkit-net')), { force: true });
    assert.match(ecmkit(['--help']).stdout, /^Usage: ecmkit <command>/);
    assert.ok(caches().includes(cacheName('ecmkit-net')), 'the help run left a cache');
    try {
      // A rebuilt bundle, one character different: same length, so V8 itself would accept the old cache.
      writeFileSync(net, original.replace('Usage: ecmkit <command>', 'Usage: ecmkit <commanZ>'));
      assert.equal(readFileSync(net, 'utf8').length, original.length);
      assert.match(ecmkit(['--help']).stdout, /^Usage: ecmkit <commanZ>/, 'the new bundle ran, not the old bundle\'s cached bytecode');
    } finally {
      writeFileSync(net, original);
    }
  });

  it('runs when the cache cannot be read or written (its name taken by a folder)', () => {
    rmSync(path.join(dist, cacheName('ecmkit')), { force: true });
    mkdirSync(path.join(dist, cacheName('ecmkit')));
    const r = ecmkit(['check', EXAMPLES, '--format', 'json']);
    assert.equal(r.stdout, expected().stdout);
    assert.equal(r.stderr, '');
    assert.deepEqual(readdirSync(dist).filter((f) => f.endsWith('.tmp')), [], 'no half-written file left behind');
  });
});
