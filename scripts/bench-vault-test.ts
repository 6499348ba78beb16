// Times `ecmkit vault-test` on loopback against the sandbox Vault: per-stage ms (median and max over N
// runs, as the CLI reports them) and the wall time of the whole CLI process. Target: under 2 s.
// Usage: npm run bench:vault-test [-- RUNS]   (builds first; uses a throw-away key and CA cache)
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSandbox } from '../server/src/vault/sandbox';

const ROOT = path.resolve(__dirname, '..');
const runs = Number(process.argv[2] ?? 10);
const KEY = 'bench-only-key-' + process.pid;

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'ecmkit-bench-vault-'));
  const ws = path.join(scratch, 'ws');
  cpSync(path.join(ROOT, 'examples'), ws, { recursive: true });
  const sb = await startSandbox({ workspace: ws, certDir: path.join(scratch, 'cache'), apiKey: KEY, watch: false });
  const stages: Record<string, number[]> = {};
  const totals: number[] = [];
  const walls: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      // Async, so this process (which serves the sandbox) keeps answering while the CLI runs.
      const r = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        const args = [path.join(ROOT, 'dist/cli.js'), 'vault-test', path.join(ws, 'prod.ecm.yaml'), '--vault', sb.url, '--ca', sb.caPath, '--format', 'json'];
        const p = execFile(process.execPath, args, { env: { ...process.env, ECMKIT_SECRET_VAULT_SHAREDKEY: KEY } }, (_e, stdout, stderr) => resolve({ status: p.exitCode ?? -1, stdout, stderr }));
      });
      walls.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`vault-test failed (${r.status}): ${r.stdout}${r.stderr}`);
      const j = JSON.parse(r.stdout) as { stages: { stage: string; ms: number }[] };
      let total = 0;
      for (const s of j.stages) { (stages[s.stage] ??= []).push(s.ms); total += s.ms; }
      totals.push(total);
    }
  } finally {
    await sb.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const max = (a: number[]): number => Math.max(...a);
  console.log(`vault-test against the sandbox on 127.0.0.1, ${runs} runs (node ${process.version})`);
  console.log('stage      median ms   max ms');
  for (const [name, ms] of Object.entries(stages)) console.log(`${name.padEnd(10)} ${String(med(ms)).padStart(9)} ${String(max(ms)).padStart(8)}`);
  console.log(`${'stages Σ'.padEnd(10)} ${String(med(totals)).padStart(9)} ${String(max(totals)).padStart(8)}`);
  console.log(`${'process'.padEnd(10)} ${String(Math.round(med(walls))).padStart(9)} ${String(Math.round(max(walls))).padStart(8)}   (node start + load + test + exit)`);
  if (max(walls) >= 2000) process.exitCode = 1;
}

void main();
