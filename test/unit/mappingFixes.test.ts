// `mapping/syntax` quick fixes do what the message says, in each form mappings are written (block scalar,
// folded plain value, block list, flow list, JSON list, JSON string), and leave no mapping/syntax behind:
// the workspace after the fix is as clean as the examples.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { TextEdit } from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnoseWorkspace } from '../../server/src/engine/check';
import { codeActions } from '../../server/src/features/codeActions';
import { mappingsMeant } from '../../server/src/features/mappingFixes';
import { ParsedFile } from '../../server/src/model/document';
import { Workspace } from '../../server/src/model/workspace';
import { EXAMPLES } from '../support/fixtures';

const BASE: Record<string, string> = Object.fromEntries(readdirSync(EXAMPLES).map((n) => [n, readFileSync(path.join(EXAMPLES, n), 'utf8')]));
const MAPPINGS = '  securityProviderMappings: |\n    corp.example.com=CORP\n    emea.corp.example.com=EMEA\n';
const JSON_MAPPINGS = '"securityProviderMappings": ["corp.example.com=CORP", "emea.corp.example.com=EMEA"]';

function workspace(files: Record<string, string>): Workspace {
  const ws = new Workspace();
  for (const [name, text] of Object.entries(files)) ws.set(ParsedFile.create(`file:///ws/${name}`, text)!);
  return ws;
}

/** Applies the one mapping/syntax fix of `name` (after replacing the examples' mappings by `mappings`); returns the fixed text and title. */
function fixOnce(name: 'prod.ecm.yaml' | 'standby.ecm.json', mappings: string): { title: string; text: string; codes: string[] } {
  const files = { ...BASE, [name]: name === 'prod.ecm.yaml' ? BASE[name].replace(MAPPINGS, mappings) : BASE[name].replace(JSON_MAPPINGS, mappings) };
  assert.notEqual(files[name], BASE[name], 'the mappings were replaced');
  const ws = workspace(files);
  const uri = `file:///ws/${name}`;
  const d = diagnoseWorkspace(ws).get(uri)?.find((x) => x.code === 'mapping/syntax');
  assert.ok(d, `a mapping/syntax diagnostic for ${JSON.stringify(mappings)}`);
  const actions = codeActions(ws.get(uri)!, [d], ws);
  assert.equal(actions.length, 1, actions.map((a) => a.title).join(' | '));
  const text = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 0, files[name]), actions[0].edit!.changes![uri] as TextEdit[]);
  const after = workspace({ ...files, [name]: text });
  const codes = [...diagnoseWorkspace(after).values()].flat().map((x) => String(x.code));
  return { title: actions[0].title, text, codes };
}

