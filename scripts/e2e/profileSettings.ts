// The user settings of a kept profile (`npm start`): defaults are added where a key is missing and
// nothing the user set is changed, so edits made in the editor survive restarts. Written whole or not at all.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { applyEdits, modify, parse, type ParseError } from 'jsonc-parser';

/**
 * `text` (a settings.json, comments allowed) with each key of `defaults` it lacks added, or undefined when
 * nothing is missing. Throws when the text is not a JSON object: then the user's file is left as it is.
 */
export function withDefaults(text: string, defaults: Record<string, unknown>): string | undefined {
  const errors: ParseError[] = [];
  const current: unknown = text.trim() ? parse(text, errors, { allowTrailingComma: true }) : {};
  if (errors.length || !current || typeof current !== 'object' || Array.isArray(current)) {
    throw new Error('it is not a JSON object');
  }
  let out = text.trim() ? text : '{}';
  let changed = false;
  for (const [key, value] of Object.entries(defaults)) {
    if (Object.prototype.hasOwnProperty.call(current, key)) continue;
    out = applyEdits(out, modify(out, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    changed = true;
  }
  return changed ? out : undefined;
}

/** Adds missing defaults to the settings file at `file` (created when absent); says why when it cannot. */
export function ensureSettings(file: string, defaults: Record<string, unknown>, warn: (m: string) => void): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  let next: string | undefined;
  try {
    next = withDefaults(text, defaults);
  } catch (e) {
    warn(`${file} is kept as it is (${(e as Error).message}); ecmkit's defaults were not added.`);
    return;
  }
  if (next === undefined) return;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, next.endsWith('\n') ? next : next + '\n');
  renameSync(tmp, file);
}
