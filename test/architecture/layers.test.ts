// The layer line of server/DESIGN.md, read from the imports themselves:
//   protocol · model → domain → rules | vault | pa → engine → features | broker | pull → server.ts → cli
// A file may import its own folder, any folder on a lower level, and protocol/; never a sibling or a folder
// above. The client imports protocol/ and never server/src. No cycle between files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { importGraph, layerViolations, findCycles, LAYERS } from '../support/imports';

const ROOT = path.resolve(__dirname, '../..');

describe('layers', () => {
  const graph = importGraph(ROOT, ['server/src', 'client/src', 'protocol']);

  it('every server folder has a place on the layer line', () => {
    const folders = new Set([...graph.keys()].filter((f) => f.startsWith('server/src/')).map((f) => f.split('/')[2].replace(/\.ts$/, '.ts')));
    for (const f of folders) assert.ok(f in LAYERS, `server/src/${f} is on no layer: add it to LAYERS in test/support/imports.ts and to server/DESIGN.md`);
  });

  it('no import runs up the layer line or sideways', () => {
    assert.deepEqual(layerViolations(graph), []);
  });

  it('no cycle between files', () => {
    assert.deepEqual(findCycles(graph).map((c) => c.join(' → ')), []);
  });

  it('fails on a planted upward import', () => {
    const planted = new Map(graph);
    planted.set('server/src/model/tree.ts', [...(graph.get('server/src/model/tree.ts') ?? []), 'server/src/engine/check.ts']);
    planted.set('client/src/extension.ts', [...(graph.get('client/src/extension.ts') ?? []), 'server/src/model/tree.ts']);
    const found = layerViolations(planted);
    assert.ok(found.some((v) => v.startsWith('server/src/model/tree.ts → server/src/engine/check.ts')), found.join('\n'));
    assert.ok(found.some((v) => v.startsWith('client/src/extension.ts → server/src/model/tree.ts')), found.join('\n'));
  });

  it('fails on a planted cycle', () => {
    const planted = new Map(graph);
    planted.set('server/src/model/tree.ts', [...(graph.get('server/src/model/tree.ts') ?? []), 'server/src/model/document.ts']);
    assert.ok(findCycles(planted).length > 0);
  });

  it('reads every kind of import', () => {
    const file = path.join(ROOT, 'test/architecture/fixture.tmp.ts');
    fs.writeFileSync(file, "import a from './x';\nexport { b } from \"./y\";\nconst c = await import('./z');\nimport type { D } from './w';\nimport './side';\n");
    try {
      const g = importGraph(ROOT, ['test/architecture'], { resolve: false });
      assert.deepEqual(g.get('test/architecture/fixture.tmp.ts'), ['test/architecture/x', 'test/architecture/y', 'test/architecture/z', 'test/architecture/w', 'test/architecture/side']);
    } finally { fs.rmSync(file); }
  });
});
