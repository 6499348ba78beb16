import { RULES, type RuleCode } from '../rules/codes';
import type { CliDiagnostic } from './cliDiagnostic';
import { VERSION } from './version';

const HOME = 'https://github.com/ecmkit/ecmkit';
/** The README's table of rule codes: what each means and its default severity. */
const RULES_HELP = `${HOME}#rule-codes`;

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
          informationUri: HOME,
          version: VERSION,
          rules: codes.map(ruleDescriptor),
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

/**
 * One rule as code scanning shows it: GitHub requires `fullDescription` and `help` on every rule (the
 * validator's GH2012). The text comes from rules/codes.ts, the one list of codes.
 */
function ruleDescriptor(id: string): object {
  const rule = RULES[id as RuleCode] as { severity: string; summary: string } | undefined;
  const summary = rule?.summary ?? id;
  const sentence = summary[0].toUpperCase() + summary.slice(1) + '.';
  const severity = rule?.severity ?? 'error';
  const change = `Its default severity is ${severity}; change it with "ecmkit.rules" in .vscode/settings.json or \`ecmkit check --rule ${id}=off|hint|information|warning|error\`.`;
  return {
    id,
    // A friendly name that is not the id, in the Pascal case SARIF viewers expect (SARIF1001, SARIF2012).
    name: id.split(/[^A-Za-z0-9]+/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''),
    shortDescription: { text: summary },
    fullDescription: { text: `ecmkit ${id}: ${summary}.` },
    helpUri: RULES_HELP,
    help: {
      text: `${sentence} Each finding's message says what to change. ${change} Rule codes: ${RULES_HELP}`,
      markdown: `**${id}**: ${sentence} Each finding's message says what to change.\n\n${change}\n\nSee [the rule codes](${RULES_HELP}).`,
    },
    defaultConfiguration: { level: LEVEL[severity as keyof typeof LEVEL] ?? 'error' },
  };
}