describe('mapping/syntax quick fixes', () => {
  it('mappingsMeant: another separator, several on a line; nothing when unsure', () => {
    assert.deepEqual(mappingsMeant('corp.example.com: CORP'), ['corp.example.com=CORP']);
    assert.deepEqual(mappingsMeant('corp.example.com -> CORP'), ['corp.example.com=CORP']);
    assert.deepEqual(mappingsMeant('corp.example.com CORP'), ['corp.example.com=CORP']);
    assert.deepEqual(mappingsMeant('corp.example.com=CORP, emea.corp.example.com=EMEA'), ['corp.example.com=CORP', 'emea.corp.example.com=EMEA']);
    assert.deepEqual(mappingsMeant('corp.example.com=CORP emea.corp.example.com=EMEA'), ['corp.example.com=CORP', 'emea.corp.example.com=EMEA']);
    assert.equal(mappingsMeant('=CORP'), undefined);
    assert.equal(mappingsMeant('corp.example.com'), undefined);
    assert.equal(mappingsMeant('a=b=c'), undefined);
    assert.equal(mappingsMeant('CORP corp.example.com'), undefined, 'a name then a domain is not sure');
  });

  it('a plain value YAML folded into one line becomes a literal block, one mapping per line', () => {
    const r = fixOnce('prod.ecm.yaml', '  securityProviderMappings:\n    corp.example.com=CORP\n    emea.corp.example.com=EMEA\n');
    assert.equal(r.title, 'Write the mappings as a literal block (`|`), one per line');
    assert.equal(r.text, BASE['prod.ecm.yaml']);
    assert.deepEqual(r.codes, []);
  });

  it('a folded value on the key line, quoted, is written as a block too', () => {
    const r = fixOnce('prod.ecm.yaml', "  securityProviderMappings: 'corp.example.com=CORP\n    emea.corp.example.com=EMEA'\n");
    assert.equal(r.text, BASE['prod.ecm.yaml']);
  });

  it('a line with another separator is changed, in a block scalar', () => {
    const r = fixOnce('prod.ecm.yaml', MAPPINGS.replace('corp.example.com=CORP', 'corp.example.com: CORP'));
    assert.equal(r.title, 'Change to `corp.example.com=CORP`');
    assert.equal(r.text, BASE['prod.ecm.yaml']);
  });

  it('two mappings on one line of a block scalar go on lines of their own', () => {
    const r = fixOnce('prod.ecm.yaml', '  securityProviderMappings: |\n    corp.example.com=CORP, emea.corp.example.com=EMEA\n');
    assert.equal(r.title, 'Put the 2 mappings on lines of their own');
    assert.equal(r.text, BASE['prod.ecm.yaml']);
    assert.deepEqual(r.codes, []);
  });

  it('two mappings in one item of a block list become two items', () => {
    const r = fixOnce('prod.ecm.yaml', '  securityProviderMappings:\n    - corp.example.com=CORP emea.corp.example.com=EMEA\n');
    assert.match(r.text, /  securityProviderMappings:\n    - corp\.example\.com=CORP\n    - emea\.corp\.example\.com=EMEA\n/);
    assert.deepEqual(r.codes, []);
  });

  it('a one-line plain value with two mappings becomes a literal block', () => {
    const r = fixOnce('prod.ecm.yaml', '  securityProviderMappings: corp.example.com=CORP;emea.corp.example.com=EMEA\n');
    assert.equal(r.text, BASE['prod.ecm.yaml']);
  });

  it('JSON: an item of a list is split into items; a string of lines stays one JSON string', () => {
    let r = fixOnce('standby.ecm.json', '"securityProviderMappings": ["corp.example.com=CORP emea.corp.example.com=EMEA"]');
    assert.equal(r.text, BASE['standby.ecm.json']);
    assert.deepEqual(r.codes, []);
    r = fixOnce('standby.ecm.json', '"securityProviderMappings": "corp.example.com=CORP\\nemea.corp.example.com:EMEA"');
    assert.equal(r.title, 'Change to `emea.corp.example.com=EMEA`');
    assert.match(r.text, /"securityProviderMappings": "corp\.example\.com=CORP\\nemea\.corp\.example\.com=EMEA"/);
    assert.deepEqual(r.codes, []);
    r = fixOnce('standby.ecm.json', '"securityProviderMappings": "corp.example.com=CORP,emea.corp.example.com=EMEA"');
    assert.match(r.text, /"securityProviderMappings": "corp\.example\.com=CORP\\nemea\.corp\.example\.com=EMEA"/);
    assert.deepEqual(r.codes, []);
  });

  it('a left side that is not an FQDN: the domain of the Vault provider it maps to, or the text without scheme or trailing dot', () => {
    let r = fixOnce('prod.ecm.yaml', MAPPINGS.replace('corp.example.com=CORP', 'CORP=CORP'));
    assert.equal(r.title, 'Change to `corp.example.com`');
    assert.equal(r.text, BASE['prod.ecm.yaml']);
    r = fixOnce('prod.ecm.yaml', MAPPINGS.replace('emea.corp.example.com=EMEA', 'emea.corp.example.com.=EMEA'));
    assert.equal(r.text, BASE['prod.ecm.yaml']);
    r = fixOnce('standby.ecm.json', JSON_MAPPINGS.replace('"corp.example.com=CORP"', '"https://corp.example.com=CORP"'));
    assert.equal(r.text, BASE['standby.ecm.json']);
  });

  it('no fix when the line says nothing certain', () => {
    const files = { ...BASE, 'prod.ecm.yaml': BASE['prod.ecm.yaml'].replace(MAPPINGS, '  securityProviderMappings: |\n    =CORP\n    emea.corp.example.com=EMEA\n') };
    const ws = workspace(files);
    const d = diagnoseWorkspace(ws).get('file:///ws/prod.ecm.yaml')!.find((x) => x.code === 'mapping/syntax')!;
    assert.deepEqual(codeActions(ws.get('file:///ws/prod.ecm.yaml')!, [d], ws), []);
  });
});
