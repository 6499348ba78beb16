// server/src/model/readText.ts reads a file in one piece: the text must be exactly what fs.readFile(…, 'utf8') gives.
import assert from 'node:assert/strict';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { HEAD_BYTES, readText, readTextUpTo } from '../../server/src/model/readText';
import { tempDir } from '../support/fixtures';

describe('readText', () => {
  it('gives the text fs.readFile gives (less a BOM, as the editor shows it): empty, ASCII, multi-byte, a BOM, invalid UTF-8, and 3 MB', async () => {
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
        assert.equal(await readText(file), readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), name);
      }
    } finally {
      ws.cleanup();
    }
  });

  it('reads UTF-16 files by their byte-order mark, little- and big-endian', async () => {
    const ws = tempDir({});
    try {
      const text = 'name: ecm-01\r\nsite: Zoë.example.com\n';
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
      for (const [name, bytes] of [['le', le], ['be', be]] as const) {
        writeFileSync(path.join(ws.dir, name), bytes);
        assert.equal(await readText(path.join(ws.dir, name)), text, name);
      }
    } finally {
      ws.cleanup();
    }
  });

  it('fails like fs.readFile for a missing file', async () => {
    await assert.rejects(readText('/nonexistent/ecmkit/corp.vault.yaml'), { code: 'ENOENT' });
  });

  it('reads only the head of a file certainly over the limit, and whole a file that may be under it', async () => {
    const ws = tempDir({});
    try {
      const big = path.join(ws.dir, 'big.vault.json');
      writeFileSync(big, '{"endpoints": [');
      truncateSync(big, 700 * 1024 * 1024); // sparse: 700 MB on paper, nothing on disk
      const head = await readTextUpTo(big, 20 * 1024 * 1024);
      assert.equal(head.bytes, 700 * 1024 * 1024);
      assert.equal(head.text.length, HEAD_BYTES);
      assert.ok(head.text.startsWith('{"endpoints": ['));
      // 3 bytes per character is possible (東): at exactly 3 × the limit the file is read and judged by its text.
      const edge = path.join(ws.dir, 'edge.vault.json');
      writeFileSync(edge, '東'.repeat(1000));
      assert.deepEqual(await readTextUpTo(edge, 1000), { text: '東'.repeat(1000) });
      assert.equal((await readTextUpTo(edge, 999)).bytes, 3000);
    } finally {
      ws.cleanup();
    }
  });
});
