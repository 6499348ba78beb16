import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkFile, toDiagnostics } from '../../server/src/engine/check';
import type { Finding } from '../../server/src/rules/types';
import { EXAMPLES, parse, textAt } from '../support/fixtures';

const GOOD_ECM = readFileSync(path.join(EXAMPLES, 'prod.ecm.yaml'), 'utf8');
const GOOD_INTEGRATION = readFileSync(path.join(EXAMPLES, 'ecm.integration.yaml'), 'utf8');

/** Findings of one file as `code → covered text`, the way a user sees the squiggle. */
function findings(name: string, text: string): { code: string; text: string; message: string; f: Finding }[] {
  const file = parse(name, text);
  return checkFile(file).map((f) => ({ code: f.code, text: textAt(file, f.range), message: f.message, f }));
}

function codes(name: string, text: string): string[] {
  return findings(name, text).map((f) => f.code);
}

describe('examples are clean', () => {
  for (const name of ['prod.ecm.yaml', 'standby.ecm.json', 'ecm.integration.yaml', 'corp.vault.yaml', 'site.pa.yaml']) {
    it(name, () => assert.deepEqual(codes(name, readFileSync(path.join(EXAMPLES, name), 'utf8')), []));
  }
});

describe('syntax', () => {
  it('reports a YAML error at its token, and only syntax errors for a broken file', () => {
    const r = findings('a.ecm.yaml', 'name: a\nport: [1, 2\nclientSecret: hunter2\n');
    assert.ok(r.length >= 1);
    assert.ok(r.every((x) => x.code === 'syntax'));
    assert.ok(r[0].f.range.start.line >= 1, 'not at the top of the file');
  });
  it('reports broken JSON', () => {
    assert.deepEqual([...new Set(codes('a.integration.json', '{"name": "x",, }'))], ['syntax']);
  });
  it('asks for a mapping at the top level', () => {
    assert.deepEqual(codes('a.pa.yaml', '- a\n- b\n'), ['syntax']);
  });
});

describe('schema/required', () => {
  it('names the missing field at the key of its owner', () => {
    const r = findings('a.ecm.yaml', GOOD_ECM.replace(/^clientId: .*\n/m, ''));
    assert.deepEqual(r.map((x) => x.code), ['schema/required']);
    assert.match(r[0].message, /`clientId`/);
    assert.equal(r[0].text, 'name');
  });
  it('inside the vault block, at the `vault` key', () => {
    const r = findings('a.ecm.yaml', GOOD_ECM.replace(/^  defaultSecurityProvider: .*\n/m, ''));
    assert.deepEqual(r.map((x) => [x.code, x.text]), [['schema/required', 'vault']]);
  });
  it('requires `vault` when plugin is vault, but not for another plugin', () => {
    const noVault = GOOD_ECM.slice(0, GOOD_ECM.indexOf('vault:\n'));
    assert.deepEqual(codes('a.ecm.yaml', noVault), ['schema/required']);
    assert.deepEqual(codes('a.ecm.yaml', noVault.replace('plugin: vault', 'plugin: C:\\\\ECM\\\\plugins\\\\custom.dll')), []);
  });
  it('in a list item, on the item\'s first line', () => {
    const r = findings('a.vault.yaml', 'users:\n  - { fullName: Jane, status: Active }\n');
    assert.deepEqual(r.map((x) => x.code), ['schema/required']);
    assert.equal(r[0].text, '{ fullName: Jane, status: Active }');
  });
});

