/** Checks of the files and keys a command is pointed at, shared by vault-test, sandbox and broker: clear usage errors up front. */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ParsedFile } from '../model/document';
import { classify, type FileKind } from '../model/fileKind';
import { readText } from '../model/readText';
import { MAKE_A_KEY, parseSecretRef, resolveSecret, secretEnvName, sharedKeyProblem, type SecretLookup } from '../model/secrets';
import { findFiles, Workspace } from '../model/workspace';
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

/**
 * A shared key the command would send to a Vault or accept from the ECM: refused before anything starts
 * when it cannot travel in the PS-Auth header (else every sign-in fails later with an obscure client error
 * while the Vault looks reachable). `what` names the key and where it came from; the value is never said.
 */
export function requireUsableKey(key: string, what: string): void {
  const problem = sharedKeyProblem(key);
  if (problem) throw new UsageError(`${what} ${problem}. ${MAKE_A_KEY}`);
}

export interface KeyField {
  /** The field as written: a reference or a literal. */
  value: unknown;
  /** e.g. "The shared key of ECM ecm-01". */
  what: string;
  /** e.g. "vault.sharedKey". */
  field: string;
}

/** Checks each key field that resolves; one that does not is left to the command, which says what is missing. */
export function requireUsableKeyFields(fields: KeyField[], secrets: SecretLookup, fromEditor = false): void {
  for (const f of fields) {
    let key: string;
    try { key = resolveSecret(f.value, secrets); } catch { continue; }
    requireUsableKey(key, `${f.what} (${f.field}: ${keySource(f.value, fromEditor)})`);
  }
}

function keySource(value: unknown, fromEditor: boolean): string {
  const ref = parseSecretRef(value);
  if (!ref) return 'written in the file';
  if (ref.source === 'env') return `\${env:${ref.name}}, read from the environment variable ${ref.name}`;
  return fromEditor ? `\${secret:${ref.name}}, stored in VS Code` : `\${secret:${ref.name}}, read from the environment variable ${secretEnvName(ref.name)}`;
}

/** The shared-key fields of a workspace folder: ECMs' vault.sharedKey and, when asked, integrations' keys. Reads only those files. */
export async function keyFieldsOf(dir: string, kinds: { ecm: boolean; integration: boolean }): Promise<KeyField[]> {
  const wanted = (k: FileKind | undefined) => (k === 'ecm' && kinds.ecm) || (k === 'integration' && kinds.integration);
  let files: string[];
  try { files = (await findFiles([dir])).filter((f) => wanted(classify(f)?.kind)); } catch { return []; } // a missing folder is said by the command
  const ws = await Workspace.load(files, () => undefined);
  const out: KeyField[] = [];
  for (const { value } of ws.of('ecm')) out.push({ value: value.vault?.sharedKey, what: `The shared key of ECM ${typeof value.name === 'string' ? value.name : '(unnamed)'}`, field: 'vault.sharedKey' });
  for (const { value } of ws.of('integration')) out.push({ value: value.authenticationCredential, what: `The API key of integration ${typeof value.name === 'string' ? value.name : '(unnamed)'}`, field: 'authenticationCredential' });
  return out;
}
