// `npm run load [-- --sessions N] [--users U] [--append]`: the full load run of issue 7, item 4.
// N (default 1,000) concurrent PA sessions, each find → check-out → check-in through the real broker against
// the real sandbox Vault (test/support/load.ts), three times: all clients well-behaved; 30% of them vanishing
// mid-request (aborted sockets); well-behaved again. After each round: every request answered exactly once,
// the leases and Vault requests left open, heap and RSS after a full GC. Then the broker stops and the Vault
// must hold no request. Prints the figures (markdown); --append adds them to BENCHMARKS.md. Exit 1 if
// anything was lost.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { memory, runLoad, startLoadRig, type LoadFigures } from '../test/support/load';

const arg = (name: string, def: number): number => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : def; };
const SESSIONS = arg('sessions', 1000);
const USERS = arg('users', 100);
const APPEND = process.argv.includes('--append');

async function main(): Promise<number> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ecmkit-load-'));
  const load0 = os.loadavg()[0];
  const rig = await startLoadRig(USERS, path.join(scratch, 'certs'));
  const rows: { round: string; f: LoadFigures; heapMB: number; rssMB: number }[] = [];
  const problems: string[] = [];
  try {
    await runLoad(rig, { sessions: Math.min(200, SESSIONS), users: USERS }); // warm-up
    const m0 = memory();
    const rounds: [string, number][] = [['all clients stay', 0], ['30% of clients vanish', 0.3], ['all clients stay', 0]];
    for (const [name, vanish] of rounds) {
      const carried = rig.broker.broker.leases.open().length; // undelivered ones of an earlier round
      const f = await runLoad(rig, { sessions: SESSIONS, users: USERS, vanish, seed: 1000 + rows.length });
      const m = memory();
      rows.push({ round: name, f, heapMB: m.heapMB, rssMB: m.rssMB });
      console.error(`${name}: ${f.seconds} s, ${f.completed} completed, open leases ${f.openLeases}, open Vault requests ${f.openVaultRequests}, heap ${m.heapMB} MB`);
      if (f.errors.length) problems.push(`${name}: ${f.errors.length} client errors, e.g. ${f.errors[0]}`);
      if (!vanish && f.brokerLogged !== f.clientSent) problems.push(`${name}: ${f.clientSent} requests sent, ${f.brokerLogged} answered`);
      if (!vanish && (f.openLeases > carried || f.openVaultRequests > carried)) problems.push(`${name}: ${f.openLeases - carried} leases and ${f.openVaultRequests - carried} Vault requests left open`);
      if (vanish && f.openLeases > carried + f.undelivered) problems.push(`${name}: ${f.openLeases} leases open, more than the ${f.undelivered} undelivered check-outs`);
    }
    await rig.close();
    const leftInVault = rig.broker.sandbox!.activeRequests().length;
    if (leftInVault) problems.push(`after the broker stopped, the Vault still holds ${leftInVault} requests`);

    const cpus = os.cpus();
    const date = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    const md = [
      '',
      `### Load with nothing lost (\`npm run load\`) — ${date}`,
      '',
      `Command: \`npm run load -- --sessions ${SESSIONS} --users ${USERS}\`. Machine: ${cpus[0]?.model.trim().replace(/\s+/g, ' ')} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version}; 1-min load average at start ${load0.toFixed(2)}.`,
      `Workload: ${SESSIONS} concurrent sessions per round (find → check-out → check-in), ${USERS} PA users with a jump client and a Restricted credential each (${SESSIONS / USERS} sessions per user share that user's Vault request); client, broker and sandbox Vault in one process; heap and RSS after a full GC; warm-up of ${Math.min(200, SESSIONS)} sessions first (heap after it: ${m0.heapMB} MB, RSS ${m0.rssMB} MB).`,
      '',
      '| round | wall s | sessions/s | completed | requests sent / answered by the broker | vanished (find / check-out / check-in) | check-outs checked in for vanished callers | undelivered (expire) | p50 / p90 / p99 session ms | open leases / Vault requests after (incl. earlier undelivered) | heap MB | RSS MB |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(({ round, f, heapMB, rssMB }) => `| ${round} | ${f.seconds} | ${f.sessionsPerSecond} | ${f.completed} | ${f.clientSent} / ${f.brokerLogged} | ${f.vanished.find} / ${f.vanished.checkout} / ${f.vanished.checkin} | ${f.checkedInForVanished} | ${f.undelivered} | ${f.latencyMs.p50} / ${f.latencyMs.p90} / ${f.latencyMs.p99} | ${f.openLeases} / ${f.openVaultRequests} | ${heapMB} | ${rssMB} |`),
      '',
      `After the broker stopped (shutdown check-in): ${leftInVault} requests open in the sandbox Vault. ${problems.length ? `Problems: ${problems.join('; ')}.` : 'Nothing lost: every request answered exactly once, every lease ended.'}`,
      'With vanishing clients the broker sees fewer requests than were sent (some were abandoned before they reached it); a check-out whose caller vanished after its HTTP library had read the answer cannot be told from a delivered one and ends when it expires or at shutdown ("undelivered").',
      '',
    ].join('\n');
    process.stdout.write(md);
    if (APPEND) appendFileSync(path.join(__dirname, '..', 'BENCHMARKS.md'), md);
  } finally {
    await rig.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const p of problems) console.error(`LOST: ${p}`);
  return problems.length ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(2); });
