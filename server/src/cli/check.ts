import * as path from 'node:path';
import { SEVERITY, type CliDiagnostic } from './cliDiagnostic';
import { orderForReport, settleWorkspace } from '../engine/check';
import { FILE_KINDS } from '../model/fileKind';
import { checkScope, checksNeeding } from './checkScope';
import { Workspace } from '../model/workspace';
import { HOST, reportPath, reportToShown, shownPath, uriToPath } from '../model/platformPaths';
import { flag, parseArgs, UsageError } from './args';
import { toSarif } from './sarif';
import { loadOverrides } from './settings';

export type { CliDiagnostic };

/** `ecmkit check [PATH…] [--format text|json|sarif]`: exit 0 clean, 1 errors, 2 usage or I/O failure. */
export async function run(argv: string[], out = process.stdout): Promise<number> {
  const args = parseArgs(argv, { values: ['format', 'rules', 'rule', 'max-file-size', 'workspace'], booleans: [] });
  const format = flag(args, 'format') ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif (got "${format}").`);
  const cwd = process.cwd();
  const overrides = loadOverrides(cwd, flag(args, 'rules'), args.flags.get('rule') ?? []);
  const maxMb = flag(args, 'max-file-size');
  if (maxMb !== undefined && (!/^\d+(\.\d+)?$/.test(maxMb) || Number(maxMb) <= 0)) throw new UsageError(`--max-file-size takes a size in MB (got "${maxMb}").`);
  const maxChars = maxMb === undefined ? undefined : Number(maxMb) * 1024 * 1024;
  const paths = (args.positionals.length ? args.positionals : ['.']).map((p) => path.resolve(cwd, p));
  const workspaceDir = flag(args, 'workspace');
  const scope = await checkScope(paths, workspaceDir === undefined ? undefined : path.resolve(cwd, workspaceDir), cwd);

  // A file that cannot be read is said on stderr and makes the exit code 2; the others are still checked.
  const skipped: string[] = [];
  const ws = await Workspace.load(scope.load, (file, reason) => skipped.push(`${shownPath(file, cwd)}: ${reason}`), maxChars);
  for (const s of skipped) process.stderr.write(`ecmkit check: skipped ${s}.\n`);
  // JSON and SARIF name files with `/` on every platform; the text format as the terminal does (platformPaths.ts).
  const rel = (uri: string) => reportPath(uriToPath(uri), cwd);
  if (scope.context) process.stderr.write(`ecmkit check: checked in the context of ${shownPath(scope.context, cwd)}${HOST.path.sep} (the other kinds of file are there).\n`);
  // What was not asked is read for context only; a root elsewhere that explains an asked file's findings is reported.
  const reported = orderForReport(settleWorkspace(ws, overrides)).filter((s) =>
    scope.asked(uriToPath(s.uri)) || (s.explains && [...s.explains].some((u) => scope.asked(uriToPath(u)))));
  const diagnostics: CliDiagnostic[] = reported.map(({ uri, diagnostic: d }) => ({
    file: rel(uri),
    range: d.range,
    severity: SEVERITY[d.severity ?? 1],
    code: String(d.code),
    message: String(d.message),
    ...(d.relatedInformation?.length ? { related: d.relatedInformation.map((r) => ({ file: rel(r.location.uri), range: r.location.range, message: r.message })) } : {}),
  }));
  // Kinds of file nowhere to be found: the cross-file checks that need them did not run — said, never a silent green.
  const present = new Set(ws.all().map((f) => f.kind));
  const missing = FILE_KINDS.filter((k) => !present.has(k));
  const notRun = present.size ? checksNeeding(missing) : [];
  if (notRun.length) process.stderr.write(`ecmkit check: no ${missing.map((k) => `*.${k}.yaml`).join(', ')} file found${scope.context ? '' : ' near what was asked'}: these cross-file checks did not run: ${notRun.join(', ')}. Check the folder that holds all the files, or pass --workspace DIR.\n`);
  const summary = {
    files: ws.all().filter((f) => scope.asked(uriToPath(f.uri))).length,
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    ...(notRun.length ? { notRun } : {}),
  };

  if (format === 'json') out.write(JSON.stringify({ diagnostics, summary }, null, 2) + '\n');
  else if (format === 'sarif') out.write(JSON.stringify(toSarif(diagnostics, cwd), null, 2) + '\n');
  else out.write(text(diagnostics, summary));
  return skipped.length ? 2 : summary.errors > 0 ? 1 : 0;
}

function text(diagnostics: CliDiagnostic[], summary: { files: number; errors: number; warnings: number; notRun?: string[] }): string {
  const lines = diagnostics.map((d) => `${reportToShown(d.file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const partial = summary.notRun?.length ? ` ${plural(summary.notRun.length, 'cross-file check')} did not run (see above).` : '';
  lines.push(`${plural(summary.files, 'file')} checked: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}.${partial}`);
  return lines.join('\n') + '\n';
}
