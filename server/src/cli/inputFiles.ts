/** Checks of the files a command is pointed at, shared by vault-test and broker: clear usage errors up front. */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ParsedFile } from '../model/document';
import { readText } from '../model/readText';
import { UsageError } from './args';

/** A CA file given with `flag`: readable and holding a PEM certificate. */
export function readCaPem(file: string, flag = '--ca'): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read the CA file ${file} given with ${flag} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`${file} (${flag}) holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  return text;
}

/** An ECM file the command will act on: it must parse, else nothing it says can be trusted. */
export async function requireParsedEcm(file: string, shown: string): Promise<void> {
  let parsed: ParsedFile | undefined;
  try {
    parsed = ParsedFile.create(pathToFileURL(file).href, await readText(file));
  } catch (e) {
    throw new UsageError(`Cannot read ${shown} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  if (!parsed || parsed.kind !== 'ecm') throw new UsageError(`${shown} is not an ECM file (*.ecm.yaml, *.ecm.yml or *.ecm.json).`);
  const problem = parsed.problems[0];
  if (problem) {
    const line = parsed.range(problem.offset, 0).start.line + 1;
    throw new UsageError(`${shown} does not parse (line ${line}: ${problem.message}); fix it first (ecmkit check ${shown}).`);
  }
  if (parsed.rootType !== 'object') throw new UsageError(`${shown} holds no ECM settings (a mapping of fields at the top level); see ecmkit check ${shown}.`);
}
