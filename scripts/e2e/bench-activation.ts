// `npm run bench:activation`: VSIX size, and the extension's activation time as VS Code itself reports it
// ("Developer: Show Running Extensions" → "Startup Activation: N ms"), over several fresh windows on a copy
// of examples/ in code-server. Prints the median, min and max; results in test-results/e2e/bench-activation.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { Session } from '../../test/e2e/harness/session';
import activation from '../../test/e2e/scenarios/activation';
import { RESULTS } from './paths';

const runs = Number(process.argv[2] ?? 5);

async function main(): Promise<void> {
  const session = new Session();
  const samples: number[] = [];
  const loadBefore = loadavg()[0];
  try {
    await session.prepare(['trusted']);
    for (let i = 1; i <= runs; i++) {
      await session.runScenario(`bench-activation-${i}`, activation);
      samples.push(JSON.parse(readFileSync(join(RESULTS, 'activation.json'), 'utf8')).activationMs);
    }
  } finally {
    await session.close();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const result = {
    vsixBytes: session.vsix!.bytes,
    activationMs: { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], samples },
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    loadAverage1m: { before: loadBefore, after: loadavg()[0] },
    editor: 'code-server 4.139.1 (VS Code 1.139), Chromium headless',
    at: new Date().toISOString(),
  };
  session.record('bench-activation', result);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
