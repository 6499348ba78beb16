// A small Debug Adapter Protocol implementation for `"type": "ecmkit-broker"`: launch starts the broker,
// every request, trace step and Vault call becomes an output event in the Debug Console (trace steps link
// to their file and line), the console evaluates a few broker commands, and ending the session stops the
// broker (which checks every lease in). No VS Code API here: VS Code runs it inline
// (DebugAdapterInlineImplementation) and the tests drive it with plain DAP messages.
import { fileURLToPath } from 'node:url';
import { formatEvent, formatStep } from '../../../protocol/broker';
import { BrokerApi, type FindAnswer } from './api';
import { BrokerProcess, type BrokerLaunch, type Stamped } from './process';

export interface DapMessage { seq: number; type: 'request' | 'response' | 'event'; [k: string]: unknown }
interface DapRequest extends DapMessage { type: 'request'; command: string; arguments?: any }

/** What a launch configuration may say (package.json `debuggers[].configurationAttributes.launch`). */
export interface BrokerLaunchArgs {
  workspace?: string;
  ecm?: string;
  vault?: 'sandbox' | 'configured';
  caFile?: string;
  port?: number;
  leaseSeconds?: number;
  /** Set by the editor when F5 ran without a launch.json (the default configuration). */
  withoutLaunchJson?: boolean;
}

export type ProcessFactory = (args: BrokerLaunchArgs) => BrokerLaunch;

const THREAD = { id: 1, name: 'ecmkit broker' };

const HELP = [
  'Type a broker command here:',
  '  find USER PROVIDER ENDPOINT   e.g. find jdoe corp.example.com WEB01',
  '  ecms                          the site\'s ECMs in routing order',
  '  disconnect NAME | connect NAME  watch the failover',
  '  leases                        open check-outs',
  '  health',
].join('\n');

export class BrokerDebugSession {
  private seq = 1;
  private readonly listeners = new Set<(m: DapMessage) => void>();
  private proc?: BrokerProcess;
  private api?: BrokerApi;
  private ended = false;
  private stopping = false;

  /** `onStarted` lets the editor show the broker in its status bar while the session runs. */
  constructor(private readonly factory: ProcessFactory, private readonly onStarted?: (p: BrokerProcess) => void) {}

  /** vscode.DebugAdapter's event: (listener) => Disposable. */
  readonly onDidSendMessage = (listener: (m: DapMessage) => void): { dispose(): void } => {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  };

  get broker(): BrokerProcess | undefined { return this.proc; }

  handleMessage(message: DapMessage): void {
    if (message.type !== 'request') return;
    const req = message as DapRequest;
    void this.dispatch(req).catch((e: Error) => this.respond(req, false, undefined, e.message));
  }

  dispose(): void {
    void this.proc?.stop();
  }

  private async dispatch(req: DapRequest): Promise<void> {
    switch (req.command) {
      case 'initialize':
        this.respond(req, true, {
          supportsConfigurationDoneRequest: true,
          supportsTerminateRequest: true,
          supportTerminateDebuggee: true,
          supportsEvaluateForHovers: false,
        });
        this.event('initialized');
        return;
      case 'launch':
        return this.launch(req);
      case 'configurationDone':
        return this.respond(req, true);
      case 'threads':
        return this.respond(req, true, { threads: [THREAD] });
      case 'setBreakpoints':
        return this.respond(req, true, { breakpoints: (req.arguments?.breakpoints ?? []).map(() => ({ verified: false, message: 'The broker has no breakpoints; its Debug Console shows every step.' })) });
      case 'setExceptionBreakpoints':
      case 'setFunctionBreakpoints':
        return this.respond(req, true, { breakpoints: [] });
      case 'evaluate':
        return this.evaluate(req);
      case 'pause':
      case 'continue':
      case 'next':
      case 'stepIn':
      case 'stepOut':
        return this.respond(req, false, undefined, 'The broker runs freely: there is nothing to pause or step.');
      case 'terminate':
      case 'disconnect':
        await this.stop();
        this.respond(req, true);
        this.finish();
        return;
      default:
        return this.respond(req, false, undefined, `${req.command} is not supported by the ecmkit broker debugger.`);
    }
  }

  private async launch(req: DapRequest): Promise<void> {
    const args = (req.arguments ?? {}) as BrokerLaunchArgs;
    const launch = this.factory(args);
    const proc = new BrokerProcess(launch);
    this.proc = proc;
    proc.on('event', (e: Stamped) => this.output(e));
    proc.on('line', (line: string) => this.out(line, 'stderr'));
    proc.on('exit', (code: number | null) => {
      this.event('exited', { exitCode: code ?? 0 });
      if (!this.stopping) this.finish(); // it stopped on its own; a disconnect answers first, then ends
    });
    if (args.withoutLaunchJson) this.out('No launch.json: F5 runs the default configuration, the broker on the sandbox Vault of this folder. "Debug: Add Configuration…" makes a launch.json to change it (the configured Vault, one ECM first, short leases).', 'console');
    this.out(`Starting the broker (${(launch.vault ?? 'sandbox') === 'sandbox' ? 'sandbox Vault' : 'the ECMs\' configured Vault'}) for ${args.ecm ?? args.workspace ?? 'the workspace'}…`, 'console');
    try {
      const info = await proc.start();
      this.api = new BrokerApi(info);
      this.out(`broker listening on ${info.url} token=${info.tokenPath}`, 'console');
      this.out(HELP, 'console');
      this.onStarted?.(proc);
      this.respond(req, true);
    } catch (e) {
      this.respond(req, false, undefined, (e as Error).message);
      this.finish();
    }
  }

