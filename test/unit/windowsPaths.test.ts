// Windows paths and file URIs, driven through path.win32 and Windows-style URIs on any machine
// (server/src/model/platformPaths.ts): what VS Code sends (`file:///c%3A/...`), what Node writes
// (`file:///C:/...`), names that ignore case, the CLI's report paths and SARIF's URIs. VS Code's own URI
// implementation (vscode-uri) is the oracle for the editor's spelling.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { URI } from 'vscode-uri';
import { ParsedFile } from '../../server/src/model/document';
import {
  isWithin, pathToUri, POSIX, reportPath, samePath, reportToShown, sarifArtifact, sarifRootUri, shownPath, uriKey, uriToPath, WINDOWS,
} from '../../server/src/model/platformPaths';
import { Workspace } from '../../server/src/model/workspace';
import { toSarif } from '../../server/src/cli/sarif';
import type { CliDiagnostic } from '../../server/src/cli/cliDiagnostic';

const ECM = 'name: ecm-01\nsite: pra.example.com\n';

describe('Windows file URIs', () => {
  it('reads both spellings of a drive letter to the same path', () => {
    assert.equal(uriToPath('file:///c%3A/Users/John%20Smith/site.ecm.yaml', WINDOWS), 'c:\\Users\\John Smith\\site.ecm.yaml');
    assert.equal(uriToPath('file:///C:/Users/John%20Smith/site.ecm.yaml', WINDOWS), 'C:\\Users\\John Smith\\site.ecm.yaml');
    assert.equal(uriToPath('file://server/share/site.ecm.yaml', WINDOWS), '\\\\server\\share\\site.ecm.yaml');
    assert.equal(uriToPath('untitled:Untitled-1', WINDOWS), 'untitled:Untitled-1');
  });

  it('writes a path as VS Code does (lower-case drive, %3A, everything but unreserved characters encoded)', () => {
    for (const p of ['C:\\Users\\John Smith\\site (copy)\\a#1.ecm.yaml', 'C:\\Users\\Ann\\ü@x+y,z;=$&!\'*~.ecm.yaml', '\\\\Server\\Share\\x\\a.ecm.yaml', 'D:\\']) {
      assert.equal(pathToUri(p, WINDOWS), URI.file(p.replace(/\\/g, '/')).toString(), p);
    }
    assert.equal(pathToUri('C:\\Users\\Ann\\prod.ecm.yaml', WINDOWS), 'file:///c%3A/Users/Ann/prod.ecm.yaml');
  });

  it('round-trips: the path of the URI written for a path is that path (drive letter aside)', () => {
    const p = 'C:\\Users\\John Smith\\Sites\\#2 (old)\\prod.ecm.yaml';
    assert.equal(uriToPath(pathToUri(p, WINDOWS), WINDOWS), 'c' + p.slice(1));
  });

  it('keys one file once, however the URI spells it; case counts on POSIX only', () => {
    const spellings = [
      'file:///c%3A/Users/Ann/Site/prod.ecm.yaml',
      'file:///C:/Users/Ann/Site/prod.ecm.yaml',
      'file:///C:/users/ann/site/PROD.ecm.yaml',
      'file:///c:/Users/Ann/Site/prod.ecm.yaml',
    ];
    assert.equal(new Set(spellings.map((u) => uriKey(u, WINDOWS))).size, 1);
    assert.notEqual(uriKey('file:///home/ann/Site/a.ecm.yaml', POSIX), uriKey('file:///home/ann/site/a.ecm.yaml', POSIX));
    // Encoding differs between VS Code and Node (`%40` and `@`), the file does not.
    assert.equal(uriKey('file:///home/ann/site%40corp/a.ecm.yaml', POSIX), uriKey('file:///home/ann/site@corp/a.ecm.yaml', POSIX));
    assert.equal(uriKey('untitled:Untitled-1', WINDOWS), 'untitled:Untitled-1');
    assert.equal(uriKey('file://host/share/a.ecm.yaml', POSIX), 'file://host/share/a.ecm.yaml', 'not a POSIX path: its own key, no crash');
  });
});

