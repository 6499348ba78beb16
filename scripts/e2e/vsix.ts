// Packages the extension as a VSIX with @vscode/vsce, exactly as `npm run package` does
// (vsce runs `vscode:prepublish`, i.e. the minified esbuild build, first).
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './proc';
import { cleanEnv } from './install';
import { ROOT } from './paths';

export interface Vsix { path: string; bytes: number }

export async function packageVsix(outDir: string, logFile: string): Promise<Vsix> {
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `${name}-${version}.vsix`);
  await run(join(ROOT, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--out', path],
    { cwd: ROOT, logFile, env: cleanEnv() });
  return { path, bytes: statSync(path).size };
}
