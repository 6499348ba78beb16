// Shared by the PA tests: a workspace folder with one PA file, a PA sandbox on it, and a pull through the
// real CLI code (cli/pullPa.ts run in this process, with its stdout/stderr captured).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startPaSandbox, type PaSandbox, type PaSandboxOptions } from '../../server/src/pa/sandbox';
import { PaClient, type PaClientOptions } from '../../server/src/pa/client';
import { pullPa } from '../../server/src/pull/pa';
import { PA_SPEC } from '../../server/src/pull/paSpec';
import { openInventoryFile } from '../../server/src/pull/updateFile';

export function tempDir(prefix = 'ecmkit-pa-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A folder holding `site.pa.yaml` with `text`. */
export function paWorkspace(text: string): string {
  const dir = tempDir('ecmkit-pa-ws-');
  writeFileSync(path.join(dir, 'site.pa.yaml'), text);
  return dir;
}

export async function sandboxOn(workspace: string, o: PaSandboxOptions = {}): Promise<PaSandbox> {
  return startPaSandbox({ workspace, watch: false, ...o });
}

/** Pulls `site` into `file` in this process (no CLI around it): the changes, and the client's stats. */
export async function pullInto(file: string, sb: { url: string; clientId: string; clientSecret: string; caPem: string }, o: Partial<PaClientOptions> & { check?: boolean } = {}) {
  const client = new PaClient({ site: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret, ca: sb.caPem, ...o });
  const target = await openInventoryFile(file, PA_SPEC, { check: o.check });
  try {
    await pullPa(client, target);
    const r = await target.finish();
    return { ...r, stats: client.stats };
  } catch (e) {
    await target.abort();
    throw e;
  } finally {
    await client.close();
  }
}

/**
 * `ecmkit pull pa …` through cli/pull.ts in this process: exit code and everything it printed. The
 * secret goes in through the environment only, as for the real command.
 */
export async function runPull(args: string[], o: { cwd: string; secret?: string }): Promise<{ code: number; out: string; err: string }> {
  const { run } = await import('../../server/src/cli/pull');
  const { UsageError } = await import('../../server/src/cli/args');
  const out: string[] = [];
  const err: string[] = [];
  const w1 = process.stdout.write;
  const w2 = process.stderr.write;
  const cwd = process.cwd();
  const saved = process.env.ECMKIT_PA_CLIENT_SECRET;
  process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
  process.chdir(o.cwd);
  if (o.secret === undefined) delete process.env.ECMKIT_PA_CLIENT_SECRET;
  else process.env.ECMKIT_PA_CLIENT_SECRET = o.secret;
  try {
    let code: number;
    try {
      code = await run(['pa', ...args]);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      err.push(`ecmkit pull: ${e.message}\n`); // as cli/main.ts says it
      code = 2;
    }
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
    process.chdir(cwd);
    if (saved === undefined) delete process.env.ECMKIT_PA_CLIENT_SECRET;
    else process.env.ECMKIT_PA_CLIENT_SECRET = saved;
  }
}
