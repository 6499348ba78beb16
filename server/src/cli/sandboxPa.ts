/**
 * The PA half of `ecmkit sandbox --pa` / `--pa-only`: the PA sandbox (pa/sandbox) from the workspace's PA
 * file. Prints `pa sandbox listening on https://127.0.0.1:PORT ca=PATH client-id=ID secret-file=PATH`:
 * the client id is env ECMKIT_PA_CLIENT_ID or `ecmkit-sandbox`; the secret is env ECMKIT_PA_CLIENT_SECRET
 * (then `secret=env:ECMKIT_PA_CLIENT_SECRET` is printed instead of a file) or made up and written to a file
 * only this user can read — the secret itself is never printed.
 */
import { startPaSandbox, type PaSandbox } from '../pa/sandbox';
import { removeSecretFile, writeSecretFile } from '../model/secretFile';
import { PA_SECRET_ENV } from '../pa/site';

export interface PaSandboxRun { sandbox: PaSandbox; line: string; close(): Promise<void> }

export async function startPaSandboxCli(o: { workspace: string; port: number; certDir?: string; quiet: boolean; perSecond?: number; perHour?: number }): Promise<PaSandboxRun> {
  const envSecret = process.env[PA_SECRET_ENV] || undefined;
  const sandbox = await startPaSandbox({
    workspace: o.workspace,
    port: o.port,
    certDir: o.certDir,
    clientId: process.env.ECMKIT_PA_CLIENT_ID || undefined,
    clientSecret: envSecret,
    perSecond: o.perSecond,
    perHour: o.perHour,
    onWarning: (m) => process.stderr.write(`pa sandbox: warning: ${m}\n`),
    onLog: o.quiet ? undefined : (e) => process.stderr.write(`pa sandbox: ${e.method} ${e.path} ${e.status} ${e.ms.toFixed(1)} ms\n`),
  });
  const secretFile = envSecret ? undefined : await writeSecretFile(sandbox.clientSecret, { prefix: 'ecmkit-pa-sandbox-', name: 'client-secret' });
  const line = `pa sandbox listening on ${sandbox.url} ca=${sandbox.caPath} client-id=${sandbox.clientId} ${secretFile ? `secret-file=${secretFile}` : `secret=env:${PA_SECRET_ENV}`}\n`;
  return {
    sandbox,
    line,
    async close() {
      await sandbox.close();
      if (secretFile) await removeSecretFile(secretFile);
    },
  };
}
