import * as path from 'node:path';
import { SEVERITY, type CliDiagnostic } from './cliDiagnostic';
import { diagnoseWorkspace } from '../engine/check';
import { ParsedFile } from '../model/document';
import { Workspace, uriToPath } from '../model/workspace';
import { flag, parseArgs, UsageError } from './args';
import { toSarif } from './sarif';
import { loadOverrides } from './settings';

export type { CliDiagnostic };

/** `ecmkit check [PATH…] [--format text|json|sarif]`: exit 0 clean, 1 errors, 2 usage or I/O failure. */
export async function run(argv: string[], out = process.stdout): Promise<number> {
  const args = parseArgs(argv, { values: ['format', 'rules', 'rule', 'max-file-size'], booleans: [] });
  const format = flag(args, 'format') ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif (got "${format}").`);
  const cwd = process.cwd();
  const overrides = loadOverrides(cwd, flag(args, 'rules'), args.flags.get('rule') ?? []);
  const maxMb = flag(args, 'max-file-size');
  if (maxMb !== undefined && (!/^\d+(\.\d+)?$/.test(maxMb) || Number(maxMb) <= 0)) throw new UsageError(`--max-file-size takes a size in MB (got "${maxMb}").`);
  const maxChars = maxMb === undefined ? undefined : Number(maxMb) * 1024 * 1024;
  const paths = args.positionals.length ? args.positionals : ['.'];

  // A file that cannot be read is said on stderr and makes the exit code 2; the others are still checked.
  const skipped: string[] = [];
  const ws = await Workspace.load(paths.map((p) => path.resolve(cwd, p)), (file, reason) => skipped.push(`${path.relative(cwd, file) || file}: ${reason}`), maxChars);
  for (const s of skipped) process.stderr.write(`ecmkit check: skipped ${s}.\n`);
  const diagnostics: CliDiagnostic[] = [];
  for (const [uri, list] of diagnoseWorkspace(ws, overrides)) {
    const file = path.relative(cwd, uriToPath(uri)) || '.';
    for (const d of list) diagnostics.push({ file, range: d.range, severity: SEVERITY[d.severity ?? 1], code: String(d.code), message: String(d.message) });
  }
  diagnostics.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const summary = {
    files: ws.all().length,
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
  };

  if (format === 'json') out.write(JSON.stringify({ diagnostics, summary }, null, 2) + '\n');
  else if (format === 'sarif') out.write(JSON.stringify(toSarif(diagnostics), null, 2) + '\n');
  else out.write(text(diagnostics, summary));
  return skipped.length ? 2 : summary.errors > 0 ? 1 : 0;
}

function text(diagnostics: CliDiagnostic[], summary: { files: number; errors: number; warnings: number }): string {
  const lines = diagnostics.map((d) => `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(summary.files, 'file')} checked: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}.`);
  return lines.join('\n') + '\n';
}
