// Entry the VS Code test runner loads in the extension host: one mocha run with the suites for this
// window's mode (ECMKIT_TEST_MODE=trusted|untrusted, set by runTest.ts).
import Mocha from 'mocha';
import * as activation from './activation.suite';
import * as diagnostics from './diagnostics.suite';
import * as hoverAndCompletion from './hoverAndCompletion.suite';
import * as quickFix from './quickFix.suite';
import * as commands from './commands.suite';
import * as trust from './trust.suite';

type SuiteModule = { mode: 'trusted' | 'untrusted'; define(): void };
const SUITES: SuiteModule[] = [activation, diagnostics, hoverAndCompletion, quickFix, commands, trust];

export interface SuiteResult { mode: string; passed: string[]; failed: { title: string; error: string }[] }

export function runSuites(mode = process.env.ECMKIT_TEST_MODE === 'untrusted' ? 'untrusted' : 'trusted'): Promise<SuiteResult> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: true });
  // Makes describe/it (imported from 'mocha' in the suites) register on this instance.
  mocha.suite.emit('pre-require', globalThis, 'ecmkit', mocha);
  for (const s of SUITES) if (s.mode === mode || s === activation) s.define();
  const result: SuiteResult = { mode, passed: [], failed: [] };
  return new Promise((res) => {
    mocha.run(() => res(result))
      .on('pass', (t) => result.passed.push(t.fullTitle()))
      .on('fail', (t, err: Error) => result.failed.push({ title: t.fullTitle(), error: String(err?.stack ?? err) }));
  });
}

/** What @vscode/test-electron calls. */
export async function run(): Promise<void> {
  const r = await runSuites();
  if (r.failed.length) throw new Error(`${r.failed.length} test(s) failed`);
}
