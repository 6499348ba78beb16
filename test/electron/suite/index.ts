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

export function run(): Promise<void> {
  const mode = process.env.ECMKIT_TEST_MODE === 'untrusted' ? 'untrusted' : 'trusted';
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: true });
  // Makes describe/it (imported from 'mocha' in the suites) register on this instance.
  mocha.suite.emit('pre-require', globalThis, 'ecmkit', mocha);
  for (const s of SUITES) if (s.mode === mode || s === activation) s.define();
  return new Promise((res, rej) => {
    mocha.run((failures) => (failures ? rej(new Error(`${failures} test(s) failed`)) : res()));
  });
}
