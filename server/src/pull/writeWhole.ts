/** Files written whole or not at all. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FileShapeError } from './backend';

/**
 * Replaces `file` with `text` atomically: a temporary file in the same folder (same mode as the file),
 * flushed, then renamed over it. Refused when the file changed since it was read (`expected`; `null`: it
 * did not exist and must not now), so an edit saved meanwhile is not lost.
 */
export async function writeWhole(file: string, text: string, expected?: string | null): Promise<void> {
  const tmp = tempName(file);
  let mode = 0o644;
  try { mode = (await fs.stat(file)).mode & 0o777; } catch { /* a new file */ }
  const h = await fs.open(tmp, 'wx', mode);
  try {
    await h.writeFile(text, 'utf8');
    await h.sync();
  } catch (e) {
    await h.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await h.close();
  try {
    if (expected !== undefined && (await current(file)) !== expected) {
      throw new FileShapeError(`${file} ${expected === null ? 'was created' : 'changed'} while the pull ran; it was left as it is. Pull again.`);
    }
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** The file's text, or null when it does not exist. */
async function current(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** `.NAME.PID.RANDOM.tmp` beside `file`: never a name a scan of inventories would pick up. */
export function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}
