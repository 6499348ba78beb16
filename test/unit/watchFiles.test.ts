// server/src/model/watchFiles.ts: the sandbox and the broker follow the files through it.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { watchFiles } from '../../server/src/model/watchFiles';
import { tempDir } from '../support/fixtures';

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('watchFiles', () => {
  it('reports ecmkit files written in place, replaced by rename (again and again), in new folders, and removed folders; nothing else', async () => {
    const ws = tempDir({ 'a.ecm.yaml': 'name: a\n', 'notes.txt': '' });
    for (const [folder, file] of [['sub', 'b.vault.yaml'], ['node_modules', 'c.ecm.yaml']]) {
      mkdirSync(path.join(ws.dir, folder));
      writeFileSync(path.join(ws.dir, folder, file), 'hostname: x\n');
    }
    const seen: string[] = [];
    const w = watchFiles(ws.dir, (f) => seen.push(path.relative(ws.dir, f)));
    try {
      await w.ready;
      const saw = (name: string) => until(() => seen.includes(name), name);

      writeFileSync(path.join(ws.dir, 'a.ecm.yaml'), 'name: b\n');
      await saw('a.ecm.yaml');
      for (let i = 0; i < 3; i++) {
        seen.length = 0;
        writeFileSync(path.join(ws.dir, 'sub', '.b.swp'), `hostname: ${i}\n`);
        renameSync(path.join(ws.dir, 'sub', '.b.swp'), path.join(ws.dir, 'sub', 'b.vault.yaml'));
        await saw(path.join('sub', 'b.vault.yaml'));
      }

      seen.length = 0;
      writeFileSync(path.join(ws.dir, 'notes.txt'), 'x');
      writeFileSync(path.join(ws.dir, 'node_modules', 'c.ecm.yaml'), 'x');
      mkdirSync(path.join(ws.dir, 'new', 'deeper'), { recursive: true });
      writeFileSync(path.join(ws.dir, 'new', 'deeper', 'd.pa.yaml'), 'site: x\n');
      await saw(path.join('new', 'deeper', 'd.pa.yaml'));
      assert.ok(seen.every((f) => f.startsWith('new')), `only the new file: ${seen.join(', ')}`);

      // A folder touched is still watched; one deleted and made again is watched anew.
      seen.length = 0;
      utimesSync(path.join(ws.dir, 'new'), new Date(), new Date());
      await new Promise((r) => setTimeout(r, 200));
      writeFileSync(path.join(ws.dir, 'new', 'deeper', 'd.pa.yaml'), 'site: y\n');
      await saw(path.join('new', 'deeper', 'd.pa.yaml'));

      seen.length = 0;
      rmSync(path.join(ws.dir, 'sub'), { recursive: true });
      await saw('sub');
      mkdirSync(path.join(ws.dir, 'sub'));
      await new Promise((r) => setTimeout(r, 200));
      seen.length = 0;
      writeFileSync(path.join(ws.dir, 'sub', 'e.vault.yaml'), 'hostname: z\n');
      await saw(path.join('sub', 'e.vault.yaml'));
    } finally {
      w.close();
      ws.cleanup();
    }
  });
});
