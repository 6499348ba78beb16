import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { pathToUri } from '../../server/src/model/platformPaths';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');

/**
 * A real LSP client for tests: spawns `ecmkit lsp --stdio` from the built bundle and speaks JSON-RPC to it.
 * Diagnostics are collected per URI so a test can wait for the version it expects.
 */
export class LspClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** Every publishDiagnostics, in order (with the document version the server checked, if it sent one). */
  readonly publishes: PublishDiagnosticsParams[] = [];
  /** The server's log lines (window/logMessage). */
  readonly logs: string[] = [];
  private waiters: (() => void)[] = [];
  private constructor(readonly proc: ChildProcess, readonly conn: MessageConnection) {}

  /** `cli`: another build's dist/cli.js (scripts/bench-cold-ab.ts compares two). */
  static async start(workspaceDir: string, settings: Record<string, unknown> = {}, cli = CLI): Promise<LspClient> {
    // ECMKIT_SERVER_NODE_ARGS: extra node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile a benchmark.
    const nodeArgs = process.env.ECMKIT_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const proc = spawn(process.execPath, [...nodeArgs, cli, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, conn);
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.diagnostics.set(p.uri, p.diagnostics);
      client.publishes.push(p);
      const w = client.waiters; client.waiters = []; w.forEach((f) => f());
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => { client.logs.push(p.message); });
    conn.onNotification('ecmkit/status', () => undefined);
    conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => (i.section ? lookup(settings, i.section) : settings)));
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.listen();
    const rootUri = pathToUri(workspaceDir);
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(workspaceDir) }],
      capabilities: { window: { workDoneProgress: true }, workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: { relatedInformation: true } } },
    });
    conn.sendNotification('initialized', {});
    return client;
  }

  /** A file's URI as the server spells it (as VS Code does on Windows; platformPaths.ts). */
  uri(file: string): string {
    return pathToUri(file);
  }

  /** Waits until `predicate` holds for the diagnostics of `uri` (re-checked on every publish). */
  async waitFor(uri: string, predicate: (d: Diagnostic[]) => boolean, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = this.diagnostics.get(uri);
      if (d && predicate(d)) return d;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for diagnostics of ${uri}; last: ${JSON.stringify(d?.map((x) => x.code))}`);
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, left); this.waiters.push(() => { clearTimeout(t); resolve(); }); });
    }
  }

  open(uri: string, text: string, languageId = 'yaml', version = 1): void {
    this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, text: string): void {
    this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      this.conn.sendNotification('exit');
    } catch { /* already gone */ }
    this.conn.dispose();
    if (this.proc.exitCode === null) {
      await Promise.race([new Promise((r) => this.proc.once('exit', r)), new Promise((r) => setTimeout(r, 2000))]);
      this.proc.kill();
    }
  }
}

function lookup(o: Record<string, unknown>, section: string): unknown {
  return section in o ? o[section] : undefined;
}

/** Runs the built CLI (`dist/cli.js`) to its end: exit code and output. */
export function ecmkit(args: string[], cwd: string, env?: NodeJS.ProcessEnv): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: env ?? process.env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
