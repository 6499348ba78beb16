import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { parseOverrides, type RuleCode, type SeveritySetting } from '../rules/codes';
import { UsageError } from './args';

/**
 * Severity overrides for the CLI, from the same place VS Code keeps them (`.vscode/settings.json`,
 * key `ecmkit.rules`) so the editor and CI agree, then `--rules FILE` and `--rule CODE=SEVERITY` flags.
 */
export function loadOverrides(cwd: string, rulesFile: string | undefined, ruleFlags: string[]): Partial<Record<RuleCode, SeveritySetting>> {
  const sources: [string, Record<string, unknown>][] = [];
  const settings = path.join(cwd, '.vscode', 'settings.json');
  if (existsSync(settings)) sources.push([`${settings} (ecmkit.rules)`, readRules(settings, (o) => o['ecmkit.rules'], false)]);
  if (rulesFile) sources.push([rulesFile, readRules(rulesFile, (o) => ('ecmkit.rules' in o ? o['ecmkit.rules'] : o.rules ?? o), true)]);
  const flags: Record<string, unknown> = {};
  for (const r of ruleFlags) {
    const m = /^([^=]+)=(.+)$/.exec(r);
    if (!m) throw new UsageError(`--rule expects CODE=SEVERITY, e.g. --rule ecm/dynamic-host=off (got "${r}").`);
    flags[m[1]] = m[2];
  }
  sources.push(['--rule', flags]);
  // Later sources win: the folder's settings, then --rules FILE, then each --rule.
  const merged: Partial<Record<RuleCode, SeveritySetting>> = {};
  const problems: string[] = [];
  for (const [source, raw] of sources) {
    const parsed = parseOverrides(raw, source);
    Object.assign(merged, parsed.overrides);
    problems.push(...parsed.problems);
  }
  if (problems.length) throw new UsageError(problems.join('\n'));
  return merged;
}

function readRules(file: string, pick: (o: Record<string, unknown>) => unknown, required: boolean): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (!required) return {};
    throw new UsageError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
  const errors: ParseError[] = [];
  const o = parseJsonc(text, errors, { allowTrailingComma: true }) as Record<string, unknown> | undefined;
  // .vscode/settings.json is VS Code's to judge; a rules file named on the command line must parse.
  if (required && errors.length) {
    const at = text.slice(0, errors[0].offset).split('\n').length;
    throw new UsageError(`${file} is not valid JSON (line ${at}: ${printParseErrorCode(errors[0].error)}); it should hold {"ecmkit.rules": {"CODE": "off|hint|information|warning|error"}}.`);
  }
  const rules = o && typeof o === 'object' ? pick(o) : undefined;
  return rules && typeof rules === 'object' ? (rules as Record<string, unknown>) : {};
}
