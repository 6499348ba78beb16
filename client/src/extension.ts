// Entry point. Wiring only: each feature is a unit in features/ or status/ with
// `register(ctx, client, log)`; add a unit by importing it and listing it in UNITS.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './languageClient';
import * as serverStatus from './status/serverStatus';
import * as showLog from './features/showLog';
import * as restartServer from './features/restartServer';
import * as storeSecret from './features/storeSecret';
import * as newFile from './features/newFile';
import * as vaultTest from './features/vaultTest';
import * as sandbox from './features/sandbox';
import * as broker from './features/broker';
import * as simulate from './features/simulate';
import * as debug from './features/debug';
import * as pullPa from './features/pullPa';
import * as pullVault from './features/pullVault';

type Unit = { register(ctx: vscode.ExtensionContext, client: LanguageClient, log: vscode.LogOutputChannel): void };
const UNITS: Unit[] = [serverStatus, showLog, restartServer, storeSecret, newFile, vaultTest, sandbox, broker, simulate, debug, pullPa, pullVault];

/** What activate() returns: used by the test-electron suite to wait for the server. */
export interface EcmkitApi { client: LanguageClient; ready: Promise<void> }

const loadedAt = performance.now();
let client: LanguageClient | undefined;

export function activate(ctx: vscode.ExtensionContext): EcmkitApi {
  const log = vscode.window.createOutputChannel('ecmkit', { log: true });
  ctx.subscriptions.push(log);
  client = createLanguageClient(ctx, log);
  for (const unit of UNITS) unit.register(ctx, client, log);

  // Not awaited: the editor stays responsive while the server starts; the status item shows progress.
  const started = performance.now();
  const ready = client.start().then(
    () => log.info(`language server ready in ${Math.round(performance.now() - started)} ms`),
    (e: Error) => {
      log.error(`language server failed to start: ${e.message}`);
      void vscode.window.showErrorMessage(`ecmkit: the language server failed to start: ${e.message}. See "ecmkit: Show Log".`);
      throw e;
    },
  );
  ready.catch(() => { /* reported above */ });
  log.info(`activated in ${Math.round(performance.now() - loadedAt)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode'})`);
  return { client, ready };
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
