import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { classify } from './fileKind';

export interface FileWatch {
  close(): void;
}

/**
 * Calls `onChange(file)` when an ecmkit file under `root` is created, written, replaced or deleted (or a
 * watched folder, with whatever it held, is removed or a new one appears with files in it); the
 * sandbox and the broker follow the files this way. One non-recursive watcher per folder (skipping
 * node_modules and dot-folders, as the workspace scan does): Node 20's recursive `fs.watch` on Linux stops
 * reporting a file after the first save that replaces it by a rename (as vim and many tools save), so
 * every later edit went unseen. A folder's own watcher sees its entries whatever happens to their inodes.
 */
export function watchFiles(root: string, onChange: (file: string) => void, onError?: (message: string) => void): FileWatch {
  const watchers = new Map<string, FSWatcher>();
  let closed = false;
  let warned = false;

  const forget = (dir: string): void => {
    for (const [d, w] of watchers) if (d === dir || d.startsWith(dir + path.sep)) { w.close(); watchers.delete(d); }
  };
  /** `found`: a folder that appeared after the start, whose files may have been written before its watcher. */
  const add = async (dir: string, found = false): Promise<void> => {
    if (closed || watchers.has(dir)) return;
    let w: FSWatcher;
    try {
      w = watch(dir, (_event, name) => {
        if (!name) return;
        const file = path.join(dir, String(name));
        if (classify(file)) onChange(file);
        else if (watchers.has(file)) { forget(file); onChange(file); } // a watched folder moved or went
        else if (!skipped(String(name))) void stat(file).then((s) => { if (s.isDirectory()) void add(file, true); }, () => undefined);
      });
    } catch (e) {
      if (!warned) onError?.(`cannot watch ${dir} (${(e as Error).message}): restart after editing files there.`);
      warned = true;
      return;
    }
    w.on('error', () => forget(dir)); // the folder went away
    watchers.set(dir, w);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.isDirectory() && !skipped(e.name)) await add(path.join(dir, e.name), found);
      else if (found && classify(e.name)) onChange(path.join(dir, e.name));
    }
  };
  void add(path.resolve(root));

  return {
    close() {
      closed = true;
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

function skipped(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}
