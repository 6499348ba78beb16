// Child processes the harness starts: each in its own process group, so stopping it by its PID also stops
// everything it spawned (code-server's extension hosts, the language server, Chromium's helpers).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';

// Last resort: if this process exits without stopping what it started (a crash, an uncaught error),
// the process groups still go down with it.
const live = new Set<number>();
process.on('exit', () => { for (const pid of live) killGroup(pid, 'SIGKILL'); });

export interface Started {
  child: ChildProcess;
  pid: number;
  /** Resolves with the first line matching `re`, rejects if the process exits first or `timeoutMs` passes. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/** Runs a command to completion, streaming its output to `logFile` (or inherit), and rejects on non-zero exit. */
export function run(cmd: string, args: string[], opts: SpawnOptions & { logFile?: string } = {}): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: opts.logFile ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let tail = '';
    if (opts.logFile) {
      const log = createWriteStream(opts.logFile, { flags: 'a' });
      const keep = (d: Buffer) => { log.write(d); tail = (tail + d.toString()).slice(-4000); };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      child.on('close', () => log.end());
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})` +
        (opts.logFile ? `; see ${opts.logFile}\n${tail}` : '')));
    });
  });
}

/** Starts a long-running process in its own process group; its output goes to `logFile` and is scanned by waitForLine. */
export function start(cmd: string, args: string[], opts: SpawnOptions & { logFile: string }): Started {
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  const pid = child.pid;
  live.add(pid);
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  let buffered = '';
  const listeners = new Set<(line: string) => void>();
  const onData = (d: Buffer) => {
    log.write(d);
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) for (const l of listeners) l(line);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited = false;
  const exitPromise = new Promise<void>((res) => child.on('exit', () => { exited = true; res(); }));
  child.on('exit', () => { killGroup(pid, 'SIGKILL'); live.delete(pid); }); // leftovers of the group

  return {
    child,
    pid,
    waitForLine(re, timeoutMs) {
      return new Promise((res, rej) => {
        const timer = setTimeout(() => { cleanup(); rej(new Error(`${cmd}: no line matching ${re} within ${timeoutMs} ms; see ${opts.logFile}`)); }, timeoutMs);
        const onLine = (line: string) => { const m = line.match(re); if (m) { cleanup(); res(m); } };
        const onExit = () => { cleanup(); rej(new Error(`${cmd} exited before printing ${re}; see ${opts.logFile}`)); };
        const cleanup = () => { clearTimeout(timer); listeners.delete(onLine); child.off('exit', onExit); };
        listeners.add(onLine);
        child.once('exit', onExit);
      });
    },
    async stop() {
      if (exited) { log.end(); return; }
      killGroup(pid, 'SIGTERM');
      const timedOut = await Promise.race([exitPromise.then(() => false), delay(5000).then(() => true)]);
      if (timedOut) killGroup(pid, 'SIGKILL');
      // Children of the group may outlive the leader for a moment; a final SIGKILL to the group is harmless.
      killGroup(pid, 'SIGKILL');
      log.end();
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}

function delay(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms).unref());
}
