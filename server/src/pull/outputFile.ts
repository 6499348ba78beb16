/**
 * Which file a pull writes (FORMATS.md §6): `--out FILE`; else the one file of that kind in the current
 * folder; else `<host>.<kind>.yaml` there. Several files of the kind and no `--out`: the caller must choose.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { classify, type FileKind } from '../model/fileKind';

export class OutputChoiceError extends Error {}

export function chooseOutputFile(kind: FileKind, out: string | undefined, cwd: string, host: string): string {
  if (out !== undefined) {
    const file = path.resolve(cwd, out);
    if (classify(file)?.kind !== kind) throw new OutputChoiceError(`--out ${out} is not a ${kind} file name (*.${kind}.yaml, *.${kind}.yml or *.${kind}.json).`);
    return file;
  }
  const found = readdirSync(cwd, { withFileTypes: true })
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && classify(e.name)?.kind === kind)
    .map((e) => e.name)
    .sort();
  if (found.length > 1) throw new OutputChoiceError(`This folder holds ${found.length} ${kind} files (${found.join(', ')}); say which one to update with --out FILE.`);
  return path.join(cwd, found[0] ?? `${host}.${kind}.yaml`);
}
