/**
 * `ecmkit pull vault --vault URL --user RUNAS [--ca PEM] [--out FILE] [--check] [--grants none|per-user] [--timeout MS]`
 * (FORMATS.md §6): reads the Vault's inventory through the Password Safe API v3 and writes it into the Vault
 * file. The API key comes from env ECMKIT_VAULT_KEY only. Exit 0: written (or, under --check, nothing
 * differs); 1: differences under --check; 2: usage, connection, TLS, sign-in or API failure, file untouched.
 * With --ipc (the editor) the key comes over the channel instead, and the new text is proposed to the editor
 * and written only when it says so (pullReview.ts).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ParsedFile } from '../model/document';
import type { VaultInventory } from '../model/inventory';
import { chooseOutput, OutputChoiceError } from '../pull/output';
import { FileShapeError, LISTED_NEW, openInventoryFile, type Item } from '../pull/updateFile';
import { pullVault, type Grants } from '../pull/vault';
import { vaultSpec } from '../pull/vaultSpec';
import { apiBaseUrl } from '../vault/client';
import { VaultError } from '../vault/errors';
import { flag, parseArgs, UsageError } from './args';
import { readCaPem } from './inputFiles';
import { closingIpc, ipcOn } from './ipc';
import { printChanges } from './pullChanges';
import { progressToEditor, reviewInEditor, secretFromEditor } from './pullReview';
import { PULL_SECRET } from '../../../protocol/ipc';

export const KEY_ENV = 'ECMKIT_VAULT_KEY';

export interface PullIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: PullIo = {
  cwd: process.cwd(),
  env: process.env,
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

export const run = closingIpc((argv: string[]): Promise<number> => runPullVault(argv));

export async function runPullVault(argv: string[], io: PullIo = processIo): Promise<number> {
  const args = parseArgs(argv, { values: ['vault', 'user', 'ca', 'out', 'grants', 'timeout'], booleans: ['check', 'ipc'] });
  if (args.positionals.length) throw new UsageError(`Unexpected argument ${args.positionals[0]}; see ecmkit pull vault --help.`);
  const vault = flag(args, 'vault')?.trim();
  const runAs = flag(args, 'user')?.trim();
  if (!vault) throw new UsageError('Give the Vault with --vault URL (https://vault.example.com).');
  if (!runAs) throw new UsageError('Give the run-as identity with --user PROVIDER\\username.');
  if (!/^[^\\]+\\[^\\]+$/.test(runAs)) throw new UsageError(`--user ${runAs} is not PROVIDER\\username.`);
  const grants = (flag(args, 'grants') ?? 'none') as Grants;
  if (grants !== 'none' && grants !== 'per-user') throw new UsageError('--grants is none or per-user.');
  const timeoutText = flag(args, 'timeout');
  const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0)) throw new UsageError('--timeout is a positive number of milliseconds.');
  const caFile = flag(args, 'ca');
  const ca = caFile ? readCaPem(caFile) : undefined;
  const ipc = args.flags.has('ipc') && ipcOn();
  let host: string;
  try {
    host = apiBaseUrl(vault).host;
  } catch (e) {
    throw new UsageError(e instanceof VaultError ? e.message : String(e));
  }
  let file: string;
  try {
    file = chooseOutput('vault', flag(args, 'out'), host, io.cwd);
  } catch (e) {
    if (e instanceof OutputChoiceError) throw new UsageError(e.message);
    throw e;
  }
  const check = args.flags.has('check');
  const propose = ipc && !check;
  const current = readCurrent(file);
  const key = ipc ? await secretFromEditor(PULL_SECRET.vault, `the API key of the Vault ${host}, used as ${runAs}`) : io.env[KEY_ENV];
  if (!key) throw new UsageError(ipc ? 'The editor gave no API key.' : `Set the Vault API key in the environment variable ${KEY_ENV} (it is never taken on the command line).`);

  let read;
  try {
    read = await pullVault({ vault, runAs, key, ca, grants, current, timeoutMs, onProgress: ipc ? (section, count) => progressToEditor({ section, count, done: false }) : undefined });
  } catch (e) {
    if (!(e instanceof VaultError)) throw e;
    io.stderr(`ecmkit pull vault: ${e.message}${e.hint ? `\n  ${e.hint}` : ''}\nNo file was written.\n`);
    return 2;
  }
  for (const note of read.notes) io.stderr(`ecmkit pull vault: ${note}\n`);
  const count = (k: keyof VaultInventory) => (Array.isArray(read.inventory[k]) ? (read.inventory[k] as unknown[]).length : 0);
  io.stderr(`pull: ${count('users')} users, ${count('groups')} groups, ${count('endpoints')} endpoints, ${count('credentials')} credentials${grants === 'per-user' ? `, ${count('credentialPolicies')} policies` : ''}\n`);

  const spec = vaultSpec(grants);
  let target;
  try {
    target = await openInventoryFile(file, spec, { check, propose });
  } catch (e) {
    if (e instanceof FileShapeError) throw new UsageError(e.message);
    throw e;
  }
  try {
    const inv = read.inventory as Record<string, unknown>;
    for (const field of spec.top) target.setTop(field, inv[field]);
    for (const s of spec.sections) for (const item of (inv[s.name] as Item[] | undefined) ?? []) target.put(s.name, item);
  } catch (e) {
    await target.abort();
    throw e;
  }
  const result = await target.finish();
  const shown = path.relative(io.cwd, file) || file;
  if (propose) {
    const items: Record<string, number> = {};
    for (const s of spec.sections) items[s.name] = count(s.name as keyof VaultInventory);
    let outcome;
    try {
      outcome = await reviewInEditor(result, file, items, (l) => io.stderr(`ecmkit pull vault: ${l}\n`));
    } catch (e) {
      if (!(e instanceof FileShapeError)) throw e;
      io.stderr(`ecmkit pull vault: ${e.message}\nNo file was written.\n`);
      return 2;
    }
    if (outcome.upToDate) io.stdout(`${shown}: up to date\n`);
    else if (outcome.written) printChanges(result, { file: `wrote ${shown}`, list: result.changes.length <= LISTED_NEW, write: io.stdout });
    else io.stdout(`${shown}: not written (declined in the editor)\n`);
    return 0;
  }
  if (check) {
    printChanges(result, { file: shown, list: true, write: io.stdout });
    return result.changes.length ? 1 : 0;
  }
  if (!result.written) io.stdout(`${shown}: up to date\n`);
  else printChanges(result, { file: `wrote ${shown}`, list: result.changes.length <= LISTED_NEW, write: io.stdout });
  return 0;
}

/** The file's value, when it exists (credentials already in it keep their names); one that does not parse stops the pull. */
function readCurrent(file: string): VaultInventory | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`Cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  const parsed = ParsedFile.create(pathToFileURL(file).href, text);
  const problem = parsed?.problems[0];
  if (problem) throw new UsageError(`${file} does not parse (line ${parsed!.range(problem.offset, 0).start.line + 1}: ${problem.message}); fix it first, then pull again.`);
  const v = parsed?.value;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as VaultInventory) : undefined;
}
