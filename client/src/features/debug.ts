// The `ecmkit-broker` debugger: F5 with a launch configuration (or none: a default one is made) starts the
// broker through an inline debug adapter (broker/debugSession.ts) that streams every request, trace step
// and Vault call to the Debug Console; stopping the session stops the broker.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { BrokerDebugSession, type BrokerLaunchArgs } from '../broker/debugSession';
import { requireTrust } from '../trust';
import { attachBroker, brokerLaunch, brokerStarting, currentBroker } from './broker';

export const TYPE = 'ecmkit-broker';

export function register(ctx: vscode.ExtensionContext, _client: LanguageClient, log: vscode.LogOutputChannel): void {
  // The debugger (package.json debuggers[].when) exists where ecmkit runs: there F5 on a YAML or JSON file
  // with no launch.json runs the broker, instead of VS Code asking for a YAML debugger.
  void vscode.commands.executeCommand('setContext', 'ecmkit.active', true);
  const provider: vscode.DebugConfigurationProvider = {
    // "create a launch.json": the one initial configuration (package.json has none, or it would be listed twice).
    provideDebugConfigurations: () => [defaultConfig('sandbox')],
    resolveDebugConfiguration(folder, config) {
      // F5 without a launch.json: run the broker on the sandbox Vault for this folder, and say so.
      if (!config.type && !config.request && !config.name) Object.assign(config, defaultConfig('sandbox'), { withoutLaunchJson: true });
      if (!requireTrust('The ecmkit broker debugger', 'starts a local server that reads the workspace\'s secrets and signs in to the Vault')) return undefined;
      const running = currentBroker();
      if (running || brokerStarting()) {
        void vscode.window.showWarningMessage(running ? `ecmkit: a broker already runs at ${running.proc.info!.url}; stop it first ("ecmkit: Stop Broker").` : 'ecmkit: "Start Broker" is starting a broker; stop it first ("ecmkit: Stop Broker").');
        return undefined;
      }
      config.workspace ??= folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      return config;
    },
  };
  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor(session) {
      log.info(`debug session "${session.name}": starting the broker`);
      const adapter = new BrokerDebugSession(
        (args: BrokerLaunchArgs) => brokerLaunch(ctx, { ...args, vault: args.vault ?? 'sandbox' }),
        (proc) => attachBroker(proc, 'debug'),
      );
      return new vscode.DebugAdapterInlineImplementation(adapter as unknown as vscode.DebugAdapter);
    },
  };
  ctx.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(TYPE, provider),
    // VS Code asks for dynamic configurations once per folder and once more for the user settings' launch
    // (folder undefined): answering both listed each configuration twice. Only a window without folders gets them there.
    vscode.debug.registerDebugConfigurationProvider(TYPE, {
      provideDebugConfigurations: (folder) => (folder || !vscode.workspace.workspaceFolders?.length ? [defaultConfig('sandbox'), defaultConfig('configured')] : []),
    }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(TYPE, factory),
  );
}

function defaultConfig(vault: 'sandbox' | 'configured'): vscode.DebugConfiguration {
  return {
    type: TYPE,
    request: 'launch',
    name: vault === 'sandbox' ? 'ecmkit: Broker (sandbox Vault)' : 'ecmkit: Broker (configured Vault)',
    workspace: '${workspaceFolder}',
    vault,
  };
}
