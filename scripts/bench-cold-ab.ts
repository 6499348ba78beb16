/**
 * Cold start, build against build (`npm run bench:cold-ab -- OTHER_DIST [RUNS] [json|yaml]`, after
 * `npm run gen:large`): starts `ecmkit lsp --stdio` from `dist/` and from OTHER_DIST (a copy of an earlier
 * build) alternately on the large workspace, RUNS times each (default 8), and prints the medians of the
 * time to the first full publish and of the server's own CPU time (user + system from /proc, less
 * sensitive to other jobs on the machine). This is how each cold-path change in BENCHMARKS.md "Scale" was
 * judged: one build's run is never compared with another's taken at a different time.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LspClient, ROOT } from '../test/support/lspClient';

async function coldStart(cli: string, dir: string): Promise<{ wallMs: number; cpuMs: number }> {
  const t0 = performance.now();
  const client = await LspClient.start(dir, { 'ecmkit.rules': {}, 'ecmkit.maxFileSizeMB': 64 }, cli);
  await new Promise<void>((resolve) => client.conn.onNotification('ecmkit/status', () => resolve()));
  const wallMs = performance.now() - t0;
  const stat = readFileSync(`/proc/${client.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const cpuMs = ((Number(stat[11]) + Number(stat[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
  await client.stop();
  return { wallMs, cpuMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const [other, runsArg, variant = 'json'] = process.argv.slice(2);
  const builds = { 'dist/': path.join(ROOT, 'dist/cli.js'), [other ?? '']: path.join(path.resolve(other ?? ''), 'cli.js') };
  const dir = path.join(ROOT, 'large', variant);
  if (!other || !existsSync(builds[other])) {
    console.error('Usage: npm run bench:cold-ab -- OTHER_DIST [RUNS] [json|yaml]   (OTHER_DIST: a folder with an earlier build’s cli.js)');
    process.exit(2);
  }
  if (!existsSync(dir)) {
    console.error('No large workspace: run `npm run gen:large` first.');
    process.exit(2);
  }
  const runs = Number(runsArg ?? 8);
  const results = new Map<string, { wallMs: number; cpuMs: number }[]>(Object.keys(builds).map((b) => [b, []]));
  for (const cli of Object.values(builds)) await coldStart(cli, dir); // each writes its code cache, as an installed build would have
  for (let i = 0; i < runs; i++) for (const [name, cli] of Object.entries(builds)) results.get(name)!.push(await coldStart(cli, dir));
  console.log(`Cold check of large/${variant}, ${runs} runs per build, alternating:`);
  for (const [name, rs] of results) {
    const wall = rs.map((r) => r.wallMs), cpu = rs.map((r) => r.cpuMs);
    console.log(`  ${name.padEnd(24)} wall median ${median(wall).toFixed(0)} ms (${wall.map((x) => x.toFixed(0)).join(' ')}); server CPU median ${median(cpu).toFixed(0)} ms`);
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
