import { RULES, type RuleCode } from '../rules/codes';
import type { CliDiagnostic } from './cliDiagnostic';

const LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note', '': 'none' } as const;

/** A SARIF 2.1.0 log of one run: one rule per code used, 1-based regions, URIs relative to the working directory. */
export function toSarif(diagnostics: CliDiagnostic[]): object {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'ecmkit',
          informationUri: 'https://github.com/ecmkit/ecmkit',
          rules: codes.map((id) => ({
            id,
            shortDescription: { text: RULES[id as RuleCode]?.summary ?? id },
            defaultConfiguration: { level: LEVEL[RULES[id as RuleCode]?.severity ?? 'error'] },
          })),
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: 'file://' + encodeURI(process.cwd().replace(/\\/g, '/')) + '/' } },
      results: diagnostics.map((d) => ({
        ruleId: d.code,
        ruleIndex: ruleIndex.get(d.code),
        level: LEVEL[d.severity],
        message: { text: d.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: d.file.split(/[\\/]/).map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' },
            region: {
              startLine: d.range.start.line + 1,
              startColumn: d.range.start.character + 1,
              endLine: d.range.end.line + 1,
              endColumn: d.range.end.character + 1,
            },
          },
        }],
      })),
    }],
  };
}
