/**
 * Paths and file URIs as each platform spells them: the one module that knows Windows from POSIX for
 * them. Each function takes the platform's facts (the running one by default), so tests drive the
 * Windows behaviour through `path.win32` and Windows-style URIs on any machine.
 *
 * Why it matters: on Windows VS Code names a file `file:///c%3A/Users/...` (lower-case drive letter, the
 * colon encoded) while Node writes `file:///C:/Users/...`, and NTFS ignores case. The index must take the
 * editor's open copy and the disk copy for one file, else every declaration in it is a duplicate.
 */
import * as nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface PlatformPaths {
  /** Windows paths: drive letters, `\`, names that ignore case. */
  windows: boolean;
  path: nodePath.PlatformPath;
}

export const WINDOWS: PlatformPaths = { windows: true, path: nodePath.win32 };
export const POSIX: PlatformPaths = { windows: false, path: nodePath.posix };
/** The platform this process runs on. */
export const HOST: PlatformPaths = process.platform === 'win32' ? WINDOWS : POSIX;

/** The path of a `file:` URI (either Windows spelling); any other URI is returned as it is. */
export function uriToPath(uri: string, p: PlatformPaths = HOST): string {
  return uri.startsWith('file:') ? fileURLToPath(uri, { windows: p.windows }) : uri;
}

/**
 * The URI the editor uses for a path. POSIX: Node's (as before). Windows: VS Code's — lower-case drive
 * letter, `:` as `%3A`, every character but `A–Z a–z 0–9 - . _ ~` encoded — so the server's disk copy and
 * the editor's open copy carry the same URI.
 */
export function pathToUri(file: string, p: PlatformPaths = HOST): string {
  if (!p.windows) return pathToFileURL(file, { windows: false }).href;
  const abs = p.path.resolve(file).replace(/\\/g, '/');
  const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const unc = /^\/\/([^/]+)(\/.*)?$/.exec(abs);
  if (unc) return `file://${unc[1].toLowerCase()}${(unc[2] ?? '/').split('/').map(encode).join('/')}`;
  const drive = /^([A-Za-z]):(.*)$/.exec(abs);
  if (!drive) return pathToFileURL(file, { windows: true }).href; // e.g. a \\?\ long path: Node's spelling
  return `file:///${drive[1].toLowerCase()}%3A${drive[2].split('/').map(encode).join('/')}`;
}

/**
 * The index key of a URI: one key per file, however it is spelled. A `file:` URI is keyed by its decoded
 * path (so `%40` and `@` agree), folded to lower case on Windows; other URIs (`untitled:`) as they are.
 */
export function uriKey(uri: string, p: PlatformPaths = HOST): string {
  if (!uri.startsWith('file:')) return uri;
  let file: string;
  try { file = uriToPath(uri, p); } catch { return uri; } // not a path on this platform: its own key
  return 'file:' + fold(file, p);
}

/** Whether `file` is `folder` or lies under it (Windows: either slash, any case). */
export function isWithin(file: string, folder: string, p: PlatformPaths = HOST): boolean {
  const f = fold(file, p);
  const d = fold(folder, p);
  return f === d || f.startsWith(d.endsWith(p.path.sep) ? d : d + p.path.sep);
}

/** Whether two paths name the same file or folder (Windows: either slash, any case; a trailing separator aside). */
export function samePath(a: string, b: string, p: PlatformPaths = HOST): boolean {
  const trim = (s: string) => (s.length > 1 && /[\\/]$/.test(s) && !/^[A-Za-z]:[\\/]$/.test(s) ? s.slice(0, -1) : s);
  return fold(trim(a), p) === fold(trim(b), p);
}

/** A path as compared on the platform: Windows folds case and writes every separator `\`. */
function fold(file: string, p: PlatformPaths): string {
  return p.windows ? file.replace(/\//g, '\\').toLowerCase() : file;
}

/** A file relative to `cwd` as the terminal shows it (the platform's separators; `.` for `cwd` itself). */
export function shownPath(file: string, cwd: string, p: PlatformPaths = HOST): string {
  return p.path.relative(cwd, file) || '.';
}

/**
 * A file relative to `cwd` in a report other tools read (`ecmkit check --format json|sarif`): `/` on every
 * platform, so one tree reads the same from any machine. On Windows, a file on another drive than `cwd`
 * stays absolute (`D:/x/a.ecm.yaml`): no relative path reaches it.
 */
export function reportPath(file: string, cwd: string, p: PlatformPaths = HOST): string {
  const shown = shownPath(file, cwd, p);
  return p.windows ? shown.replace(/\\/g, '/') : shown;
}

/** A report path back in the terminal's spelling (Windows: `\`), for the text format. */
export function reportToShown(file: string, p: PlatformPaths = HOST): string {
  return p.windows ? file.replace(/\//g, '\\') : file;
}

/**
 * The SARIF base URI of `cwd`: an absolute `file:` URI ending in `/`, the drive letter as written
 * (`file:///C:/work/`), every other character percent-encoded as RFC 3986 asks.
 */
export function sarifRootUri(cwd: string, p: PlatformPaths = HOST): string {
  const href = pathToFileURL(cwd, { windows: p.windows }).href;
  return href.endsWith('/') ? href : href + '/';
}

/**
 * A report path as a SARIF artifact location: relative ones against SRCROOT, segment by segment
 * percent-encoded with `/` between; an absolute one (Windows, another drive) as its own `file:` URI.
 */
export function sarifArtifact(file: string, p: PlatformPaths = HOST): { uri: string; uriBaseId?: 'SRCROOT' } {
  if (p.windows && p.path.isAbsolute(file)) return { uri: pathToFileURL(reportToShown(file, p), { windows: true }).href };
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' };
}