describe('schema/type', () => {
  const cases: [string, string, string, string][] = [
    ['port out of range', 'port: 443', 'port: 70000', '70000'],
    ['port zero', 'port: 443', 'port: 0', '0'],
    ['port as text', 'port: 443', 'port: https', 'https'],
    ['site not a host', 'site: support.example.com', 'site: "support example"', '"support example"'],
    ['boolean option', 'includeUnavailableCredentials: false', 'includeUnavailableCredentials: maybe', 'maybe'],
  ];
  for (const [label, from, to, covered] of cases) {
    it(`ECM: ${label}`, () => {
      const r = findings('a.ecm.yaml', GOOD_ECM.replace(from, to));
      assert.deepEqual(r.map((x) => [x.code, x.text]), [['schema/type', covered]]);
    });
  }
  const icases: [string, string, string, string][] = [
    ['status enum', 'status: Active', 'status: Enabled', 'Enabled'],
    ['request time over 24', 'checkoutRequestTime: 1', 'checkoutRequestTime: 25', '25'],
    ['request time zero', 'checkoutRequestTime: 1', 'checkoutRequestTime: 0', '0'],
    ['bad IP', '10.20.0.16 ', '10.20.0.300 ', '10.20.0.300'],
    ['bad CIDR prefix', '10.20.0.16 ', '10.20.0.0/33 ', '10.20.0.0/33'],
    ['auth enum', 'authentication: application', 'authentication: oauth', 'oauth'],
  ];
  for (const [label, from, to, covered] of icases) {
    it(`integration: ${label}`, () => {
      const r = findings('a.integration.yaml', GOOD_INTEGRATION.replace(from, to));
      assert.deepEqual(r.map((x) => [x.code, x.text]), [['schema/type', covered]]);
    });
  }
  it('accepts IPv6 addresses and CIDR ranges', () => {
    assert.deepEqual(codes('a.integration.yaml', GOOD_INTEGRATION.replace('10.20.0.16 ', '2001:db8::/32 ').replace('10.20.0.15 ', 'fe80::1 ')), []);
  });
  it('checks emails in the Vault inventory', () => {
    const r = findings('a.vault.yaml', 'users:\n  - { username: jdoe, email: jdoe.example.com }\n');
    assert.deepEqual(r.map((x) => [x.code, x.text]), [['schema/type', 'jdoe.example.com']]);
    assert.match(r[0].message, /email/);
  });
});

describe('schema/unknown-field', () => {
  it('suggests the closest known name', () => {
    const r = findings('a.ecm.yaml', GOOD_ECM.replace('clientId:', 'clinetId:'));
    const unknown = r.find((x) => x.code === 'schema/unknown-field')!;
    assert.equal(unknown.text, 'clinetId');
    assert.match(unknown.message, /did you mean `clientId`/);
    assert.deepEqual(unknown.f.data, { suggestion: 'clientId' });
  });
  it('inside nested objects and list items', () => {
    const r = findings('a.vault.yaml', 'users:\n  - { username: jdoe, emial: a@b.c }\n');
    assert.deepEqual(r.map((x) => [x.code, x.text]), [['schema/unknown-field', 'emial']]);
    assert.match(r[0].message, /`email`/);
  });
  it('suggests a name cut short, and names the object a nested unknown field is in', () => {
    const r = findings('a.ecm.yaml', GOOD_ECM.replace('includeUnavailableCredentials:', 'includeUnavailable:'));
    const unknown = r.find((x) => x.code === 'schema/unknown-field')!;
    assert.match(unknown.message, /^Unknown field `includeUnavailable` in vault: did you mean `includeUnavailableCredentials`\?/);
    const far = findings('a.ecm.yaml', GOOD_ECM.replace('includeUnavailableCredentials:', 'colourScheme:')).find((x) => x.code === 'schema/unknown-field')!;
    assert.match(far.message, /in vault: `vault` has `hostname`, /);
  });
  it('lists the known fields when nothing is close', () => {
    const r = findings('a.integration.yaml', GOOD_INTEGRATION + 'colour: blue\n');
    assert.equal(r[0].code, 'schema/unknown-field');
    assert.match(r[0].message, /`allowedIps`/);
  });
});

