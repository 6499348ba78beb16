/**
 * Which file a pull writes (FORMATS.md §6): `--out FILE`, else the one file of that kind in the current
 * folder, else `<host>.<kind>.yaml`; with several files of that kind `--out` is required.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { classify, type FileKind } from '../model/fileKind';

export class OutputChoiceError extends Error {}

export function chooseOutput(kind: FileKind, out: string | undefined, host: string, cwd = process.cwd()): string {
  if (out !== undefined) {
    if (classify(out)?.kind !== kind) throw new OutputChoiceError(`--out ${out} is not a ${kind} file: its name must end in .${kind}.yaml, .${kind}.yml or .${kind}.json, so ecmkit checks it.`);
    return path.resolve(cwd, out);
  }
  let names: string[];
  try {
    names = readdirSync(cwd, { withFileTypes: true }).filter((e) => e.isFile() && classify(e.name)?.kind === kind).map((e) => e.name).sort();
  } catch (e) {
    throw new OutputChoiceError(`Cannot read the current folder to find the ${kind} file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give --out FILE.`);
  }
  if (names.length > 1) throw new OutputChoiceError(`The current folder holds ${names.length} ${kind} files (${names.join(', ')}); say which one to update with --out FILE.`);
  if (names.length === 1) return path.join(cwd, names[0]);
  const safe = host.replace(/:\d+$/, '').replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(cwd, `${safe}.${kind}.yaml`);
}
