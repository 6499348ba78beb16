import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, LspClient, ROOT } from '../support/lspClient';

interface CliDiagnostic { file: string; range: { start: { line: number; character: number } }; code: string; message: string }

/**
 * A large JSON workspace over real LSP: the server reads its 3.8 MB Vault inventory with the lazy tree
 * (model/lazyJson.ts) and must publish exactly what `ecmkit check` prints, at the same places: one
 * engine, and the lazy lookups give the ranges the whole tree would.
 */
describe('a large JSON workspace: the server publishes what ecmkit check prints', () => {
  let dir: string;
  let client: LspClient;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecmkit-large-json-'));
    const gen = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-large.mjs'), '--jump-clients', '1500', '--credentials', '8000', '--users', '800', '--out', dir]);
    assert.equal(gen.status, 0, String(gen.stderr));
  });
  after(async () => { await client?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('the same diagnostics, file by file, at the same places', async () => {
    const ws = path.join(dir, 'json');
    const cli = spawnSync(process.execPath, [CLI, 'check', ws, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const expected = (JSON.parse(cli.stdout) as { diagnostics: CliDiagnostic[] }).diagnostics;
    assert.ok(expected.length >= 5, `the generated mistakes are reported (${expected.length})`);
    client = await LspClient.start(ws);
    const paUri = client.uri(path.join(ws, 'site.pa.json'));
    await client.waitFor(paUri, (d) => d.length > 0, 60_000);
    const got: string[] = [];
    for (const [uri, diags] of client.diagnostics) {
      for (const d of diags) got.push(`${path.basename(new URL(uri).pathname)} ${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message}`);
    }
    const want = expected.map((d) => `${path.basename(d.file)} ${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message}`);
    assert.deepEqual(got.sort(), want.sort());
  });
});
