// `npm run bench:pull`: `ecmkit pull pa` (dist/cli.js, its own process) reading the gen:large PA inventory
// from the PA sandbox at the site's limit of 20 requests per second. For 10,000 and 20,000 jump clients
// (5,000 users either way) it prints the wall time against the floor the limit sets (requests ÷ 20), the
// number of 429 answers, and the pull process's peak RSS (VmHWM, read from /proc while it runs), for a
// pull into a new file (streamed: the target is flat RSS) and for an update of the existing file (the
// yaml Document of that file is in memory, so it grows with the file).
// Targets: wall ≤ 1.2 × floor, no 429, new-file RSS flat from 10k to 20k.
// Usage: npm run bench:pull [-- --sizes 10000,20000]
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startPaSandbox } from '../server/src/pa/sandbox';

const ROOT = path.resolve(__dirname, '..');
const SECRET = `bench-only-secret-${process.pid}`;
const sizesArg = process.argv.indexOf('--sizes');
const SIZES = sizesArg > 0 ? process.argv[sizesArg + 1].split(',').map(Number) : [10_000, 20_000];

interface Run { wallS: number; requests: number; throttled: number; peakRssMb: number; code: number }

/** Runs the CLI, polling its peak RSS; resolves when it exits. */
function pull(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'pull', 'pa', ...args], { cwd, env: { ...process.env, ECMKIT_PA_CLIENT_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.resume();
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch { /* exiting */ }
    }, 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      const wallS = (performance.now() - t0) / 1000;
      const requests = Number(/pull: (\d+) requests/.exec(err)?.[1] ?? NaN);
      const throttled = Number(/(\d+) answered 429/.exec(err)?.[1] ?? 0);
      if (code !== 0) process.stderr.write(err);
      resolve({ wallS, requests, throttled, peakRssMb: peakKb / 1024, code: code ?? -1 });
    });
  });
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'ecmkit-bench-pull-'));
  const rows: string[] = [];
  try {
    for (const n of SIZES) {
      const out = path.join(scratch, String(n));
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-large.mjs'), '--out', out, '--jump-clients', String(n), '--credentials', '10'], { stdio: 'ignore' });
      const ws = path.join(out, 'yaml');
      const sb = await startPaSandbox({ workspace: ws, clientSecret: SECRET, certDir: path.join(scratch, 'ca'), watch: false });
      try {
        const site = ['--site', sb.url, '--client-id', sb.clientId, '--ca', sb.caPath];
        const fresh = await pull([...site, '--out', path.join(scratch, `new-${n}.pa.yaml`)], scratch);
        const mine = path.join(scratch, `update-${n}.pa.yaml`);
        copyFileSync(path.join(ws, 'site.pa.yaml'), mine);
        const update = await pull([...site, '--out', mine], scratch);
        for (const [what, r] of [['new file', fresh], ['update', update]] as const) {
          const floor = r.requests / 20;
          rows.push(`| ${n.toLocaleString('en')} | ${what} | ${r.requests} | ${r.wallS.toFixed(2)} s | ${floor.toFixed(2)} s | ${(r.wallS / floor).toFixed(2)} × | ${r.throttled} | ${r.peakRssMb.toFixed(0)} MB |${r.code ? ` exit ${r.code}` : ''}`);
          console.log(rows[rows.length - 1]);
        }
      } finally {
        await sb.close();
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log('\n| jump clients | pull into | requests | wall | floor (requests ÷ 20/s) | wall ÷ floor | 429s | peak RSS |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
}

main().catch((e) => { console.error(e); process.exit(1); });
