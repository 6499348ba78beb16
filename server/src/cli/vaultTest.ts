/**
 * `ecmkit vault-test ECM_FILE [--ca PEM] [--timeout MS] [--user RUNAS] [--tls-only] [--format text|json]`
 * (docs/cli.md), plus `--workspace DIR` (default: the ECM file's folder) and `--vault URL` (test another
 * Vault than vault.hostname, e.g. the sandbox). Exit 0 only if every stage passed; 1 otherwise; 2 usage.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { classify } from '../model/fileKind';
import { envSecrets, parseSecretRef } from '../model/secrets';
import { Workspace } from '../model/workspace';
import { runConnectivityTest } from '../vault/connectivity';
import { formatText, toContractJson } from '../../../protocol/vaultReport';
import { vaultTestInputs } from '../vault/testInputs';
import { flag, parseArgs, UsageError } from './args';
import { readCaPem, requireParsedEcm, requireUsableKeyFields } from './inputFiles';
import { askSecrets, closingIpc, ipcOn, sendToParent } from './ipc';

export const run = closingIpc(runCommand);

async function runCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['ca', 'timeout', 'user', 'format', 'workspace', 'vault'], booleans: ['tls-only', 'ipc'] });
  const ipc = args.flags.has('ipc') && ipcOn();
  if (args.positionals.length !== 1) throw new UsageError('Give exactly one ECM file: ecmkit vault-test ECM_FILE [--ca PEM] [--timeout MS] [--user RUNAS] [--tls-only] [--format text|json].');
  const ecmFile = path.resolve(args.positionals[0]);
  if (classify(ecmFile)?.kind !== 'ecm') throw new UsageError(`${args.positionals[0]} is not an ECM file (*.ecm.yaml, *.ecm.yml or *.ecm.json).`);
  if (!existsSync(ecmFile)) throw new UsageError(`${args.positionals[0]} does not exist.`);
  const format = flag(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format is text or json.');
  const timeoutText = flag(args, 'timeout');
  const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0)) throw new UsageError('--timeout is a positive number of milliseconds.');
  const caFile = flag(args, 'ca');
  const ca = caFile ? readCaPem(caFile) : undefined;
  for (const name of ['vault', 'user'] as const) if (flag(args, name)?.trim() === '') throw new UsageError(`--${name} is empty; give a value or leave the flag out.`);
  await requireParsedEcm(ecmFile, args.positionals[0]);

  const wsDir = path.resolve(flag(args, 'workspace') ?? path.dirname(ecmFile));
  const ws = await Workspace.load([wsDir, ecmFile]);
  const ecmUri = pathToFileURL(ecmFile).href;
  let secrets = envSecrets;
  if (ipc) {
    const ref = parseSecretRef(vaultTestInputs(ws, ecmUri, envSecrets).context.sharedKeyRef);
    if (ref?.source === 'secret') secrets = await askSecrets([{ name: ref.name, required: true, purpose: 'the Vault shared key (vault.sharedKey)' }]);
  }
  const inputs = vaultTestInputs(ws, ecmUri, secrets);
  requireUsableKeyFields([{ value: inputs.context.sharedKeyRef, what: `The shared key of ECM ${inputs.ecmName ?? args.positionals[0]}`, field: 'vault.sharedKey' }], secrets, ipc);
  const hostname = flag(args, 'vault') ?? inputs.hostname;
  if (!hostname) throw new UsageError(`${args.positionals[0]} has no vault.hostname; add it or pass --vault URL.`);

  const report = await runConnectivityTest({
    hostname,
    ca,
    timeoutMs,
    runAs: flag(args, 'user') ?? inputs.runAs,
    tlsOnly: args.flags.has('tls-only'),
    key: inputs.key,
    context: inputs.context,
    onStageStart: ipc ? (stage) => void sendToParent({ ecmkit: 'stage-start', stage }) : undefined,
  }, ipc ? (result) => void sendToParent({ ecmkit: 'stage', result }) : undefined);
  if (ipc) await sendToParent({ ecmkit: 'report', report: { ...report, ecmName: inputs.ecmName } });
  process.stdout.write(format === 'json' ? JSON.stringify(toContractJson(report)) + '\n' : formatText(report, inputs.ecmName));
  // A DNS lookup that outlived its deadline cannot be cancelled and would hold the process open: the
  // report is out, so leave shortly after main() has set the exit code (unref'd: normally moot).
  setTimeout(() => process.exit(), 200).unref();
  return report.ok ? 0 : 1;
}
