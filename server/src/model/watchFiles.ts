import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { classify } from './fileKind';

export interface FileWatch {
  /** Settles once every folder present at the start is watched. */
  ready: Promise<void>;
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
  /** Each watched folder's watcher and the folder's inode (a folder deleted and made again is another one). */
  const watchers = new Map<string, { w: FSWatcher; ino: number }>();
  let closed = false;
  let warned = false;

  const forget = (dir: string): void => {
    for (const [d, { w }] of watchers) if (d === dir || d.startsWith(dir + path.sep)) { w.close(); watchers.delete(d); }
  };
  /** `found`: a folder that appeared after the start, whose files may have been written before its watcher. */
  const add = async (dir: string, found = false): Promise<void> => {
    if (closed || watchers.has(dir)) return;
    let w: FSWatcher;
    let ino: number;
    try {
      ino = (await stat(dir)).ino;
      if (closed || watchers.has(dir)) return;
      w = watch(dir, (_event, name) => {
        if (!name) return;
        const file = path.join(dir, String(name));
        if (classify(file)) onChange(file);
        // A watched folder named: just touched (its times; on Windows, its entries), or gone, or replaced.
        else if (watchers.has(file)) {
          void stat(file).then((st) => (st.isDirectory() ? st.ino : -1), () => -1).then((ino) => {
            if (ino === watchers.get(file)?.ino) return;
            forget(file);
            onChange(file);
            if (ino !== -1) void add(file, true);
          });
        }
        else if (!skipped(String(name))) void stat(file).then((s) => { if (s.isDirectory()) void add(file, true); }, () => undefined);
      });
    } catch (e) {
      if (!warned) onError?.(`cannot watch ${dir} (${(e as Error).message}): restart after editing files there.`);
      warned = true;
      return;
    }
    w.on('error', () => forget(dir)); // the folder went away
    watchers.set(dir, { w, ino });
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.isDirectory() && !skipped(e.name)) await add(path.join(dir, e.name), found);
      else if (found && classify(e.name)) onChange(path.join(dir, e.name));
    }
  };
  const ready = add(path.resolve(root));

  return {
    ready,
    close() {
      closed = true;
      for (const { w } of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

function skipped(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}
