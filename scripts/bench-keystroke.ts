/**
 * What one keystroke costs on examples/: the server's re-check work for an edit of prod.ecm.yaml
 * (re-parse that file, its single-file rules, every cross-file rule), and the end-to-end latency over
 * real LSP (didChange → publishDiagnostics, which includes the 150 ms debounce).
 * Reference in the same run: the `yaml` package's plain parse of the same text.
 *   npm run bench:keystroke
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as yamlParse } from 'yaml';
import { checkFile, checkWorkspace, toDiagnostics } from '../server/src/engine/check';
import { ParsedFile } from '../server/src/model/document';
import { Workspace } from '../server/src/model/workspace';
import { copyExamples } from '../test/support/fixtures';
import { LspClient } from '../test/support/lspClient';

const N = 500;

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(3);
  return `p50 ${q(0.5)} ms  p95 ${q(0.95)} ms  max ${s[s.length - 1].toFixed(3)} ms`;
}

async function main(): Promise<void> {
  const ex = copyExamples();
  const file = path.join(ex.dir, 'prod.ecm.yaml');
  const uri = 'file://' + file;
  const text = readFileSync(file, 'utf8');
  const ws = await Workspace.load([ex.dir]);

  const recheck: number[] = [], reference: number[] = [];
  for (let i = 0; i < N; i++) {
    const edited = text.replace('port: 443', `port: ${443 + (i % 2)}`);
    let t = performance.now();
    const f = ParsedFile.create(uri, edited, i)!;
    ws.set(f);
    toDiagnostics([...checkFile(f), ...(checkWorkspace(ws).get(uri) ?? [])]);
    recheck.push(performance.now() - t);
    t = performance.now();
    yamlParse(edited);
    reference.push(performance.now() - t);
  }
  console.log(`in-process re-check after one edit (${N} edits): ${stats(recheck)}`);
  console.log(`reference, yaml.parse of the same text:        ${stats(reference)}`);

  const client = await LspClient.start(ex.dir);
  client.open(uri, text);
  await client.waitFor(uri, () => true);
  const e2e: number[] = [];
  for (let i = 0; i < 50; i++) {
    const broken = i % 2 === 0;
    const t = performance.now();
    client.change(uri, i + 2, broken ? text.replace('port: 443', 'port: 0') : text);
    await client.waitFor(uri, (d) => (d.length > 0) === broken);
    e2e.push(performance.now() - t);
  }
  console.log(`over LSP, didChange → publishDiagnostics (50 edits, incl. 150 ms debounce): ${stats(e2e)}`);
  await client.stop();
  ex.cleanup();
}

void main();
