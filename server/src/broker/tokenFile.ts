/**
 * The broker's bearer token on disk, readable by this user only (model/userOnly.ts: mode 0600, or on
 * Windows an ACL for this user's SID alone; docs/broker-api.md "The token file" says why a file). The file
 * is made user-only while still empty, filled, then renamed into place: no moment where it holds the
 * token and others may read it, and a reader never sees half a token. If the protection cannot be set up,
 * no token is written and the broker does not start.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HOST_USER_ONLY, restrictToUser, type UserOnlyPlatform } from '../model/userOnly';

/** Folders writeToken created for an explicit --token-file path: removed with the token. */
const madeFor = new Map<string, string>();

/**
 * Writes the token to `file`, or in a fresh user-only folder under the OS temp folder; gives its path.
 * `fresh` names that folder and file (the PA sandbox keeps its client secret the same way).
 */
export async function writeToken(token: string, file?: string, userOnly: UserOnlyPlatform = HOST_USER_ONLY, fresh = { folder: 'ecmkit-broker-', name: 'token' }): Promise<string> {
  const target = file ? path.resolve(file) : path.join(await fs.mkdtemp(path.join(os.tmpdir(), fresh.folder)), fresh.name);
  const made = file ? await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 }) : path.dirname(target);
  if (file && made) madeFor.set(target, made);
  const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    if (made) await restrictToUser(made, 'folder', userOnly);
    await fs.writeFile(tmp, '', { mode: 0o600, flag: 'wx' });
    await restrictToUser(tmp, 'file', userOnly);
    await fs.writeFile(tmp, token + '\n');
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    await removeToken(target, file);
    throw e;
  }
  return target;
}

/** Removes the token and the folders made for it (innermost first, as long as nothing else was put in them). */
export async function removeToken(tokenPath: string, explicit?: string): Promise<void> {
  await fs.rm(tokenPath, { force: true }).catch(() => undefined);
  if (!explicit) { await fs.rmdir(path.dirname(tokenPath)).catch(() => undefined); return; }
  const top = madeFor.get(tokenPath);
  madeFor.delete(tokenPath);
  for (let dir = path.dirname(tokenPath); top && dir.length >= top.length; dir = path.dirname(dir)) {
    if (!(await fs.rmdir(dir).then(() => true, () => false))) break;
  }
}
