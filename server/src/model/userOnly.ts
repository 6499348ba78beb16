/**
 * A file or folder that only this user may read: POSIX mode bits (0600, 0700); on Windows, where those
 * bits do nothing, an ACL — inherited entries removed and full control granted to this user's SID alone
 * (`icacls`, run without a shell from System32). The one place that decides how; callers say what.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Runs a program (no shell) and gives its stdout; rejects when it cannot run or exits non-zero. */
export type RunProgram = (file: string, args: string[]) => Promise<string>;

export interface UserOnlyPlatform {
  windows: boolean;
  run: RunProgram;
  /** `%SystemRoot%` (Windows), where whoami.exe and icacls.exe are taken from rather than from PATH. */
  systemRoot?: string;
}

/** Protection could not be set up: the caller must not go on to put a secret there. */
export class UserOnlyError extends Error {}

const runProgram: RunProgram = (file, args) => new Promise((resolve, reject) => {
  execFile(file, args, { windowsHide: true, timeout: 15_000 }, (e, stdout, stderr) => {
    if (e) reject(Object.assign(e, { stderr: String(stderr) }));
    else resolve(String(stdout));
  });
});

export const HOST_USER_ONLY: UserOnlyPlatform = { windows: process.platform === 'win32', run: runProgram, systemRoot: process.env.SystemRoot };

/** Leaves `target` (which exists) readable and writable by this user only; throws UserOnlyError when it cannot. */
export async function restrictToUser(target: string, kind: 'file' | 'folder', p: UserOnlyPlatform = HOST_USER_ONLY): Promise<void> {
  if (!p.windows) {
    await fs.chmod(target, kind === 'folder' ? 0o700 : 0o600);
    return;
  }
  const sid = await currentUserSid(p);
  // (OI)(CI): what is created in the folder inherits the same single entry.
  const grant = `*${sid}:${kind === 'folder' ? '(OI)(CI)' : ''}F`;
  await step(p, 'icacls.exe', [target, '/inheritance:r', '/grant:r', grant], `make ${target} readable by this user only`);
}

let sidOnce: Promise<string> | undefined;

/** This user's SID (`whoami /user`), asked once per process: names are ambiguous (local vs domain), a SID is not. */
export function currentUserSid(p: UserOnlyPlatform): Promise<string> {
  const ask = async (): Promise<string> => {
    const out = await step(p, 'whoami.exe', ['/user', '/fo', 'csv', '/nh'], "find this user's SID");
    const sid = /\bS-1-\d+(?:-\d+)+\b/.exec(out)?.[0];
    if (!sid) throw new UserOnlyError(`Cannot find this user's SID: whoami /user said ${JSON.stringify(out.trim().slice(0, 200))}.`);
    return sid;
  };
  if (p !== HOST_USER_ONLY) return ask(); // another platform's answers (tests) are not this process's
  return (sidOnce ??= ask().catch((e) => { sidOnce = undefined; throw e; }));
}

async function step(p: UserOnlyPlatform, tool: string, args: string[], purpose: string): Promise<string> {
  const file = p.systemRoot ? path.win32.join(p.systemRoot, 'System32', tool) : tool;
  try {
    return await p.run(file, args);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    const said = (err.stderr ?? '').trim().split(/\r?\n/)[0] || err.code || err.message;
    throw new UserOnlyError(`Cannot ${purpose}: ${tool} ${args.join(' ')} failed (${said}).`);
  }
}