describe('secret/plaintext', () => {
  it('flags literals in every secret field, without repeating the value', () => {
    const r = findings('a.ecm.yaml', GOOD_ECM.replace('${secret:ecm-01.clientSecret}', 'hunter2-literal').replace('${secret:vault.sharedKey}', 'Sup3rKey'));
    assert.deepEqual(r.map((x) => [x.code, x.text]), [['secret/plaintext', 'hunter2-literal'], ['secret/plaintext', 'Sup3rKey']]);
    assert.ok(r.every((x) => !x.message.includes('hunter2') && !x.message.includes('Sup3rKey')));
    assert.deepEqual(r.map((x) => x.f.data), [{ secretName: 'ecm-01.clientSecret', path: ['clientSecret'] }, { secretName: 'vault.sharedKey', path: ['vault', 'sharedKey'] }]);
  });
  it('flags the integration credential and Vault passwords; accepts ${env:…}', () => {
    assert.deepEqual(codes('a.integration.yaml', GOOD_INTEGRATION.replace('${secret:vault.sharedKey}', 'abc123')), ['secret/plaintext']);
    assert.deepEqual(codes('a.integration.yaml', GOOD_INTEGRATION.replace('${secret:vault.sharedKey}', '${env:VAULT_KEY}')), []);
    const r = findings('a.vault.yaml', 'credentials:\n  - { name: c1, policy: p, accessType: Shared, password: "P@ss" }\n');
    assert.deepEqual(r.map((x) => [x.code, x.text, x.f.data]), [['secret/plaintext', '"P@ss"', { secretName: 'c1', path: ['credentials', 0, 'password'] }]]);
  });
  it('a block scalar\'s range stops at its text; a misspelled reference is not taken for a secret', () => {
    const block = findings('a.integration.yaml', GOOD_INTEGRATION.replace('${secret:vault.sharedKey}', '|\n  abc123'));
    assert.deepEqual(block.map((x) => [x.code, x.text]), [['secret/plaintext', '|\n  abc123']]);
    const typo = findings('a.ecm.yaml', GOOD_ECM.replace('${secret:ecm-01.clientSecret}', '${secert:ecm-01.clientSecret}'));
    assert.deepEqual(typo.map((x) => [x.code, x.f.data]), [['secret/plaintext', { replaceWith: '${secret:ecm-01.clientSecret}' }]]);
    assert.match(typo[0].message, /is not a secret reference .*did you mean `\$\{secret:ecm-01\.clientSecret\}`\?/);
  });
  it('does not apply to PA files or non-secret fields', () => {
    assert.deepEqual(codes('a.pa.yaml', 'users:\n  - { username: jdoe, email: a@b.c }\n'), []);
  });
});

describe('vault/https-required', () => {
  it('flags http and bare hostnames in the ECM and the inventory', () => {
    assert.deepEqual(findings('a.ecm.yaml', GOOD_ECM.replace('https://vault', 'http://vault')).map((x) => [x.code, x.text]), [['vault/https-required', 'http://vault.example.com']]);
    const bare = findings('a.ecm.yaml', GOOD_ECM.replace('https://vault.example.com', 'vault.example.com'));
    assert.deepEqual(bare.map((x) => x.code), ['vault/https-required']);
    assert.match(bare[0].message, /https:\/\/vault\.example\.com/);
    assert.deepEqual(codes('a.vault.yaml', 'hostname: http://vault.example.com\n'), ['vault/https-required']);
    assert.deepEqual(codes('a.vault.yaml', 'hostname: https://vault.example.com:8443\n'), []);
  });
});

