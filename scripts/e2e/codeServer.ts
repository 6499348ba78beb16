// A code-server (VS Code in the browser) with its own profile: extensions dir, user data (settings, logs,
// trusted folders) and config, all under one folder, so runs never share state with each other or ~/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { node24Env } from './install';
import { ensureSettings } from './profileSettings';
import { CODE_SERVER_BIN } from './paths';
import { run, start, type Started } from './proc';

export interface Profile { dir: string; extensionsDir: string; userDataDir: string; configFile: string }

export interface CodeServer {
  url: string;
  profile: Profile;
  /** Address of a window on `folder`. */
  folderUrl(folder: string): string;
  stop(): Promise<void>;
  process: Started;
}

/** User settings that keep the editor quiet and predictable: no welcome pages, tips, or auto-popups. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.editor.enablePreview': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'files.autoSave': 'off',
};

/**
 * A profile folder. `keep`: a profile that outlives the run (`npm start`): the user's settings are kept and
 * only missing defaults added; else the settings are exactly `settings` (a fresh, predictable test profile).
 */
export function makeProfile(dir: string, settings: Record<string, unknown>, keep?: { warn: (m: string) => void }): Profile {
  const profile: Profile = {
    dir,
    extensionsDir: join(dir, 'extensions'),
    userDataDir: join(dir, 'user-data'),
    configFile: join(dir, 'config.yaml'),
  };
  mkdirSync(join(profile.userDataDir, 'User'), { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  const settingsFile = join(profile.userDataDir, 'User', 'settings.json');
  if (keep) ensureSettings(settingsFile, settings, keep.warn);
  else writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  // An explicit config file, so code-server neither reads nor creates ~/.config/code-server/config.yaml.
  writeFileSync(profile.configFile, 'auth: none\n');
  return profile;
}

function env(profile: Profile): NodeJS.ProcessEnv {
  return { ...node24Env(), XDG_CONFIG_HOME: join(profile.dir, 'xdg-config'), XDG_DATA_HOME: join(profile.dir, 'xdg-data') };
}

function profileArgs(profile: Profile): string[] {
  return ['--config', profile.configFile, '--extensions-dir', profile.extensionsDir, '--user-data-dir', profile.userDataDir];
}

export async function installExtension(profile: Profile, vsix: string, logFile: string): Promise<void> {
  await run(CODE_SERVER_BIN, [...profileArgs(profile), '--install-extension', vsix, '--force'],
    { cwd: profile.dir, logFile, env: env(profile) });
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

export interface StartOptions {
  profile: Profile;
  /** false starts without --disable-workspace-trust: folders open untrusted unless the user trusts them. */
  workspaceTrust: 'disabled' | 'enabled';
  logFile: string;
  port?: number;
  /** Extra environment for code-server and the extension hosts it starts. */
  env?: Record<string, string>;
  /** Opened when the URL has no ?folder=. */
  folder?: string;
}

export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const port = opts.port ?? (await freePort());
  const args = [
    ...profileArgs(opts.profile),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`, // loopback only
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened',
    ...(opts.workspaceTrust === 'disabled' ? ['--disable-workspace-trust'] : []),
    ...(opts.folder ? [opts.folder] : []),
  ];
  const proc = start(CODE_SERVER_BIN, args, { cwd: opts.profile.dir, logFile: opts.logFile, env: { ...env(opts.profile), ...opts.env } });
  try {
    await proc.waitForLine(/HTTP server listening on/, 60_000);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    profile: opts.profile,
    folderUrl: (folder) => `${url}?folder=${encodeURIComponent(folder)}`,
    stop: () => proc.stop(),
    process: proc,
  };
}
