// `npm start`: builds and packages the extension, installs it into code-server (loopback only), opens
// examples/ and prints the URL. Ctrl+C stops everything it started. Flags: --port N (default 8080, or a free
// port when 8080 is taken), --restricted (workspace trust on: the folder opens in Restricted Mode).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { ensureCodeServer } from './install';
import { packageVsix } from './vsix';
import { freePort, installExtension, makeProfile, QUIET_SETTINGS, startCodeServer, type CodeServer } from './codeServer';
import { CACHE, EXAMPLES } from './paths';
import { START_HOOKS, type StartedService } from './startHooks';

const dir = join(CACHE, 'start');
const logDir = join(dir, 'logs');
const say = (m: string) => console.log(`[ecmkit] ${m}`);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer().once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

async function main(): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  const services: StartedService[] = [];
  let server: CodeServer | undefined;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await server?.stop();
    for (const s of services.reverse()) await s.stop().catch((e) => say(`could not stop a service: ${e}`));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  await ensureCodeServer(say);
  say('building and packaging the extension…');
  const vsix = await packageVsix(join(dir, 'vsix'), join(logDir, 'vsce.log'));
  say(`packaged ${vsix.path} (${(vsix.bytes / 1024).toFixed(0)} KiB)`);

  // A persistent profile: settings, stored secrets and trusted folders survive between runs (the user's
  // settings are kept; only missing defaults are added).
  const profile = makeProfile(join(dir, 'profile'), QUIET_SETTINGS, { warn: say });
  await installExtension(profile, vsix.path, join(logDir, 'install-extension.log'));

  const env: Record<string, string> = {};
  for (const hook of START_HOOKS) {
    say(`starting ${hook.name}…`);
    const s = await hook.start({ workspace: EXAMPLES, logDir });
    services.push(s);
    Object.assign(env, s.env);
  }

  const wanted = Number(arg('--port') ?? process.env.ECMKIT_PORT ?? 8080);
  const port = (await portFree(wanted)) ? wanted : await freePort();
  server = await startCodeServer({
    profile,
    workspaceTrust: process.argv.includes('--restricted') ? 'enabled' : 'disabled',
    logFile: join(logDir, 'code-server.log'),
    port,
    folder: EXAMPLES,
    env,
  });
  server.process.child.on('exit', () => { if (!stopping) { say('code-server exited; see ' + join(logDir, 'code-server.log')); void stopAll(1); } });

  console.log('');
  console.log(`  ecmkit is running in VS Code (code-server), on loopback only. Open:`);
  console.log(`  ${server.folderUrl(EXAMPLES)}`);
  for (const s of services) for (const line of s.info ?? []) console.log(`  ${line}`);
  console.log(`  Logs: ${logDir}. Press Ctrl+C to stop.`);
  console.log('');
}

main().catch((e) => { console.error(`[ecmkit] ${e?.message ?? e}`); process.exit(1); });
