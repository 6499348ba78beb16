import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_MAX_CHARS, ParsedFile } from './document';
import { classify, type FileKind } from './fileKind';
import { readTextUpTo } from './readText';
import type { KindValues } from './inventory';

export interface Entry<K extends FileKind> {
  file: ParsedFile;
  value: KindValues[K];
}

/** Every ecmkit file of a workspace, parsed; the one index the server, the CLI and the broker share. */
export class Workspace {
  private readonly byUri = new Map<string, ParsedFile>();
  /** Bumped on every change, so derived data (cross-file indexes) can be cached per generation. */
  generation = 0;

  /** `maxChars`: files longer than this are not parsed (`ecmkit.maxFileSizeMB`, `--max-file-size`); this workspace's own setting. */
  constructor(public maxChars = DEFAULT_MAX_CHARS) {}

  set(file: ParsedFile): void {
    this.byUri.set(file.uri, file);
    this.generation++;
  }

  delete(uri: string): boolean {
    const had = this.byUri.delete(uri);
    if (had) this.generation++;
    return had;
  }

  get(uri: string): ParsedFile | undefined {
    return this.byUri.get(uri);
  }

  all(): ParsedFile[] {
    return [...this.byUri.values()];
  }

  of<K extends FileKind>(kind: K): Entry<K>[] {
    const out: Entry<K>[] = [];
    for (const file of this.byUri.values()) {
      if (file.kind === kind && file.value && typeof file.value === 'object' && !Array.isArray(file.value)) {
        out.push({ file, value: file.value as KindValues[K] });
      }
    }
    return out.sort((a, b) => a.file.uri.localeCompare(b.file.uri));
  }

  /**
   * Reads every ecmkit file under the given files or folders (skipping node_modules and dot-folders).
   * With `onSkip`, a file found but not readable is reported there and the others are still read.
   */
  static async load(paths: string[], onSkip?: (path: string, reason: string) => void, maxChars = DEFAULT_MAX_CHARS): Promise<Workspace> {
    const ws = new Workspace(maxChars);
    for (const file of await findFiles(paths, onSkip)) {
      let read: { text: string; bytes?: number };
      try {
        read = await readTextUpTo(file, ws.maxChars);
      } catch (e) {
        if (!onSkip) throw e;
        const code = (e as NodeJS.ErrnoException).code;
        onSkip(file, code === 'EACCES' ? 'no permission to read it' : code === 'EISDIR' ? 'a folder' : code ?? String(e));
        continue;
      }
      const parsed = ParsedFile.create(pathToFileURL(file).href, read.text, 0, read.bytes, ws.maxChars);
      if (parsed) ws.set(parsed);
    }
    return ws;
  }
}

/**
 * Lists ecmkit files under the given paths; a named path that cannot be read is an I/O error. Inside
 * folders, an entry that cannot be read (a dangling symbolic link, no permission) is passed to `onSkip` and
 * the walk goes on: one stale link must not hide every other file. Folders and files reached twice through
 * symbolic links (or a link loop) are visited once.
 */
export async function findFiles(paths: string[], onSkip?: (path: string, reason: string) => void): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>(); // real paths of the folders and linked files already visited
  const skip = (p: string, e: unknown): void => {
    const code = (e as NodeJS.ErrnoException).code;
    onSkip?.(p, code === 'ENOENT' ? 'a symbolic link to nothing' : code === 'ELOOP' ? 'a loop of symbolic links' : code === 'EACCES' ? 'no permission to read it' : code ?? String(e));
  };
  const folder = async (dir: string): Promise<void> => {
    const real = await fs.realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      // Plain files are judged by name alone; only folders and links cost a stat.
      if (e.isFile()) {
        const realFile = path.join(real, e.name); // a plain file's real path is its real folder's
        if (classify(e.name) && !seen.has(realFile)) { seen.add(realFile); out.push(path.resolve(p)); }
        continue;
      }
      if (!e.isDirectory() && !e.isSymbolicLink()) continue;
      try { await visit(p); } catch (err) { skip(p, err); }
    }
  };
  const visit = async (p: string): Promise<void> => {
    const st = await fs.stat(p);
    if (st.isDirectory()) return folder(p);
    if (!st.isFile() || !classify(p)) return;
    const real = await fs.realpath(p);
    if (seen.has(real)) return;
    seen.add(real);
    out.push(path.resolve(p));
  };
  // A path named on the command line must be readable: its errors are the caller's.
  for (const p of paths) await visit(p);
  return [...new Set(out)];
}

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}
