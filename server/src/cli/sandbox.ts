/**
 * `ecmkit sandbox [--workspace DIR] [--port N] [--key-file FILE] [--quiet] [--pa | --pa-only] [--pa-port N]`
 * (docs/cli.md, docs/sandbox.md). Prints one stdout line per server, `sandbox listening on
 * https://127.0.0.1:PORT ca=PATH` for the Vault and, with --pa, `pa sandbox listening on …` for the PA site
 * (sandboxPa.ts; --pa-only serves the PA site alone); requests and warnings go to stderr. The API key is the integration's authenticationCredential resolved like every
 * CLI secret (env ECMKIT_SECRET_<NAME>), or read from --key-file (never from the command line, where
 * other users could see it in the process list). Runs until SIGINT/SIGTERM.
 */
import { readFileSync, statSync } from 'node:fs';
import { startSandbox, SandboxKeyError } from '../vault/sandbox';
import { parseSecretRef, envSecrets } from '../model/secrets';
import { list, type VaultCredential } from '../model/inventory';
import { Workspace } from '../model/workspace';
import { flag, parseArgs, UsageError } from './args';
import { keyFieldsOf, requireUsableKey, requireUsableKeyFields } from './inputFiles';
import { askSecrets, closingIpc, ipcOn, parentGone, sendToParent, type SecretRequest } from './ipc';
import { startPaSandboxCli, type PaSandboxRun } from './sandboxPa';

export const run = closingIpc(runCommand);

async function runCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace', 'port', 'key-file', 'cert-dir', 'pa-port'], booleans: ['quiet', 'ipc', 'pa', 'pa-only'] });
  const ipc = args.flags.has('ipc') && ipcOn();
  if (args.positionals.length) throw new UsageError(`Unexpected argument ${args.positionals[0]}; use --workspace DIR.`);
  const portText = flag(args, 'port');
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port is a number from 0 to 65535 (0: any free port).');
  const paPortText = flag(args, 'pa-port');
  const paPort = paPortText === undefined ? 0 : Number(paPortText);
  if (!Number.isInteger(paPort) || paPort < 0 || paPort > 65535) throw new UsageError('--pa-port is a number from 0 to 65535 (0: any free port).');
  const paOnly = args.flags.has('pa-only');
  const withPa = paOnly || args.flags.has('pa');
  const keyFile = flag(args, 'key-file');
  let apiKey: string | undefined;
  if (keyFile) {
    try {
      apiKey = readFileSync(keyFile, 'utf8').replace(/\r?\n$/, '');
      if (process.platform !== 'win32' && (statSync(keyFile).mode & 0o077) !== 0) {
        process.stderr.write(`sandbox: warning: ${keyFile} is readable by other users; chmod 600 it.\n`);
      }
    } catch (e) {
      throw new UsageError(`Cannot read the key file ${keyFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
    }
    if (!apiKey) throw new UsageError(`The key file ${keyFile} is empty.`);
  }
  const quiet = args.flags.has('quiet');
  const workspace = flag(args, 'workspace') ?? '.';
  let isFolder = false;
  try { isFolder = statSync(workspace).isDirectory(); } catch { /* said below */ }
  if (!isFolder) throw new UsageError(`--workspace ${workspace} is not a folder: give the folder that holds the *.vault.yaml and *.integration.yaml files.`);
  let pa: PaSandboxRun | undefined;
  if (withPa) {
    try {
      pa = await startPaSandboxCli({ workspace, port: paPort, certDir: flag(args, 'cert-dir'), quiet });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      process.stderr.write(`ecmkit sandbox: port ${paPort} is in use; pick another with --pa-port, or --pa-port 0 for any free port.\n`);
      return 2;
    }
    process.stdout.write(pa.line);
  }
  if (paOnly) {
    await untilStopped();
    await pa!.close();
    return 0;
  }
  const secrets = ipc && !apiKey ? await askSecrets(await secretsNeeded(workspace)) : envSecrets;
  if (apiKey) requireUsableKey(apiKey, `The key in ${keyFile} (--key-file)`);
  else requireUsableKeyFields(await keyFieldsOf(workspace, { ecm: false, integration: true }), secrets, ipc);
  let sandbox;
  try {
    sandbox = await startSandbox({
      workspace,
      secrets,
      port,
      apiKey,
      certDir: flag(args, 'cert-dir'),
      onWarning: (m) => process.stderr.write(`sandbox: warning: ${m}\n`),
      onLog: quiet ? undefined : (e) => process.stderr.write(`sandbox: ${e.method} ${e.path} ${e.status} ${e.ms.toFixed(1)} ms${e.runAs ? ` ${e.runAs}` : ''}${e.reason ? ` (${e.reason})` : ''}\n`),
    });
  } catch (e) {
    await pa?.close();
    if (e instanceof SandboxKeyError) {
      process.stderr.write(`ecmkit sandbox: ${e.message}\n`);
      return 2;
    }
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`ecmkit sandbox: port ${port} is in use; pick another with --port, or --port 0 for any free port.\n`);
      return 2;
    }
    throw e;
  }
  process.stdout.write(`sandbox listening on ${sandbox.url} ca=${sandbox.caPath}\n`);
  if (ipc) await sendToParent({ ecmkit: 'listening', url: sandbox.url, caPath: sandbox.caPath });
  await untilStopped();
  await sandbox.close();
  await pa?.close();
  return 0;
}

function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    void parentGone().then(stop);
  });
}

/** The `${secret:…}` names the sandbox would use: integration keys (required) and credential passwords. */
async function secretsNeeded(dir: string): Promise<SecretRequest[]> {
  const ws = await Workspace.load([dir]);
  const out = new Map<string, SecretRequest>();
  for (const { value } of ws.of('integration')) {
    const ref = parseSecretRef(value.authenticationCredential);
    if (ref?.source === 'secret') out.set(ref.name, { name: ref.name, required: true, purpose: `the API key of integration ${value.name ?? ''}`.trim() });
  }
  for (const { value } of ws.of('vault')) {
    for (const c of list<VaultCredential>(value.credentials)) {
      const ref = parseSecretRef(c.password);
      if (ref?.source === 'secret' && !out.has(ref.name)) out.set(ref.name, { name: ref.name, required: false, purpose: `the password of credential ${c.name ?? ''}`.trim() });
    }
  }
  return [...out.values()];
}