describe('the index on Windows', () => {
  const ws = () => Object.assign(new Workspace(), { platform: WINDOWS });
  const file = (uri: string, text = ECM) => ParsedFile.create(uri, text)!;

  it("holds the disk copy and the editor's open copy of one file as one entry (no duplicate ECM)", () => {
    const w = ws();
    w.set(file('file:///C:/Users/Ann/Site/prod.ecm.yaml'));
    const open = file('file:///c%3A/Users/Ann/Site/prod.ecm.yaml', ECM + 'port: 443\n');
    w.set(open);
    assert.equal(w.all().length, 1);
    assert.equal(w.of('ecm').length, 1);
    assert.equal(w.get('file:///C:/users/ann/site/PROD.ECM.YAML'), open, 'found in any case, and the entry is the last one set');
    assert.equal(w.get('file:///C:/Users/Ann/Site/prod.ecm.yaml')!.uri, open.uri, "the entry keeps the editor's URI");
    assert.equal(w.delete('file:///C:/USERS/ANN/SITE/prod.ecm.yaml'), true);
    assert.equal(w.all().length, 0);
  });

  it('keeps two files whose names differ only in case apart on POSIX', () => {
    const w = new Workspace();
    Object.assign(w, { platform: POSIX });
    w.set(file('file:///home/ann/site/prod.ecm.yaml'));
    w.set(file('file:///home/ann/site/Prod.ecm.yaml'));
    assert.equal(w.all().length, 2);
  });
});

describe('folders on Windows', () => {
  it('says a file is in a folder with either slash, in any case, and not in a folder that only starts the same', () => {
    assert.ok(isWithin('C:\\Work\\Site\\prod.ecm.yaml', 'c:\\work\\site', WINDOWS));
    assert.ok(isWithin('C:\\Work\\Site\\prod.ecm.yaml', 'C:/Work/Site/', WINDOWS));
    assert.ok(isWithin('c:\\work\\site', 'C:\\Work\\Site', WINDOWS), 'the folder itself');
    assert.ok(isWithin('C:\\prod.ecm.yaml', 'C:\\', WINDOWS), 'a drive root');
    assert.ok(!isWithin('C:\\Work\\Site2\\prod.ecm.yaml', 'C:\\Work\\Site', WINDOWS));
    assert.ok(!isWithin('D:\\Work\\Site\\prod.ecm.yaml', 'C:\\Work\\Site', WINDOWS));
    assert.ok(!isWithin('/home/ann/Site/prod.ecm.yaml', '/home/ann/site', POSIX), 'POSIX names keep their case');
    assert.ok(isWithin('/home/ann/site/prod.ecm.yaml', '/home/ann/site/', POSIX));
  });
});

describe('ecmkit check paths on Windows', () => {
  it('reports files relative to the current folder with / (JSON, SARIF) and shows them with \\ (text)', () => {
    const file = uriToPath('file:///c%3A/Work/Examples/prod.ecm.yaml', WINDOWS);
    assert.equal(reportPath(file, 'C:\\work', WINDOWS), 'Examples/prod.ecm.yaml', 'the drive letter and folder in another case are the same folder');
    assert.equal(shownPath(file, 'C:\\work', WINDOWS), 'Examples\\prod.ecm.yaml');
    assert.equal(reportToShown('Examples/prod.ecm.yaml', WINDOWS), 'Examples\\prod.ecm.yaml');
    assert.equal(reportPath('C:\\Other\\prod.ecm.yaml', 'C:\\work', WINDOWS), '../Other/prod.ecm.yaml');
    assert.equal(reportPath('D:\\Sites\\prod.ecm.yaml', 'C:\\work', WINDOWS), 'D:/Sites/prod.ecm.yaml', 'another drive: no relative path reaches it');
    assert.equal(reportPath('C:\\work', 'C:\\work', WINDOWS), '.');
  });

  it('leaves POSIX report paths as they were', () => {
    assert.equal(reportPath('/work/examples/prod.ecm.yaml', '/work', POSIX), 'examples/prod.ecm.yaml');
    assert.equal(shownPath('/work/examples/prod.ecm.yaml', '/work', POSIX), 'examples/prod.ecm.yaml');
    assert.equal(reportToShown('examples/prod.ecm.yaml', POSIX), 'examples/prod.ecm.yaml');
  });
});

