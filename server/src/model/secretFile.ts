/** Secrets handed to another process through a file only its user can read (never printed). */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Folders writeSecretFile created for an explicit path: removed with the file. */
const madeFor = new Map<string, string>();

/**
 * Writes a secret readable by the user only (0600), in a fresh 0700 folder under the temp folder unless a
 * path is given; the path is what gets printed, never the secret (the broker's token, the PA sandbox's
 * client secret).
 */
export async function writeSecretFile(secret: string, o: { file?: string; prefix: string; name: string }): Promise<string> {
  const file = o.file;
  const target = file ? path.resolve(file) : path.join(await fs.mkdtemp(path.join(os.tmpdir(), o.prefix)), o.name);
  const made = await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  if (file && made) madeFor.set(target, made);
  await fs.rm(target, { force: true });
  await fs.writeFile(target, secret + '\n', { mode: 0o600, flag: 'wx' });
  await fs.chmod(target, 0o600);
  return target;
}

/** Removes a file of writeSecretFile, and the folders made for it. */
export async function removeSecretFile(tokenPath: string, explicit?: string): Promise<void> {
  await fs.rm(tokenPath, { force: true }).catch(() => undefined);
  if (!explicit) { await fs.rmdir(path.dirname(tokenPath)).catch(() => undefined); return; }
  // Folders made for the token go with it, innermost first, as long as nothing else was put in them.
  const top = madeFor.get(tokenPath);
  madeFor.delete(tokenPath);
  for (let dir = path.dirname(tokenPath); top && dir.length >= top.length; dir = path.dirname(dir)) {
    if (!(await fs.rmdir(dir).then(() => true, () => false))) break;
  }
}
