// Bundles a suite entry for the extension host: CommonJS, `vscode` external, mocha (ESM-only) inlined.
import { build } from 'esbuild';

export async function bundleSuite(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['vscode'], logLevel: 'warning', sourcemap: 'inline',
    // mocha's parallel mode (unused here) resolves a worker file at run time.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
}
