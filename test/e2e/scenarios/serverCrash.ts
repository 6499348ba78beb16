// "A language server that keeps crashing is restarted three times, then the user is told": kill the ecmkit
// language server process (SIGKILL, as a crash) four times. The first three times it comes back (a new
// process, the status item back to running); the fourth time it stays down, a notification says it crashed
// 4 times in 3 minutes, and its Show Log button opens the "ecmkit" log, which says the same. Then
// "ecmkit: Restart Language Server" brings it back (client/src/restartPolicy.ts, languageClient.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Scenario } from '../harness/scenario';
import { TIMEOUT } from '../harness/workbench';

interface Proc { pid: number; ppid: number; start: number }

/**
 * Running ecmkit language servers (`node …/dist/cli.js lsp`) of the extension installed under `root` (this
 * e2e session's folder, so no other session's processes are ever touched), from /proc.
 */
function servers(root: string): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (!argv.some((a) => a.startsWith(root + '/') && a.endsWith('/dist/cli.js')) || !argv.includes('lsp')) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f[0] === 'Z') continue; // a zombie: already dead
      out.push({ pid: Number(name), ppid: Number(f[1]), start: Number(f[19]) });
    } catch { /* gone meanwhile */ }
  }
  return out;
}

export default {
  title: 'a language server killed 4 times is restarted 3 times, then a notification with Show Log says so',
  async run({ ui, page, log, screenshot, record, workspace }) {
    await ui.waitForEcmkit();
    const root = dirname(dirname(workspace)); // the session folder: its profiles hold the installed extension
    const languageServers = () => servers(root);
    // This window's server is the one started last; its parent is this window's extension host, which
    // starts every replacement too.
    const first = languageServers().sort((a, b) => b.start - a.start)[0];
    if (!first) throw new Error('no ecmkit language server process found');
    const host = first.ppid;
    const ours = (): Proc[] => languageServers().filter((p) => p.ppid === host);

    const killed: number[] = [];
    const restartMs: number[] = [];
    let current = first.pid;
    for (let i = 1; i <= 4; i++) {
      process.kill(current, 'SIGKILL');
      killed.push(current);
      log(`killed language server #${i} (pid ${current})`);
      if (i === 4) break;
      const t0 = Date.now();
      current = await ui.poll(async () => ours().find((p) => !killed.includes(p.pid))?.pid, `language server #${i + 1} to start after crash ${i}`);
      // Starting (the spinning item; it may already be over), then running again.
      await ui.statusItem().locator('.codicon-loading').waitFor({ timeout: 10_000 }).catch(() => undefined);
      await ui.statusItem().locator('.codicon-check').waitFor({ timeout: TIMEOUT });
      restartMs.push(Date.now() - t0);
    }

    // The fourth crash: no restart; the user is told, with a way to the log.
    const toast = ui.notification(/crashed 4 times in 3 minutes and was not restarted/);
    await toast.waitFor({ timeout: TIMEOUT });
    await ui.statusItem().locator('.codicon-error').waitFor({ timeout: TIMEOUT });
    const left = ours().filter((p) => !killed.includes(p.pid));
    if (left.length) throw new Error(`a fifth language server was started: pids ${left.map((p) => p.pid).join(', ')}`);
    await screenshot('gave-up');

    await toast.getByRole('button', { name: 'Show Log' }).click();
    const output = page.locator('.part.panel .view-lines');
    await ui.poll(async () => ((await output.first().innerText()).replace(/\u00a0/g, ' ').includes('was not restarted again') ? true : undefined),
      'the ecmkit log to show why the server is down');
    // (The output view renders only the lines in sight: the last restarts and the verdict.)
    const logText = (await output.first().innerText()).replace(/\u00a0/g, ' ');
    if (!/stopped unexpectedly \(3 times in the last 3 minutes\); restarting it/.test(logText)) throw new Error(`the log does not show the third restart:\n${logText}`);
    await screenshot('log');

    // A restart by hand brings it back.
    await ui.runCommand('ecmkit: Restart Language Server');
    await ui.statusItem().locator('.codicon-check').waitFor({ timeout: TIMEOUT });
    const back = ours().filter((p) => !killed.includes(p.pid));
    if (back.length !== 1) throw new Error(`expected one running language server after the restart, found ${back.length}`);
    record('server-crash', { killed: killed.length, restartMs, at: new Date().toISOString() });
  },
} satisfies Scenario;
