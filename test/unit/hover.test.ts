// Hover where the tree's ranges mislead: a key right after a block list, comments, items of a plain list.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { hover } from '../../server/src/features/hover';
import { EXAMPLES, parse } from '../support/fixtures';

const text = readFileSync(path.join(EXAMPLES, 'ecm.integration.yaml'), 'utf8');
const file = parse('ecm.integration.yaml', text);
const at = (needle: string, delta = 0) => text.indexOf(needle) + delta;
const title = (offset: number) => {
  const h = hover(file, offset);
  return h && typeof h.contents === 'object' && 'value' in h.contents ? /^\*\*(\w+)\*\*/.exec(h.contents.value)?.[1] : null;
};

describe('hover', () => {
  it('a key at the first character of its line is that key, not the block list above it', () => {
    assert.equal(title(at('checkoutReason:')), 'checkoutReason');
  });
  it('nothing inside a comment, even one inside a list', () => {
    assert.equal(title(at('# ecm-01', 3)), null);
    assert.equal(title(at('# Vault >', 5)), null);
  });
  it('an item of a list of plain values shows the list\'s documentation', () => {
    assert.equal(title(at('10.20.0.15', 2)), 'allowedIps');
  });
});