describe('mapping rules', () => {
  const withMappings = (block: string) => GOOD_ECM.replace('    corp.example.com=CORP\n    emea.corp.example.com=EMEA\n', block);

  it('mapping/syntax on the offending line only', () => {
    const r = findings('a.ecm.yaml', withMappings('    corp.example.com=CORP\n    corp.example.com CORP\n'));
    assert.deepEqual(r.map((x) => [x.code, x.text, x.f.range.start.line]), [['mapping/syntax', 'corp.example.com CORP', 17]]);
  });
  it('mappings in one JSON string with \\n: each line\'s own range; a plain YAML value over several lines: told to use |', () => {
    const json = findings('a.ecm.json', '{"name":"e","vault":{"securityProviderMappings":"corp.example.com=CORP\\nemea.corp.example.com=EMEA.X\\ncorp.example.com=C2\\n"}}');
    assert.deepEqual(json.filter((x) => x.code.startsWith('mapping/')).map((x) => [x.code, x.text]), [['mapping/netbios-invalid', 'EMEA.X'], ['mapping/duplicate', 'corp.example.com=C2']]);
    const folded = findings('a.ecm.yaml', 'name: e\nvault:\n  securityProviderMappings:\n    corp.example.com=CORP\n    emea.corp.example.com=EMEAX\n').filter((x) => x.code.startsWith('mapping/'));
    assert.deepEqual(folded.map((x) => [x.code, x.text]), [['mapping/syntax', 'corp.example.com=CORP\n    emea.corp.example.com=EMEAX']]);
    assert.match(folded[0].message, /write `securityProviderMappings: \|`/);
  });
  it('mapping/netbios-invalid for length and characters', () => {
    const r = findings('a.ecm.yaml', withMappings('    corp.example.com=CORPORATEDOMAIN16\n    emea.corp.example.com=EM.EA\n'));
    assert.deepEqual(r.map((x) => [x.code, x.text]), [['mapping/netbios-invalid', 'CORPORATEDOMAIN16'], ['mapping/netbios-invalid', 'EM.EA']]);
    assert.deepEqual(codes('a.ecm.yaml', withMappings('    corp.example.com=CORPORATEDOMAI\n')), []);
  });
  it('mapping/duplicate with related information to the first mapping', () => {
    const r = findings('a.ecm.yaml', withMappings('    corp.example.com=CORP\n    Corp.Example.com=CORP2\n'));
    assert.deepEqual(r.map((x) => [x.code, x.text]), [['mapping/duplicate', 'Corp.Example.com=CORP2']]);
    assert.equal(r[0].f.related?.[0].range.start.line, 16);
  });
  it('works for the list form in JSON', () => {
    const json = readFileSync(path.join(EXAMPLES, 'standby.ecm.json'), 'utf8').replace('"emea.corp.example.com=EMEA"', '"emea.corp.example.com"');
    const r = findings('a.ecm.json', json);
    assert.deepEqual(r.map((x) => [x.code, x.text]), [['mapping/syntax', 'emea.corp.example.com']]);
  });
});

describe('severity overrides', () => {
  it('change or drop a code', () => {
    const file = parse('a.ecm.yaml', GOOD_ECM.replace('${secret:vault.sharedKey}', 'Sup3rKey').replace('port: 443', 'port: 0'));
    const all = checkFile(file);
    assert.deepEqual(toDiagnostics(all).map((d) => [d.code, d.severity]), [['schema/type', 1], ['secret/plaintext', 2]]);
    assert.deepEqual(toDiagnostics(all, { 'secret/plaintext': 'error', 'schema/type': 'off' }).map((d) => [d.code, d.severity]), [['secret/plaintext', 1]]);
  });
});

describe('schema messages say what to type', () => {
  it('formats with an example, numbers without quotes, required fields in the file\'s own syntax', () => {
    const email = findings('a.vault.yaml', 'users:\n  - { username: jdoe, email: not-an-email }\n').find((x) => x.code === 'schema/type')!;
    assert.match(email.message, /is not a valid email address: write it like `jdoe@example\.com`\./);
    const port = findings('a.ecm.yaml', GOOD_ECM.replace('port: 443', 'port: "443"')).find((x) => x.code === 'schema/type')!;
    assert.match(port.message, /must be an integer \(digits, without quotes\)\./);
    const json = findings('a.integration.json', '{"name": "x"}').find((x) => x.code === 'schema/required')!;
    assert.match(json.message, /add `"\w+": …`/);
  });
});