  private async evaluate(req: DapRequest): Promise<void> {
    const text = String(req.arguments?.expression ?? '').trim();
    const [cmd, ...rest] = text.split(/\s+/);
    if (!this.api) return this.respond(req, false, undefined, 'The broker is not running.');
    const say = (result: string) => this.respond(req, true, { result, variablesReference: 0 });
    try {
      switch ((cmd ?? '').toLowerCase()) {
        case 'find': {
          if (rest.length !== 3) return say('Usage: find USER PROVIDER ENDPOINT');
          return say(describeFind(await this.api.find(rest[0], rest[1], rest[2])));
        }
        case 'ecms': return say(describeEcms((await this.api.ecms()).body));
        case 'connect':
        case 'disconnect': {
          if (rest.length !== 1) return say(`Usage: ${cmd} NAME`);
          const r = await this.api.setConnected(rest[0], cmd.toLowerCase() === 'connect');
          return say(r.status === 200 ? describeEcms(r.body) : `${r.body?.error?.code}: ${r.body?.error?.message}`);
        }
        case 'leases': {
          const r = await this.api.leases();
          const list = (r.body?.leases ?? []) as { credential: string; runAs: string; ecm: string; expiresAt: string }[];
          return say(list.length ? list.map((l) => `${l.credential} for ${l.runAs} via ${l.ecm} until ${l.expiresAt}`).join('\n') : 'No open leases.');
        }
        case 'health': return say(JSON.stringify((await this.api.health()).body));
        default: return say(HELP);
      }
    } catch (e) {
      return this.respond(req, false, undefined, (e as Error).message);
    }
  }

  /** A broker event as Debug Console output; a trace becomes a collapsed group whose steps link to file:line. */
  private output(e: Stamped): void {
    if (e.type === 'trace') {
      const [head] = formatEvent(e).split('\n');
      this.out(head, 'stdout', { group: 'startCollapsed' });
      for (const s of e.steps) {
        const where = s.source?.uri.startsWith('file:') ? { source: { name: s.source.uri.split('/').pop(), path: fileURLToPath(s.source.uri) }, line: s.source.range.start.line + 1, column: s.source.range.start.character + 1 } : {};
        this.out(formatStep(s), s.outcome === 'fail' ? 'stderr' : 'stdout', where);
      }
      this.out('', 'stdout', { group: 'end' });
      return;
    }
    const category = e.type === 'warning' || (e.type === 'problems' && e.errors) ? 'stderr' : e.type === 'info' || e.type === 'ecm' || e.type === 'problems' ? 'console' : 'stdout';
    this.out(formatEvent(e), category);
  }

  private async stop(): Promise<void> {
    this.stopping = true;
    if (this.proc?.running) {
      this.out('Stopping the broker: open leases are checked in…', 'console');
      await this.proc.stop();
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.event('terminated');
  }

  private out(text: string, category: 'console' | 'stdout' | 'stderr', extra: Record<string, unknown> = {}): void {
    this.event('output', { category, output: text + '\n', ...extra });
  }

  private respond(req: DapRequest, success: boolean, body?: unknown, message?: string): void {
    this.send({ seq: this.seq++, type: 'response', request_seq: req.seq, command: req.command, success, ...(message ? { message } : {}), ...(body !== undefined ? { body } : {}) });
  }

  private event(event: string, body?: unknown): void {
    this.send({ seq: this.seq++, type: 'event', event, ...(body !== undefined ? { body } : {}) });
  }

  private send(m: DapMessage): void {
    for (const l of this.listeners) l(m);
  }
}

function describeFind(a: FindAnswer): string {
  const head = a.error ? `${a.error.code}: ${a.error.message}` : `${a.runAs ?? '?'} via ${a.ecm ?? '?'}: ${a.credentials.length ? a.credentials.map((c) => `${c.name} (${c.username}${c.available ? '' : ', unavailable'})`).join(', ') : 'no credentials'}`;
  return [head, ...a.trace.map((s) => `  ${formatStep(s)}`)].join('\n');
}

function describeEcms(v: { active: string | null; ecms: { name: string; order: number | null; connected: boolean; active: boolean; group?: string | null }[] }): string {
  return [`active: ${v.active ?? 'none'}`, ...v.ecms.map((e) => `  ${e.connected ? `${e.order}.` : '–'} ${e.name}${e.group ? ` [ECM group ${e.group}]` : ''}${e.active ? ' (active)' : e.connected ? ' (standby)' : ' (disconnected)'}`)].join('\n');
}
