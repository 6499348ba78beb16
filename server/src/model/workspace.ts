import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ParsedFile } from './document';
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

  /** Reads every ecmkit file under the given files or folders (skipping node_modules and dot-folders). */
  static async load(paths: string[]): Promise<Workspace> {
    const ws = new Workspace();
    for (const file of await findFiles(paths)) {
      const { text, bytes } = await readTextUpTo(file, ParsedFile.maxChars);
      const parsed = ParsedFile.create(pathToFileURL(file).href, text, 0, bytes);
      if (parsed) ws.set(parsed);
    }
    return ws;
  }
}

/** Lists ecmkit files under the given paths; a named file that does not exist is an I/O error. */
export async function findFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (p: string, explicit: boolean): Promise<void> => {
    const st = await fs.stat(p);
    if (st.isDirectory()) {
      const names = (await fs.readdir(p)).sort();
      for (const n of names) {
        if (n === 'node_modules' || n.startsWith('.')) continue;
        await visit(path.join(p, n), false);
      }
    } else if (st.isFile() && (classify(p) || explicit)) {
      if (classify(p)) out.push(path.resolve(p));
    }
  };
  for (const p of paths) await visit(p, true);
  return [...new Set(out)];
}

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}