describe('SARIF URIs on Windows', () => {
  it('gives SRCROOT as file:///C:/… with the drive letter and percent-encoding', () => {
    assert.equal(sarifRootUri('C:\\work', WINDOWS), 'file:///C:/work/');
    assert.equal(sarifRootUri('C:\\Users\\John Smith\\site #2\\', WINDOWS), 'file:///C:/Users/John%20Smith/site%20%232/');
    assert.equal(sarifRootUri('\\\\server\\share\\site', WINDOWS), 'file://server/share/site/');
    assert.equal(sarifRootUri('/work/site #2', POSIX), 'file:///work/site%20%232/');
  });

  it('writes artifacts relative to SRCROOT with / and encoded segments; another drive as its own URI', () => {
    assert.deepEqual(sarifArtifact('Examples/site (old)/prod #1.ecm.yaml', WINDOWS), { uri: 'Examples/site%20(old)/prod%20%231.ecm.yaml', uriBaseId: 'SRCROOT' });
    assert.deepEqual(sarifArtifact('../Other/prod.ecm.yaml', WINDOWS), { uri: '../Other/prod.ecm.yaml', uriBaseId: 'SRCROOT' });
    assert.deepEqual(sarifArtifact('D:/Sites/prod.ecm.yaml', WINDOWS), { uri: 'file:///D:/Sites/prod.ecm.yaml' });
    assert.deepEqual(sarifArtifact('examples/a\\b.ecm.yaml', POSIX), { uri: 'examples/a%5Cb.ecm.yaml', uriBaseId: 'SRCROOT' }, 'a POSIX name may hold a backslash');
  });

  it('puts both in the log toSarif writes for a run in C:\\work', () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } };
    const d: CliDiagnostic[] = [
      { file: 'Examples/prod.ecm.yaml', range, severity: 'error', code: 'ecm/port', message: 'm', related: [{ file: 'D:/Sites/corp.vault.yaml', range, message: 'r' }] },
    ];
    const run = (toSarif(d, 'C:\\work', WINDOWS) as { runs: { originalUriBaseIds: { SRCROOT: { uri: string } }; results: { locations: { physicalLocation: { artifactLocation: object } }[]; relatedLocations: { physicalLocation: { artifactLocation: object } }[] }[] }[] }).runs[0];
    assert.equal(run.originalUriBaseIds.SRCROOT.uri, 'file:///C:/work/');
    assert.deepEqual(run.results[0].locations[0].physicalLocation.artifactLocation, { uri: 'Examples/prod.ecm.yaml', uriBaseId: 'SRCROOT' });
    assert.deepEqual(run.results[0].relatedLocations[0].physicalLocation.artifactLocation, { uri: 'file:///D:/Sites/corp.vault.yaml' });
  });
});

describe('the same folder, spelled twice', () => {
  it('is one folder on Windows in any case or slash, and two on POSIX when the case differs', () => {
    assert.ok(samePath('C:\\Work\\Site', 'c:/work/site/', WINDOWS));
    assert.ok(samePath('C:\\', 'c:\\', WINDOWS));
    assert.ok(!samePath('C:\\Work\\Site', 'C:\\Work\\Site2', WINDOWS));
    assert.ok(samePath('/work/site/', '/work/site', POSIX));
    assert.ok(!samePath('/work/Site', '/work/site', POSIX));
    assert.ok(samePath('/', '/', POSIX));
  });
});
