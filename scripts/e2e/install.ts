// Installs code-server and the Node 24 it runs on into .cache/code-server, once. A warm cache is detected
// by a stamp file naming the pinned versions, so a version bump reinstalls and nothing else does.
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { run } from './proc';
import {
  CODE_SERVER_BIN, CODE_SERVER_DIR, CODE_SERVER_VERSION, NODE24_BIN, NODE24_DIR, NODE24_PACKAGE, NODE24_VERSION,
} from './paths';

const STAMP = join(CODE_SERVER_DIR, '.installed');
const WANT = `${NODE24_PACKAGE}@${NODE24_VERSION} code-server@${CODE_SERVER_VERSION}`;

/** Environment in which code-server (and npm building its native modules) runs: Node 24 first on PATH. */
export function node24Env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...cleanEnv(base),
    PATH: `${NODE24_BIN}${delimiter}${base.PATH ?? ''}`,
    // The machine's npmrc points nodedir at Node 20's headers; native modules must build against Node 24's.
    npm_config_nodedir: NODE24_DIR,
  };
}

/**
 * The environment without what an outer `npm run`/`npx` exported: an inner npm would take e.g.
 * npm_config_user_agent (node/v20) as its own config, and code-server's postinstall reads the Node version from it.
 */
export function cleanEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(base).filter(([k]) => !/^npm_/i.test(k)));
}

export function isInstalled(): boolean {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === WANT && existsSync(CODE_SERVER_BIN);
}

export async function ensureCodeServer(log: (msg: string) => void = console.log): Promise<void> {
  if (isInstalled()) return;
  const missing = missingBuildTools();
  if (missing.length) {
    throw new Error(`code-server builds native modules when it installs, and this machine lacks ${missing.join(', ')}: `
      + '`apt-get install -y build-essential python3 libkrb5-dev` (Debian/Ubuntu; .ci/run does it), then run this again.');
  }
  // Start from nothing: a half-finished earlier install (interrupted, failed) leaves a tree npm cannot repair.
  rmSync(CODE_SERVER_DIR, { recursive: true, force: true });
  mkdirSync(CODE_SERVER_DIR, { recursive: true });
  const logFile = join(CODE_SERVER_DIR, 'install.log');
  const t0 = Date.now();
  log(`installing ${WANT} into ${CODE_SERVER_DIR} (one time, ~3 min, ~800 MB; log: ${logFile})`);

  // Step 1: the Node 24 binary alone, with the machine's Node.
  writeManifest({ [NODE24_PACKAGE]: NODE24_VERSION });
  await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: CODE_SERVER_DIR, logFile, env: cleanEnv() });
  if (!existsSync(join(NODE24_BIN, 'node'))) throw new Error(`${NODE24_PACKAGE} installed no bin/node; see ${logFile}`);

  // Step 2: code-server, run and built by Node 24. Both stay listed, or npm would prune the Node it runs on.
  writeManifest({ [NODE24_PACKAGE]: NODE24_VERSION, 'code-server': CODE_SERVER_VERSION });
  await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: CODE_SERVER_DIR, logFile, env: node24Env() });
  if (!existsSync(CODE_SERVER_BIN)) throw new Error(`code-server did not install; see ${logFile}`);

  writeFileSync(STAMP, WANT + '\n');
  log(`installed code-server in ${Math.round((Date.now() - t0) / 1000)} s`);
}

/** What code-server's install compiles with: a C++ toolchain, make, Python (node-gyp) and the Kerberos headers. */
export function missingBuildTools(): string[] {
  const onPath = (cmd: string) => (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));
  const missing: string[] = [];
  if (!onPath('c++') && !onPath('g++') && !onPath('clang++')) missing.push('a C++ compiler (g++)');
  if (!onPath('make')) missing.push('make');
  if (!onPath('python3')) missing.push('python3');
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/gssapi/gssapi.h')) missing.push('the Kerberos headers (libkrb5-dev)');
  return missing;
}

function writeManifest(dependencies: Record<string, string>): void {
  writeFileSync(join(CODE_SERVER_DIR, 'package.json'),
    JSON.stringify({ name: 'ecmkit-code-server-cache', private: true, dependencies }, null, 2) + '\n');
}

if (require.main === module) {
  ensureCodeServer().catch((e) => { console.error(String(e?.message ?? e)); process.exit(1); });
}
