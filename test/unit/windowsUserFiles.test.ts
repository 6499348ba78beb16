// Per-user folders and user-only files on each platform (server/src/model/userDirs.ts, userOnly.ts,
// broker/tokenFile.ts). Windows is driven through path.win32 and a Windows environment; its ACL tool
// (icacls) cannot run here, so a runner stands in for whoami.exe/icacls.exe and records what they were
// asked — the files themselves are real. On this machine the POSIX modes are checked for real.
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { cacheDir, codeCacheFolders, type UserPlatform } from '../../server/src/model/userDirs';
import { restrictToUser, UserOnlyError, type UserOnlyPlatform } from '../../server/src/model/userOnly';
import { writeToken, removeToken } from '../../server/src/broker/tokenFile';
import { startBroker } from '../../server/src/broker/start';
import { EXAMPLES } from '../support/fixtures';

const win = (env: NodeJS.ProcessEnv = {}): UserPlatform => ({ platform: 'win32', path: path.win32, env, home: 'C:\\Users\\Ann' });
const linux = (env: NodeJS.ProcessEnv = {}): UserPlatform => ({ platform: 'linux', path: path.posix, env, home: '/home/ann' });
const SID = 'S-1-5-21-1004336348-1177238915-682003330-1001';

describe('per-user folders', () => {
  it('puts the cache under %LOCALAPPDATA%\\ecmkit on Windows', () => {
    assert.equal(cacheDir(win({ LOCALAPPDATA: 'C:\\Users\\Ann\\AppData\\Local' })), 'C:\\Users\\Ann\\AppData\\Local\\ecmkit');
    assert.equal(cacheDir(win()), 'C:\\Users\\Ann\\AppData\\Local\\ecmkit', 'no LOCALAPPDATA: where Windows keeps it');
    assert.equal(cacheDir(win({ LOCALAPPDATA: 'AppData' })), 'C:\\Users\\Ann\\AppData\\Local\\ecmkit', 'a relative one is no place');
  });

  it('puts it under $XDG_CACHE_HOME/ecmkit, else ~/.cache/ecmkit, elsewhere; ~/Library/Caches on macOS', () => {
    assert.equal(cacheDir(linux({ XDG_CACHE_HOME: '/var/cache/ann' })), '/var/cache/ann/ecmkit');
    assert.equal(cacheDir(linux()), '/home/ann/.cache/ecmkit');
    assert.equal(cacheDir(linux({ XDG_CACHE_HOME: 'rel' })), '/home/ann/.cache/ecmkit', 'the XDG spec ignores a relative path');
    assert.equal(cacheDir({ ...linux(), platform: 'darwin' }), '/home/ann/Library/Caches/ecmkit');
  });

  it('lets ECMKIT_CACHE_DIR win everywhere', () => {
    assert.equal(cacheDir(win({ ECMKIT_CACHE_DIR: 'D:\\cache', LOCALAPPDATA: 'C:\\x' })), 'D:\\cache');
    assert.equal(cacheDir(linux({ ECMKIT_CACHE_DIR: '/tmp/c' })), '/tmp/c');
  });

  it("keeps the launcher's code cache next to the bundle, and on Windows also in the user's own cache folder", () => {
    assert.deepEqual(codeCacheFolders('/opt/ecmkit/dist', linux({ XDG_CACHE_HOME: '/var/cache/ann' })), ['/opt/ecmkit/dist']);
    assert.deepEqual(codeCacheFolders('C:\\Program Files\\ecmkit\\dist', win({ LOCALAPPDATA: 'C:\\Users\\Ann\\AppData\\Local' })),
      ['C:\\Program Files\\ecmkit\\dist', 'C:\\Users\\Ann\\AppData\\Local\\ecmkit\\code-cache']);
    assert.deepEqual(codeCacheFolders('C:\\ecmkit\\dist', win({ ECMKIT_CACHE_DIR: '\\\\share\\cache' })), ['C:\\ecmkit\\dist'], 'a chosen cache folder may be shared: no code there');
  });
});

/** A Windows whose whoami/icacls are recorded; `fail` names the tool that fails. */
function windows(fail?: 'whoami.exe' | 'icacls.exe', onRun?: (file: string, args: string[]) => void): UserOnlyPlatform & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    windows: true,
    systemRoot: 'C:\\Windows',
    calls,
    run: async (file, args) => {
      calls.push([file, ...args]);
      onRun?.(file, args);
      if (fail && file.endsWith(fail)) throw Object.assign(new Error('Command failed'), { code: 5, stderr: `${args[0]}: Access is denied.\r\nSuccessfully processed 0 files; Failed processing 1 files\r\n` });
      return file.endsWith('whoami.exe') ? `"corp\\ann","${SID}"\r\n` : 'processed file\r\nSuccessfully processed 1 files; Failed processing 0 files\r\n';
    },
  };
}

