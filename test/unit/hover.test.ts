// Hover where the tree's ranges mislead: a key right after a block list, comments, items of a plain list.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { hover } from '../../server/src/features/hover';
import { Workspace } from '../../server/src/model/workspace';
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

  it('a name that refers to something declared elsewhere says what and where, with its fields but no secret', async () => {
    const ws = await Workspace.load([EXAMPLES]);
    const get = (name: string) => ws.all().find((f) => f.uri.endsWith(name))!;
    const show = (name: string, needle: string, d: number) => {
      const f = get(name);
      const h = hover(f, f.text.indexOf(needle) + d, ws);
      return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    };
    assert.match(show('corp.vault.yaml', 'endpoints: [WEB01]', 13), /^\*\*endpoint `WEB01`\*\* — corp\.vault\.yaml line \d+\n\ndescription: IIS front end · type: Windows · network: DMZ · ip: 10\.1\.2\.3 · groups: Web servers$/);
    assert.match(show('site.pa.yaml', 'username: jdoe', 11), /\*\*user `jdoe`\*\* — corp\.vault\.yaml line \d+\n\nfullName: Jane Doe/);
    assert.match(show('corp.vault.yaml', 'policy: Databases', 9), /permissions: 1 entry/);
    assert.doesNotMatch(show('prod.ecm.yaml', 'integration: ecm-integration', 14), /authenticationCredential|secret/);
  });
});
