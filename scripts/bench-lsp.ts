/**
 * Scale benchmark over real LSP (`npm run bench:lsp`, after `npm run gen:large`): for the YAML and the
 * JSON variant of the large workspace (10,000 jump clients and endpoints, 50,000 credentials, 5,000
 * users), it starts `ecmkit lsp --stdio` and measures
 *   - the cold full-workspace check: process start → first full publish (the server's status notification),
 *   - the re-check after a one-line edit of the Vault file, 50 edits (renaming an endpoint and back, at
 *     spread-out places): didChange → the `ecmkit/recheck` request answered (parse, single-file rules,
 *     every cross-file rule, diagnostics published; the 150 ms typing debounce is not included),
 *   - the server's resident memory,
 * and, as the reference in the same run, vscode-json-languageservice parsing and validating the same
 * JSON files against the same schemas, and js-yaml loading the same YAML files.
 *
 * The cold check and the reference run BENCH_ROUNDS times (default 5), alternating, each in a fresh
 * process (the reference too: in this process its ~1 GB of garbage was still being collected while the
 * server started); the table gives the medians and the ratio of the medians.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { load as yamlLoad } from 'js-yaml';
import { getLanguageService, TextDocument } from 'vscode-json-languageservice';
import type { Diagnostic } from 'vscode-languageserver-protocol';

/** `BENCH_DIST=DIR`: measure another build's server (an earlier `dist/`, for an A/B in the same hour). */
const BENCH_CLI = process.env.BENCH_DIST ? path.join(path.resolve(process.env.BENCH_DIST), 'cli.js') : undefined;
import { LspClient, ROOT } from '../test/support/lspClient';

const LARGE = path.join(ROOT, 'large');
const FILES = ['corp.vault', 'site.pa', 'prod.ecm', 'ecm.integration'];
const EDITS = Number(process.env.BENCH_EDITS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SCHEMA = (kind: string) => JSON.parse(readFileSync(path.join(ROOT, 'schemas', `${kind}.schema.json`), 'utf8'));

interface Result { variant: string; coldMs: number; referenceMs: number; colds: number[]; references: number[]; referenceName: string; p50: number; p95: number; max: number; rssColdMb: number; rssAfterMb: number; diagnostics: number }

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function referenceJson(dir: string): Promise<number> {
  const ls = getLanguageService({});
  ls.configure({ validate: true, schemas: ['ecm', 'integration', 'vault', 'pa'].map((k) => ({ uri: `https://ecmkit.dev/schemas/${k}.schema.json`, fileMatch: [`*.${k}.json`], schema: SCHEMA(k) })) });
  const t = performance.now();
  for (const f of FILES) {
    const doc = TextDocument.create(`file://${dir}/${f}.json`, 'json', 1, readFileSync(path.join(dir, `${f}.json`), 'utf8'));
    await ls.doValidation(doc, ls.parseJSONDocument(doc));
  }
  return performance.now() - t;
}

function referenceYaml(dir: string): number {
  const t = performance.now();
  for (const f of FILES) yamlLoad(readFileSync(path.join(dir, `${f}.yaml`), 'utf8'));
  return performance.now() - t;
}

/** Where endpoint `name`'s own name is written in the Vault file (its first occurrence as a name). */
function endpointNameAt(text: string, variant: string, name: string): { line: number; character: number } {
  const needle = variant === 'json' ? `"name": "${name}"` : `- { name: ${name},`;
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`endpoint ${name} not found`);
  const at = i + needle.indexOf(name);
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - before.lastIndexOf('\n') - 1 };
}

/** The reference's time, measured in a process of its own (this script with `--reference VARIANT`). */
function referenceInChild(variant: 'json' | 'yaml'): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--reference', variant], { encoding: 'utf8' });
  return Number(out.trim());
}

/** A server started on the workspace, once it has published the first full check. */
async function coldStart(dir: string) {
  const t0 = performance.now();
  const client = await LspClient.start(dir, { 'ecmkit.rules': {}, 'ecmkit.maxFileSizeMB': 64 }, BENCH_CLI);
  let statuses = 0;
  let notify: (() => void) | undefined;
  client.conn.onNotification('ecmkit/status', () => { statuses++; notify?.(); });
  client.conn.onRequest('workspace/codeLens/refresh', () => null);
  if (process.env.BENCH_LOG) client.conn.onNotification('window/logMessage', (m: { message: string }) => { if (m.message.includes('TIMING')) console.log(m.message); });
  const waitStatus = (n: number) => new Promise<void>((resolve) => { if (statuses >= n) resolve(); else notify = () => { if (statuses >= n) resolve(); }; });
  await waitStatus(1);
  return { client, coldMs: performance.now() - t0, waitStatus, statuses: () => statuses };
}

