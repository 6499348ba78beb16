import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../server/src/model/text/lines';
import { Rng } from '../support/yamlGen';

describe('LineIndex after edits = LineIndex of the new text', () => {
  it('long runs of typing within a line (moves kept pending), mixed with new and removed lines', () => {
    const rng = new Rng(17);
    let text = Array.from({ length: 200 }, (_, i) => `  - { name: SRV${i}, ip: 10.0.0.${i % 250} }`).join('\n') + '\n';
    let index = LineIndex.of(text);
    index.positionAt(0); // built, as after the first diagnostic
    for (let step = 0; step < 3000; step++) {
      const at = rng.int(text.length + 1);
      const end = Math.min(text.length, at + (rng.chance(0.7) ? rng.int(3) : rng.int(40)));
      const removed = text.slice(at, end);
      // Mostly typing without line breaks (the pending path); sometimes a line break in or out.
      let inserted = rng.pick(['x', 'ab', '', '1', ' ']);
      if (rng.chance(0.05)) inserted = rng.pick(['\n', 'a\nb', '\n  - ']);
      if (removed.includes('\n') && rng.chance(0.7)) continue;
      text = text.slice(0, at) + inserted + text.slice(end);
      index = LineIndex.edited(index, text, at, end, inserted);
      const fresh = LineIndex.of(text);
      assert.equal(index.lineCount, fresh.lineCount, `step ${step}`);
      for (let k = 0; k < 8; k++) {
        const o = rng.int(text.length + 1);
        assert.deepEqual(index.positionAt(o), fresh.positionAt(o), `step ${step}, offset ${o}`);
        const line = rng.int(fresh.lineCount + 1), character = rng.int(60);
        assert.equal(index.offsetAt({ line, character }), fresh.offsetAt({ line, character }), `step ${step}, ${line}:${character}`);
      }
    }
  });
});
