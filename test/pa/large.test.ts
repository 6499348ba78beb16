// The round trip on the gen:large workspace (scripts/gen-large.mjs: 10,000 jump clients, 5,000 users):
// workspace → PA sandbox → pull --check finds only the site, at the site's 20 requests per second (about
// 160 requests, ~8.5 s). Generated into a temporary folder so it never depends on a stale large/.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { pullInto, sandboxOn, tempDir } from './helpers';

it('gen:large: the live site pulled into its own file changes only the site', { timeout: 120_000 }, async () => {
  const out = tempDir('ecmkit-pa-large-');
  execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/gen-large.mjs'), '--out', out, '--credentials', '10'], { stdio: 'ignore' });
  const ws = path.join(out, 'yaml');
  const sb = await sandboxOn(ws);
  try {
    const mine = path.join(tempDir(), 'site.pa.yaml');
    copyFileSync(path.join(ws, 'site.pa.yaml'), mine);
    const before = readFileSync(mine, 'utf8');
    const started = Date.now();
    const r = await pullInto(mine, sb);
    const seconds = (Date.now() - started) / 1000;
    assert.deepEqual(r.changes.map((c) => `${c.kind} ${c.section} ${c.name}`), ['changed top site']);
    assert.equal(readFileSync(mine, 'utf8'), before.replace('site: support.example.com', `site: ${new URL(sb.url).host}`));
    const v = parse(before);
    assert.equal(v.jumpClients.length, 10_000);
    // token + providers + 3 LDAP providers + 51 user pages + jump groups + 100 jump client pages + API accounts
    assert.equal(r.stats.requests, 1 + 1 + 3 + Math.ceil(v.users.length / 100) + 1 + 100 + 1);
    assert.equal(r.stats.throttled, 0, 'paced under the limit: no 429');
    assert.ok(seconds >= (r.stats.requests - 1) / 20 * 0.95, `no faster than 20 requests per second (${seconds} s)`);
  } finally {
    await sb.close();
  }
});
