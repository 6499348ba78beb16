// server/src/model/readText.ts reads a file in one piece: the text must be exactly what fs.readFile(…, 'utf8') gives.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readText } from '../../server/src/model/readText';
import { tempDir } from '../support/fixtures';

describe('readText', () => {
  it('gives the text fs.readFile gives: empty, ASCII, multi-byte, a BOM, invalid UTF-8, and 3 MB', async () => {
    const ws = tempDir({});
    try {
      const cases: Record<string, Buffer> = {
        empty: Buffer.alloc(0),
        ascii: Buffer.from('endpoints:\n  - { name: db01 }\n'),
        multibyte: Buffer.from('owner: "Zoë Ødegård 🔑"\r\nnote: 東京\n'),
        bom: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a": 1}')]),
        invalid: Buffer.from([0x61, 0xff, 0xfe, 0x62, 0xc3]),
        large: Buffer.from('{"x": "' + 'é'.repeat(1_500_000) + '"}'),
      };
      for (const [name, bytes] of Object.entries(cases)) {
        const file = path.join(ws.dir, name);
        writeFileSync(file, bytes);
        assert.equal(await readText(file), readFileSync(file, 'utf8'), name);
      }
    } finally {
      ws.cleanup();
    }
  });

  it('fails like fs.readFile for a missing file', async () => {
    await assert.rejects(readText('/nonexistent/ecmkit/corp.vault.yaml'), { code: 'ENOENT' });
  });
});