describe('user-only files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecmkit-useronly-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are mode 0600 (files) and 0700 (folders) on POSIX', async () => {
    if (process.platform === 'win32') return; // modes do nothing there
    const f = path.join(dir, 'f');
    await fs.writeFile(f, '', { mode: 0o644 });
    await restrictToUser(f, 'file');
    assert.equal(statSync(f).mode & 0o777, 0o600);
    const d = path.join(dir, 'd');
    await fs.mkdir(d, { mode: 0o755 });
    await restrictToUser(d, 'folder');
    assert.equal(statSync(d).mode & 0o777, 0o700);
  });

  it("are an ACL on Windows: inheritance removed, full control for this user's SID alone, tools from System32", async () => {
    const w = windows();
    await restrictToUser('C:\\Users\\Ann\\AppData\\Local\\Temp\\ecmkit-broker-x\\token', 'file', w);
    await restrictToUser('C:\\Users\\Ann\\AppData\\Local\\Temp\\ecmkit-broker-x', 'folder', w);
    assert.deepEqual(w.calls, [
      ['C:\\Windows\\System32\\whoami.exe', '/user', '/fo', 'csv', '/nh'],
      ['C:\\Windows\\System32\\icacls.exe', 'C:\\Users\\Ann\\AppData\\Local\\Temp\\ecmkit-broker-x\\token', '/inheritance:r', '/grant:r', `*${SID}:F`],
      ['C:\\Windows\\System32\\whoami.exe', '/user', '/fo', 'csv', '/nh'],
      ['C:\\Windows\\System32\\icacls.exe', 'C:\\Users\\Ann\\AppData\\Local\\Temp\\ecmkit-broker-x', '/inheritance:r', '/grant:r', `*${SID}:(OI)(CI)F`],
    ]);
  });

  it('fail with a clear error when the ACL cannot be set or the user not found', async () => {
    await assert.rejects(restrictToUser('C:\\t\\token', 'file', windows('icacls.exe')), (e: Error) =>
      e instanceof UserOnlyError && /Cannot make C:\\t\\token readable by this user only: icacls\.exe .* failed \(C:\\t\\token: Access is denied\.\)/.test(e.message));
    await assert.rejects(restrictToUser('C:\\t\\token', 'file', windows('whoami.exe')), (e: Error) => e instanceof UserOnlyError && /find this user's SID/.test(e.message));
    const noSid: UserOnlyPlatform = { windows: true, run: async () => 'INFO: nothing\r\n' };
    await assert.rejects(restrictToUser('C:\\t\\token', 'file', noSid), (e: Error) => e instanceof UserOnlyError && /SID/.test(e.message));
  });
});

describe('the broker token file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecmkit-tokenfile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is protected while still empty, then filled and renamed into place (Windows ACL)', async () => {
    const seen: { target: string; text: string }[] = [];
    const w = windows(undefined, (file, args) => {
      if (file.endsWith('icacls.exe')) seen.push({ target: args[0], text: statSync(args[0]).isFile() ? readFileSync(args[0], 'utf8') : '<folder>' });
    });
    const target = path.join(dir, 'made', 'for', 'token');
    const written = await writeToken('secret-token-value', target, w);
    assert.equal(written, target);
    assert.equal(readFileSync(target, 'utf8'), 'secret-token-value\n');
    assert.deepEqual(seen.map((s) => s.text), ['<folder>', ''], 'the folder made for it, then the file while empty');
    assert.equal(seen[0].target, path.join(dir, 'made'));
    assert.match(path.basename(seen[1].target), /^token\.[0-9a-f]+\.tmp$/);
    await removeToken(target, target);
    assert.deepEqual(readdirSync(dir), [], 'the token and the folders made for it are gone');
  });

  it('is never written when the ACL cannot be set: nothing left behind', async () => {
    const target = path.join(dir, 'new', 'token');
    await assert.rejects(writeToken('secret-token-value', target, windows('icacls.exe')), UserOnlyError);
    assert.deepEqual(readdirSync(dir), []);
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('ecmkit-broker-')).length;
    await assert.rejects(writeToken('secret-token-value', undefined, windows('icacls.exe')), UserOnlyError);
    assert.equal(readdirSync(tmpdir()).filter((f) => f.startsWith('ecmkit-broker-')).length, before, 'the fresh temp folder is removed');
  });

  it('is 0600 in a 0700 folder on POSIX, as before', async () => {
    if (process.platform === 'win32') return;
    const file = await writeToken('secret-token-value', undefined);
    try {
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
      assert.equal(readFileSync(file, 'utf8'), 'secret-token-value\n');
    } finally { await removeToken(file); }
  });

  it('that cannot be protected stops the broker from starting, with the reason', async () => {
    const tokenFile = path.join(dir, 'b', 'token');
    await assert.rejects(startBroker({ workspace: EXAMPLES, tokenFile, watch: false, userOnly: windows('icacls.exe') }), (e: Error) =>
      e instanceof UserOnlyError && /readable by this user only/.test(e.message));
    assert.deepEqual(readdirSync(dir), []);
  });
});
