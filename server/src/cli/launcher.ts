/**
 * `dist/cli.js`: starts an engine bundle through a V8 code cache. `check` and `lsp` run the core bundle
 * (`dist/ecmkit.js`, 0.6 MB), every other command the full one (`dist/ecmkit-net.js`, with the Vault
 * client's undici and the sandbox's node-forge: 1.4 MB); both are built from cli/main.ts. Compiling a
 * bundle, and then each function the first time it runs, is a fixed cost of every start (~60–90 ms on
 * the benchmark machine, BENCHMARKS.md "Scale"); with the cache V8 takes the bytecode as an earlier run
 * left it. Node 20 has no built-in compile cache for CommonJS (22 does).
 *
 * Why next to the bundle only: a code cache is code. V8 checks that it belongs to this V8 version and these
 * flags (the file name carries `v8.cachedDataVersionTag()`, so a debug run's `--nolazy` keeps its own) and
 * a source of this length — not who wrote it, nor the source itself, so each file starts with a hash of
 * the bundle it was made from (a rebuilt bundle of the same length must not run the old bytecode). It may
 * only live where the bundle itself lives: whoever can write there can already change the bundle. Where
 * that folder is not writable (an installation owned by another user) there is simply no cache — except
 * on Windows, where it then goes to `%LOCALAPPDATA%\ecmkit\code-cache`, writable only by the user who
 * runs it (model/userDirs.ts `codeCacheFolders` says why that is the same trust).
 * `ECMKIT_NO_CODE_CACHE=1` turns it off.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';
import { CORE_COMMANDS } from './coreCommands';
import { codeCacheFolders } from '../model/userDirs';

const name = CORE_COMMANDS.includes(process.argv[2]) ? 'ecmkit' : 'ecmkit-net';
const bundle = path.join(__dirname, `${name}.js`);
const source = readFileSync(bundle, 'utf8');
const useCache = process.env.ECMKIT_NO_CODE_CACHE !== '1';
const cacheName = `${name}.${cachedDataVersionTag()}.${process.arch}.codecache`;
/** Where a cache may be, in order (next to the bundle first). */
const folders = useCache ? codeCacheFolders(__dirname) : [];
/** The first bytes of a cache file: which bundle it was made from. */
const stamp = createHash('sha256').update(source).digest().subarray(0, 16);

let cached: Buffer | undefined;
for (const dir of folders) {
  try {
    const file = readFileSync(path.join(dir, cacheName));
    if (file.subarray(0, stamp.length).equals(stamp)) { cached = file.subarray(stamp.length); break; }
  } catch { /* the first run, or no cache here */ }
}

const script = new Script(Module.wrap(source), { filename: bundle, cachedData: cached });
const accepted = cached !== undefined && !script.cachedDataRejected;

if (useCache) process.once('exit', () => saveCache(accepted ? cached!.length : 0));
(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, bundle, __dirname);

/**
 * At exit the cache holds every function this run compiled. It replaces the file when there is none for
 * this bundle (or V8 rejected it) or when this run compiled clearly more — a language server or a check
 * after a `--version` — so the cache converges on what the commands that matter run. Written whole, then
 * renamed: processes that exit together never leave half a file.
 */
function saveCache(previous: number): void {
  // Short runs compiled little; producing the data is not worth their exit time once a cache exists.
  if (previous > 0 && process.uptime() < 1) return;
  let data: Buffer;
  try {
    data = script.createCachedData();
  } catch { return; }
  if (data.length <= previous * 1.2) return;
  for (const [i, dir] of folders.entries()) {
    const cacheFile = path.join(dir, cacheName);
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      if (i > 0) mkdirSync(dir, { recursive: true }); // the user's own cache folder may not exist yet
      writeFileSync(tmp, Buffer.concat([stamp, data]), { mode: 0o644 });
      renameSync(tmp, cacheFile);
      return;
    } catch {
      try { unlinkSync(tmp); } catch { /* nothing was written */ }
    }
  }
}
