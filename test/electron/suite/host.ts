// A tiny extension that runs the same suites inside code-server's extension host (where
// @vscode/test-electron cannot reach): on startup it runs them and writes the result to ECMKIT_API_RESULT.
import { writeFileSync } from 'node:fs';
import { runSuites } from './index';

export async function activate(): Promise<void> {
  const out = process.env.ECMKIT_API_RESULT;
  if (!out) return;
  try {
    writeFileSync(out, JSON.stringify(await runSuites()));
  } catch (e) {
    writeFileSync(out, JSON.stringify({ mode: process.env.ECMKIT_TEST_MODE, passed: [], failed: [{ title: 'suite', error: String((e as Error)?.stack ?? e) }] }));
  }
}