async function run(variant: 'json' | 'yaml'): Promise<Result> {
  const dir = path.join(LARGE, variant);
  const references: number[] = [];
  const colds: number[] = [];
  let started: Awaited<ReturnType<typeof coldStart>> | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    await started?.client.stop(); // nothing of ours runs beside the reference
    references.push(referenceInChild(variant));
    started = await coldStart(dir);
    colds.push(started.coldMs);
  }
  const { client, waitStatus } = started!;
  const statusCount = started!.statuses;
  const coldMs = quantile(colds, 0.5);
  const referenceMs = quantile(references, 0.5);
  const pid = client.proc.pid!;
  const rssColdMb = rssMb(pid);

  const vaultFile = path.join(dir, `corp.vault.${variant}`);
  const vaultUri = client.uri(vaultFile);
  const paUri = client.uri(path.join(dir, `site.pa.${variant}`));
  let text = readFileSync(vaultFile, 'utf8');
  client.open(vaultUri, text, variant);
  await waitStatus(statusCount() + 1); // the open document replaces the indexed copy
  // One finding per rename (docs/rules.md#one-mistake-one-finding): the renamed declaration's root in the Vault
  // file, counting the jump client and the credentials that still name the old name.
  const count = () => (client.diagnostics.get(paUri) ?? []).length + (client.diagnostics.get(vaultUri) ?? []).length;
  const baseline = count();

  const times: number[] = [];
  let version = 1;
  for (let k = 0; k < EDITS; k++) {
    // Spread over the whole list; NetBIOS-named endpoints (the generator names every fourth one by FQDN).
    let idx = 1 + 4 * Math.floor(((k >> 1) * 7919) % 2500);
    while (idx % 11 === 10 || (idx - 3) % 1250 === 0) idx += 4; // skip jump clients without injection, and the planted mismatches
    const name = `SRV${String(idx).padStart(5, '0')}`;
    const renamed = k % 2 === 0;
    const from = renamed ? name : `${name}X`;
    const to = renamed ? `${name}X` : name;
    const pos = endpointNameAt(text, variant, from);
    const range = { start: pos, end: { line: pos.line, character: pos.character + from.length } };
    const t = performance.now();
    client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: vaultUri, version: ++version }, contentChanges: [{ range, text: to }] });
    await client.request('ecmkit/recheck', null);
    times.push(performance.now() - t);
    const lines = text.split('\n', pos.line + 1);
    const at = lines.slice(0, pos.line).reduce((n, l) => n + l.length + 1, 0) + pos.character;
    text = text.slice(0, at) + to + text.slice(at + from.length);
    const expected = baseline + (renamed ? 1 : 0);
    if (count() !== expected) throw new Error(`edit ${k}: the PA and Vault files have ${count()} diagnostics, expected ${expected}`);
    await new Promise((r) => setTimeout(r, 200)); // let the typing debounce's own publish pass
  }
  if (process.env.BENCH_LOG) console.log(`${variant} re-check times (ms): ${times.map((t) => t.toFixed(0)).join(' ')}`);
  const rssAfterMb = rssMb(pid);
  let diagnostics = 0;
  for (const d of client.diagnostics.values()) diagnostics += d.length;
  await client.stop();
  return { variant, coldMs, referenceMs, colds, references, referenceName: variant === 'json' ? 'vscode-json-languageservice parse+validate' : 'js-yaml load', p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: Math.max(...times), rssColdMb, rssAfterMb, diagnostics };
}

async function main(): Promise<void> {
  const asReference = process.argv.indexOf('--reference');
  if (asReference > 0) {
    const variant = process.argv[asReference + 1];
    const dir = path.join(LARGE, variant);
    console.log(variant === 'json' ? await referenceJson(dir) : referenceYaml(dir));
    return;
  }
  if (!existsSync(path.join(LARGE, 'json', 'corp.vault.json')) || !existsSync(path.join(LARGE, 'yaml', 'corp.vault.yaml'))) {
    console.error('No large workspace: run `npm run gen:large` first.');
    process.exit(2);
  }
  const loadBefore = os.loadavg()[0];
  const results: Result[] = [];
  for (const v of (process.env.BENCH_VARIANTS ?? 'json,yaml').split(',') as ('json' | 'yaml')[]) results.push(await run(v));
  const loadAfter = os.loadavg()[0];
  const f = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  console.log(`\n### bench:lsp — ${new Date().toISOString().slice(0, 10)}`);
  console.log(`Machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}; load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}.`);
  console.log('Workspace: `npm run gen:large` (10,000 jump clients, 10,000 endpoints, 50,000 credentials, 5,000 users).\n');
  console.log('| variant | cold full check (median) | reference, same run (median) | ratio | target | re-check p50 | p95 | max | target p95 | RSS cold → after edits |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const ratio = r.coldMs / r.referenceMs;
    const target = r.variant === 'json' ? ratio <= 0.5 : ratio <= 2;
    console.log(`| ${r.variant} | ${f(r.coldMs)} ms | ${r.referenceName}: ${f(r.referenceMs)} ms | ${ratio.toFixed(2)} | ${r.variant === 'json' ? '≤ 0.5' : '≤ 2'} ${target ? '✔' : '✘'} | ${f(r.p50)} ms | ${f(r.p95)} ms | ${f(r.max)} ms | < 50 ms ${r.p95 < 50 ? '✔' : '✘'} | ${r.rssColdMb} → ${r.rssAfterMb} MB |`);
  }
  for (const r of results) console.log(`\n${r.variant}, ${ROUNDS} rounds — cold: ${r.colds.map(f).join(', ')} ms; reference: ${r.references.map(f).join(', ')} ms.`);
  console.log(`\n(${EDITS} edits per variant; diagnostics in the workspace at the end: ${results.map((r) => `${r.variant} ${r.diagnostics}`).join(', ')}.)`);
}

main().catch((err) => { console.error(err); process.exit(1); });
