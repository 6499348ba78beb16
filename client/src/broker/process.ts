// The broker as a child process (`ecmkit broker --ipc --log json`), without any VS Code API so the debug
// adapter test can drive it too. Secrets travel over the IPC channel, only when the broker asks for them
// by name; they never reach argv, the environment or a log line. Events arrive as JSON lines on stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { EventEmitter } from 'node:events';
import { LISTENING_LINE, type BrokerEvent } from '../../../protocol/broker';
import { pipeLines } from '../pipeLines';

export interface SecretRequest { name: string; required: boolean; purpose: string }

export interface BrokerLaunch {
  /** How to run the CLI: the Node binary and the arguments before `broker` (e.g. [dist/cli.js]). */
  node: string;
  cliArgs: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  workspace?: string;
  ecmFile?: string;
  /** `sandbox` (default): the sandbox Vault from the workspace; `configured`: each ECM's vault.hostname. */
  vault?: 'sandbox' | 'configured';
  caFile?: string;
  /** Another Vault for every ECM (e.g. a sandbox already running); `caFile` is its CA. */
  vaultUrl?: string;
  port?: number;
  leaseSeconds?: number;
  /** Answers the broker's request for a secret (SecretStorage in the editor). */
  secret?: (r: SecretRequest) => Promise<string | undefined>;
}

export type Stamped = BrokerEvent & { time: string };

export interface BrokerInfo { url: string; port: number; tokenPath: string; token: string }

/**
 * Events: `event` (a broker event), `line` (a stderr line that is not an event), `exit` (code, signal).
 * start() resolves once the broker listens; stop() checks leases in (the broker does) and waits for exit.
 */
export class BrokerProcess extends EventEmitter {
  private child?: ChildProcess;
  info?: BrokerInfo;
  /** The workspace's problem count the broker last said (it says it at start, before listening, when there are errors). */
  problems?: Extract<BrokerEvent, { type: 'problems' }>;
  exitCode?: number | null;
  private exited?: Promise<void>;

  constructor(readonly launch: BrokerLaunch) { super(); }

  get running(): boolean { return !!this.child && this.exitCode === undefined; }

  args(): string[] {
    const l = this.launch;
    const a = [...l.cliArgs, 'broker', '--ipc', '--log', 'json'];
    if (l.workspace) a.push('--workspace', l.workspace);
    if (l.ecmFile) a.push('--ecm', l.ecmFile);
    if (l.vaultUrl) a.push('--vault', l.vaultUrl);
    else if ((l.vault ?? 'sandbox') === 'sandbox') a.push('--sandbox');
    if (l.caFile && (l.vaultUrl || l.vault === 'configured')) a.push('--ca', l.caFile);
    if (l.port !== undefined) a.push('--port', String(l.port));
    if (l.leaseSeconds !== undefined) a.push('--lease-seconds', String(l.leaseSeconds));
    return a;
  }

  async start(timeoutMs = 60_000): Promise<BrokerInfo> {
    if (this.child) throw new Error('This broker process was already started.');
    const child = spawn(this.launch.node, this.args(), {
      cwd: this.launch.cwd,
      env: this.launch.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.exitCode = code;
      this.emit('exit', code, signal);
      resolve();
    }));
    let stderrTail = '';
    pipeLines(child.stderr, (line) => {
      let e: Stamped | undefined;
      try { const v = JSON.parse(line); if (v && typeof v.type === 'string') e = v; } catch { /* a plain line */ }
      if (e?.type === 'problems') this.problems = e;
      if (e) this.emit('event', e);
      else {
        stderrTail = (stderrTail + line + '\n').slice(-2000);
        this.emit('line', line);
      }
    });
    child.on('message', (m: { ecmkit?: string; requests?: SecretRequest[] }) => {
      if (m?.ecmkit !== 'secrets?') return;
      void (async () => {
        const values: Record<string, string | undefined> = {};
        for (const r of m.requests ?? []) values[r.name] = await this.launch.secret?.(r).catch(() => undefined);
        if (child.connected) child.send({ ecmkit: 'secrets', values });
      })();
    });
    const listening = new Promise<BrokerInfo>((resolve, reject) => {
      let out = '';
      // A broker that never said it listens is stopped: it must not start serving later, untracked.
      const timer = setTimeout(() => { child.kill(); reject(new Error(`The broker did not start within ${timeoutMs / 1000} s.`)); }, timeoutMs);
      child.stdout!.on('data', async (d: Buffer) => {
        out += d.toString('utf8');
        // The whole first line: a token path may hold spaces (C:\Users\John Smith\AppData\Local\Temp\…).
        const end = out.indexOf('\n');
        const m = end < 0 ? null : LISTENING_LINE.exec(out.slice(0, end).replace(/\r$/, ''));
        if (!m) return;
        clearTimeout(timer);
        try {
          const token = (await fs.readFile(m[2], 'utf8')).trim();
          resolve({ url: m[1], port: Number(new URL(m[1]).port), tokenPath: m[2], token });
        } catch (e) { reject(e); }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The broker exited (code ${code}) before listening${stderrTail ? `: ${stderrTail.trim().split('\n').slice(-3).join(' ')}` : '.'}`));
      });
      child.once('error', (e) => { clearTimeout(timer); reject(e); });
    });
    this.info = await listening;
    return this.info;
  }

  /** Asks the broker to stop (it checks every lease in), then waits; SIGTERM, then SIGKILL, if it lingers. */
  async stop(graceMs = 8000): Promise<void> {
    const child = this.child;
    if (!child || this.exitCode !== undefined) return;
    if (child.connected) child.send({ ecmkit: 'stop' });
    else child.kill('SIGTERM');
    const done = this.exited!;
    const t1 = setTimeout(() => child.kill('SIGTERM'), graceMs);
    const t2 = setTimeout(() => child.kill('SIGKILL'), graceMs * 2);
    await done;
    clearTimeout(t1);
    clearTimeout(t2);
  }

  get pid(): number | undefined { return this.child?.pid; }
}
