/**
 * `ecmkit broker [--workspace DIR] [--ecm FILE] [--port N] [--sandbox]` (docs/cli.md, docs/broker-api.md), plus
 * `--vault URL` / `--ca PEM` (another Vault for every ECM, e.g. a sandbox started elsewhere), `--key-file
 * FILE` (the shared key, instead of env ECMKIT_SECRET_…; never on the command line), `--token-file PATH`,
 * `--lease-seconds N` (shorter leases for demos and tests) and `--log text|json|quiet` (stderr).
 * Prints exactly one stdout line, `broker listening on http://127.0.0.1:PORT token=PATH`. Runs until
 * SIGINT/SIGTERM (with --ipc: until the editor asks or goes away), then checks every open lease in.
 * `--ipc` (the editor): secrets come from SecretStorage over the IPC channel.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { startBroker } from '../broker/start';
import { BrokerLog, formatEvent, stamped } from '../broker/log';
import { BatchedLines } from './batchedLines';
import { list, type VaultCredential } from '../model/inventory';
import { envSecrets, parseSecretRef } from '../model/secrets';
import { Workspace } from '../model/workspace';
import { UserOnlyError } from '../model/userOnly';
import { SandboxKeyError } from '../vault/sandbox';
import { flag, parseArgs, UsageError } from './args';
import { keyFieldsOf, readCaPem, requireParsedEcm, requireUsableKey, requireUsableKeyFields } from './inputFiles';
import { askSecrets, closingIpc, ipcOn, parentGone, type SecretRequest } from './ipc';
import { loadOverrides } from './settings';

export const run = closingIpc(runCommand);

const HELP = `Usage: ecmkit broker [--workspace DIR] [--ecm FILE] [--port N] [--sandbox]
                     [--vault URL] [--ca PEM] [--key-file FILE] [--token-file PATH] [--lease-seconds N] [--log text|json|quiet]

Plays the site's ECM on 127.0.0.1 and answers "which credentials would this user get on this endpoint, and why
not the others?" against a Vault: --sandbox starts the sandbox Vault from the workspace files; otherwise each ECM
signs in to its vault.hostname (--vault URL: one Vault for all). Shared keys come from ECMKIT_SECRET_<NAME> (or
--key-file). Prints "broker listening on http://127.0.0.1:PORT token=PATH"; send "Authorization: Bearer TOKEN".
Routes: GET /v1/health, POST /v1/credentials/find, POST /v1/credentials/checkout, POST /v1/leases/{id}/checkin,
GET /v1/leases, GET /v1/ecms, POST /v1/ecms/{name}/disconnect|connect.
`;

async function runCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  const args = parseArgs(argv, { values: ['workspace', 'ecm', 'port', 'vault', 'ca', 'key-file', 'token-file', 'lease-seconds', 'log'], booleans: ['sandbox', 'ipc'] });
  const ipc = args.flags.has('ipc') && ipcOn();
  if (args.positionals.length) throw new UsageError(`Unexpected argument ${args.positionals[0]}; use --workspace DIR or --ecm FILE.`);
  const portText = flag(args, 'port');
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port is a number from 0 to 65535 (0: any free port).');
  const leaseText = flag(args, 'lease-seconds');
  const leaseSeconds = leaseText === undefined ? undefined : Number(leaseText);
  if (leaseSeconds !== undefined && (!Number.isFinite(leaseSeconds) || leaseSeconds <= 0 || leaseSeconds > 86_400)) throw new UsageError('--lease-seconds is a number of seconds from 1 to 86400.');
  const format = flag(args, 'log') ?? 'text';
  if (!['text', 'json', 'quiet'].includes(format)) throw new UsageError('--log is text, json or quiet.');
  if (args.flags.has('sandbox') && flag(args, 'vault')) throw new UsageError('--sandbox and --vault both choose the Vault; use one.');

  const ca = flag(args, 'ca') && readCaPem(flag(args, 'ca')!);
  if (flag(args, 'ecm')) await requireParsedEcm(flag(args, 'ecm')!, flag(args, 'ecm')!);
  const keyFile = flag(args, 'key-file');
  const key = keyFile && readFile(keyFile, '--key-file', true).replace(/\r?\n$/, '');
  if (keyFile && !key) throw new UsageError(`The key file ${keyFile} is empty.`);

  // From the editor (--ipc): secrets come from its SecretStorage over the channel, never argv or env.
  const dir = flag(args, 'workspace') ?? (flag(args, 'ecm') ? path.dirname(flag(args, 'ecm')!) : '.');
  const secrets = ipc && !key ? await askSecrets(await secretsNeeded(dir, args.flags.has('sandbox'))) : envSecrets;
  if (key) requireUsableKey(key, `The key in ${keyFile} (--key-file)`);
  else requireUsableKeyFields(await keyFieldsOf(dir, { ecm: true, integration: args.flags.has('sandbox') }), secrets, ipc);

  const log = new BrokerLog();
  const lines = new BatchedLines(process.stderr);
  if (format !== 'quiet') {
    log.on(format === 'json' ? (e, time) => lines.write(JSON.stringify(stamped(e, time))) : (e) => lines.write(formatEvent(e)));
  }
  let running;
  try {
    running = await startBroker({
      workspace: flag(args, 'workspace'),
      ecmFile: flag(args, 'ecm'),
      port,
      sandbox: args.flags.has('sandbox'),
      vaultUrl: flag(args, 'vault'),
      ca: ca || undefined,
      tokenFile: flag(args, 'token-file'),
      leaseMs: leaseSeconds === undefined ? undefined : leaseSeconds * 1000,
      sharedKey: key || undefined,
      secrets,
      overrides: rulesOf(dir),
      log,
    });
  } catch (e) {
    lines.flush();
    if (e instanceof SandboxKeyError) {
      process.stderr.write(`ecmkit broker: ${e.message}\n`);
      return 2;
    }
    if (e instanceof UserOnlyError) {
      process.stderr.write(`ecmkit broker: ${e.message} The broker did not start: it writes its token only where no other user can read it (docs/broker-api.md, "The token file"). Pass --token-file PATH in a folder you own.\n`);
      return 2;
    }
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`ecmkit broker: port ${port} is in use; pick another with --port, or --port 0 for any free port.\n`);
      return 2;
    }
    throw e;
  }
  lines.flush(); // what was said before listening (the workspace's errors) is on stderr first
  process.stdout.write(`broker listening on ${running.url} token=${running.tokenPath}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // Started by the editor with an IPC channel: when the editor goes (or asks), so does the broker.
    if (ipc) void parentGone().then(stop);
  });
  try {
    const open = running.broker.leases.open().length;
    if (open) log.emit({ type: 'info', message: `shutting down: checking ${open} open lease${open === 1 ? '' : 's'} in` });
    await running.close();
    log.emit({ type: 'info', message: 'broker stopped' });
    return 0;
  } finally {
    lines.flush(); // before main's own message if closing failed
  }
}

function readFile(file: string, what: string, secret = false): string {
  try {
    const text = readFileSync(file, 'utf8');
    if (secret && process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
      process.stderr.write(`broker: warning: ${file} is readable by other users; chmod 600 it.\n`);
    }
    return text;
  } catch (e) {
    throw new UsageError(`Cannot read ${what} ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

/** The `${secret:…}` names the broker uses: ECM shared keys, and with the sandbox its keys and passwords. */
async function secretsNeeded(dir: string, sandbox: boolean): Promise<SecretRequest[]> {
  const ws = await Workspace.load([dir]);
  const out = new Map<string, SecretRequest>();
  const add = (v: unknown, required: boolean, purpose: string) => {
    const ref = parseSecretRef(v);
    if (ref?.source === 'secret' && !out.has(ref.name)) out.set(ref.name, { name: ref.name, required, purpose });
  };
  for (const { value } of ws.of('ecm')) add(value.vault?.sharedKey, !sandbox, `the shared key of ECM ${value.name ?? ''}`.trim());
  if (sandbox) {
    for (const { value } of ws.of('integration')) add(value.authenticationCredential, false, `the API key of integration ${value.name ?? ''}`.trim());
    for (const { value } of ws.of('vault')) for (const c of list<VaultCredential>(value.credentials)) add(c.password, false, `the password of credential ${c.name ?? ''}`.trim());
  }
  return [...out.values()];
}

/** The workspace's ecmkit.rules (.vscode/settings.json), as `ecmkit check` reads them; none when unreadable (check says why). */
function rulesOf(dir: string): ReturnType<typeof loadOverrides> {
  try { return loadOverrides(dir, undefined, []); } catch { return {}; }
}
