/**
 * `ecmkit pull pa --site URL --client-id ID [--ca PEM] [--out FILE] [--check] [--timeout MS]`
 * (FORMATS.md §6). The OAuth client secret comes from env ECMKIT_PA_CLIENT_SECRET only (never a flag,
 * which other users could read in the process list) and is never printed. Exit 0: written (or nothing
 * differs under --check); 1: differences under --check; 2: usage, connection, TLS, sign-in or API failure,
 * and then no file was touched. With --ipc (the editor) the secret comes over the channel instead, and the
 * new text is proposed to the editor and written only when it says so (pullReview.ts).
 */
import * as path from 'node:path';
import { PaClient } from '../pa/client';
import { PaError } from '../pa/errors';
import { PA_SECRET_ENV, paSite } from '../pa/site';
import { chooseOutput, OutputChoiceError } from '../pull/output';
import { pullPa } from '../pull/pa';
import { PA_SPEC } from '../pull/paSpec';
import { FileShapeError, LISTED_NEW, openInventoryFile, type PullTarget } from '../pull/updateFile';
import { flag, parseArgs, UsageError } from './args';
import { readCaPem } from './inputFiles';
import { closingIpc, ipcOn } from './ipc';
import { printChanges } from './pullChanges';
import { progressToEditor, reviewInEditor, secretFromEditor } from './pullReview';
import { PULL_SECRET } from '../../../protocol/ipc';

export const run = closingIpc(runCommand);

async function runCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['site', 'client-id', 'ca', 'out', 'timeout'], booleans: ['check', 'ipc'] });
  if (args.positionals.length) throw new UsageError(`Unexpected argument ${args.positionals[0]}.`);
  const siteArg = flag(args, 'site');
  const clientId = flag(args, 'client-id');
  if (!siteArg) throw new UsageError('--site URL is required (the PA site, e.g. https://support.example.com).');
  if (!clientId) throw new UsageError('--client-id ID is required (the OAuth client id of an API account with Configuration API permission).');
  const timeoutText = flag(args, 'timeout');
  const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 100)) throw new UsageError('--timeout is each request\'s time limit in milliseconds (at least 100).');
  const ipc = args.flags.has('ipc') && ipcOn();
  const ca = flag(args, 'ca') && readCaPem(flag(args, 'ca')!);
  const check = args.flags.has('check');

  let site;
  try {
    site = paSite(siteArg);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let file: string;
  try {
    file = chooseOutput('pa', flag(args, 'out'), site.host);
  } catch (e) {
    if (e instanceof OutputChoiceError) throw new UsageError(e.message);
    throw e;
  }
  const shown = path.relative(process.cwd(), file) || file;
  const secret = ipc ? await secretFromEditor(PULL_SECRET.pa, `the OAuth client secret of API account ${clientId} on ${site.host}`) : process.env[PA_SECRET_ENV];
  if (!secret) throw new UsageError(ipc ? 'The editor gave no client secret.' : `Set ${PA_SECRET_ENV} to the API account's OAuth client secret (it is never taken from the command line).`);
  const propose = ipc && !check;

  const client = new PaClient({ site: siteArg, clientId, clientSecret: secret, ca: ca || undefined, timeoutMs });
  let target: PullTarget | undefined;
  // Ctrl+C mid-pull: the temporary file goes, the old file stays as it was.
  const interrupted = (): void => {
    void (target?.abort() ?? Promise.resolve()).finally(() => {
      process.stderr.write('ecmkit pull pa: interrupted. No file was written.\n');
      process.exit(2);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    target = await openInventoryFile(file, PA_SPEC, { check, propose });
    const read = await pullPa(client, target, (p) => {
      if (p.done) process.stderr.write(`pull: ${p.section}: ${p.count}\n`);
      if (ipc) progressToEditor(p);
    });
    const result = await target.finish();
    const { changes, counts, written } = result;
    target = undefined;
    const s = client.stats;
    process.stderr.write(`pull: ${s.requests} requests${s.throttled ? `, ${s.throttled} answered 429` : ''}${s.retries ? `, ${s.retries} retried` : ''}${s.remaining !== undefined ? `; ${s.remaining} left this hour` : ''}\n`);
    if (check) {
      printChanges(result, { file: shown, list: true, write: (t) => process.stdout.write(t) });
      return changes.length ? 1 : 0;
    }
    const total = Object.values(read).reduce((a, b) => a + b, 0);
    if (propose) {
      await client.close(); // the editor's review may take a while: no connection is held meanwhile
      const outcome = await reviewInEditor(result, file, read, (l) => process.stderr.write(`ecmkit pull pa: ${l}\n`));
      if (outcome.upToDate) process.stdout.write(`${shown}: up to date (${total} items)\n`);
      else if (outcome.written) printChanges(result, { file: `wrote ${shown}`, list: counts.added + counts.removed + counts.changed <= LISTED_NEW, write: (t) => process.stdout.write(t) });
      else process.stdout.write(`${shown}: not written (declined in the editor)\n`);
      return 0;
    }
    if (!written) process.stdout.write(`${shown}: up to date (${total} items)\n`);
    else printChanges(result, { file: `wrote ${shown}`, list: counts.added + counts.removed + counts.changed <= LISTED_NEW, write: (t) => process.stdout.write(t) });
    return 0;
  } catch (e) {
    await target?.abort();
    if (e instanceof PaError || e instanceof FileShapeError) {
      process.stderr.write(`ecmkit pull pa: ${e.message}\n${e instanceof PaError && e.hint ? `  ${e.hint}\n` : ''}No file was written.\n`);
      return 2;
    }
    throw e;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await client.close();
  }
}
