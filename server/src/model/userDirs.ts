/**
 * Where ecmkit keeps per-user files: the one module that knows each platform's folders for them. Takes
 * the platform, its `path` flavour, the environment and the home folder as parameters, so tests drive
 * Windows on any machine.
 *
 * - Windows: `%LOCALAPPDATA%\ecmkit` (local, not roaming: caches stay on the machine; the profile's ACL
 *   already keeps other users out).
 * - macOS: `~/Library/Caches/ecmkit`.
 * - Elsewhere: `$XDG_CACHE_HOME/ecmkit`, else `~/.cache/ecmkit`.
 * `ECMKIT_CACHE_DIR` overrides all of them.
 */
import * as os from 'node:os';
import * as nodePath from 'node:path';

export interface UserPlatform {
  platform: NodeJS.Platform;
  path: nodePath.PlatformPath;
  env: NodeJS.ProcessEnv;
  home: string;
}

export function hostUser(): UserPlatform {
  return { platform: process.platform, path: nodePath, env: process.env, home: os.homedir() };
}

/** The folder for the sandbox CA and other caches: `$ECMKIT_CACHE_DIR`, else the platform's user cache folder + `ecmkit`. */
export function cacheDir(u: UserPlatform = hostUser()): string {
  if (u.env.ECMKIT_CACHE_DIR) return u.env.ECMKIT_CACHE_DIR;
  const p = u.path;
  // A relative variable is not a place (the XDG spec says to ignore it); neither is an empty one.
  const absolute = (v: string | undefined) => (v && p.isAbsolute(v) ? v : undefined);
  if (u.platform === 'win32') return p.join(absolute(u.env.LOCALAPPDATA) ?? p.join(u.home, 'AppData', 'Local'), 'ecmkit');
  if (u.platform === 'darwin') return p.join(u.home, 'Library', 'Caches', 'ecmkit');
  return p.join(absolute(u.env.XDG_CACHE_HOME) ?? p.join(u.home, '.cache'), 'ecmkit');
}

/**
 * Where the launcher's V8 code cache may live, in the order tried (cli/launcher.ts says why a code cache
 * is only kept where whoever could write it could already change what runs): next to the bundle; on
 * Windows also the user's own cache folder, for an installation this user cannot write (Program Files, a
 * machine-wide extensions folder). Only that user (and the machine's administrators) can write under
 * `%LOCALAPPDATA%`, and they can already change what runs as that user. Elsewhere the bundle's folder only,
 * as before: a `$XDG_CACHE_HOME` or `ECMKIT_CACHE_DIR` may be shared.
 */
export function codeCacheFolders(bundleDir: string, u: UserPlatform = hostUser()): string[] {
  if (u.platform !== 'win32' || u.env.ECMKIT_CACHE_DIR) return [bundleDir];
  return [bundleDir, u.path.join(cacheDir(u), 'code-cache')];
}
