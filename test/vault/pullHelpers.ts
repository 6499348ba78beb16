/**
 * Real parts for the `pull vault` tests: `ecmkit pull vault` run in-process with its own folder and
 * environment, and the generated large workspace. (Faults come from test/support/faultProxy.ts.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../../server/src/cli/args';
import { runPullVault } from '../../server/src/cli/pullVault';
import { editFile, SCRATCH } from './helpers';

export interface PullRun { code: number; stdout: string; stderr: string }

/** `ecmkit pull vault ARGS` in folder `cwd` with ECMKIT_VAULT_KEY=key; usage errors exit 2 as in main(). */
export async function pullCli(args: string[], cwd: string, key: string | undefined): Promise<PullRun> {
  let stdout = '';
  let stderr = '';
  const io = { cwd, env: key === undefined ? {} : { ECMKIT_VAULT_KEY: key }, stdout: (t: string) => { stdout += t; }, stderr: (t: string) => { stderr += t; } };
  let code: number;
  try {
    code = await runPullVault(args, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr += `ecmkit pull vault: ${e.message}\n`;
    code = 2;
  }
  return { code, stdout, stderr };
}

/** The gen:large workspace at a small size (YAML), with loopback allowed so the sandbox lets the tests in. */
export function largeWorkspace(o: { users: number; endpoints: number; credentials: number }): string {
  const out = mkdtempSync(path.join(SCRATCH, 'large-'));
  execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/gen-large.mjs'),
    '--users', String(o.users), '--jump-clients', String(o.endpoints), '--credentials', String(o.credentials), '--out', out], { stdio: 'ignore' });
  const dir = path.join(out, 'yaml');
  editFile(path.join(dir, 'ecm.integration.yaml'), [[/allowedIps: \[([^\]]*)\]/, 'allowedIps: [$1, 127.0.0.1]']]);
  return dir;
}

export function readBytes(file: string): Buffer {
  return readFileSync(file);
}