describe('an unclosed bracket', () => {
  it('is reported at the bracket, not where the parser noticed (the next line)', () => {
    const r = findings('a.ecm.yaml', 'name: a\nport: [443\nclientId: x\n').filter((x) => x.code === 'syntax');
    assert.deepEqual(r.map((x) => [x.text, x.f.range.start.line, x.f.range.start.character]), [['[', 1, 6]]);
    const m = findings('a.ecm.yaml', 'name: a\nvault: { hostname: x\nclientId: y\n').filter((x) => x.code === 'syntax');
    assert.deepEqual(m.map((x) => [x.text, x.f.range.start.line]), [['{', 1]]);
  });
});

describe('not UTF-8', () => {
  it('a byte decoded as U+FFFD (a Latin-1 é) is a syntax error at that character', () => {
    const r = findings('a.ecm.yaml', GOOD_ECM.replace('name: ecm-01', 'name: caf\uFFFD-01'));
    assert.deepEqual(r.map((x) => [x.code, x.text]), [['syntax', '\uFFFD']]);
    assert.match(r[0].message, /not UTF-8.*Save the file as UTF-8/);
  });
});

describe('several YAML documents', () => {
  it('says only the first is read, in words, with or without an error in the second', () => {
    for (const text of ['name: a\n---\nname: b\n', 'name: a\n---\nname: [b\n']) {
      const r = findings('a.ecm.yaml', text).filter((x) => x.code === 'syntax');
      assert.deepEqual(r.map((x) => x.message), ['Only one YAML document per file is read; remove the second one (after ---). Until it parses, ecmkit draws no conclusion from this file in the other files.']);
    }
  });
});

describe('empty files', () => {
  it('an empty or comments-only file is a syntax error at the start, naming its snippet', () => {
    for (const [name, text] of [['a.ecm.json', ''], ['a.integration.yaml', '# to do\n'], ['a.pa.yaml', '\n\n'], ['a.vault.json', '  \n']]) {
      const r = findings(name, text);
      assert.deepEqual(r.map((x) => [x.code, x.f.range.start.line, x.f.range.start.character]), [['syntax', 0, 0]], name);
      assert.match(r[0].message, /^The file is empty: (an ECM file|an integration file|a PA site file|a Vault inventory) holds a mapping/, name);
    }
    assert.match(findings('a.integration.yaml', '')[0].message, /Type ecmkit-integration for a starting point/);
    assert.deepEqual(codes('a.ecm.yaml', '[1]\n'), ['syntax']);
  });
});

describe('file/too-large', () => {
  it('gives one diagnostic on the first line instead of parsing', async () => {
    const { ParsedFile } = await import('../../server/src/model/document');
    {
      const file = ParsedFile.create('file:///w/a.vault.yaml', 'hostname: http://x\n' + '# padding\n'.repeat(20), 0, undefined, 100)!;
      const r = checkFile(file).map((f) => ({ code: f.code, message: f.message, f }));
      assert.deepEqual(r.map((x) => [x.code, x.f.range.start.line, x.f.range.end.line]), [['file/too-large', 0, 0]]);
      assert.match(r[0].message, /ecmkit\.maxFileSizeMB/);
    }
  });
});

describe('suggestions stay cheap', () => {
  it('a pasted 100 KB blob where a name belongs gets no suggestion, at once (found by npm run fuzz)', async () => {
    const { closest } = await import('../../server/src/domain/closest');
    const blob = 'x'.repeat(100_000);
    const t = Date.now();
    assert.equal(closest(blob, [blob + 'y', 'CORP', 'EMEA']), undefined);
    assert.equal(closest('CORPP', [blob, 'CORP']), 'CORP');
    assert.ok(Date.now() - t < 200, `took ${Date.now() - t} ms`);
  });
});
