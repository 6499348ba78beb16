// Bundles the VS Code client and the server/CLI with esbuild. `--dev` keeps them readable.
import { build } from 'esbuild';
import { chmodSync, readdirSync, rmSync } from 'node:fs';

const dev = process.argv.includes('--dev');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  logLevel: 'warning',
  loader: { '.json': 'json' },
  // jsonc-parser's UMD build hides its requires from the bundler; its ESM build does not.
  mainFields: ['module', 'main'],
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  // One bundle serves the CLI and the language server (`ecmkit lsp`), so they cannot drift apart.
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/ecmkit.js' }),
  // `dist/cli.js` starts it through a V8 code cache (launcher.ts).
  build({ ...common, entryPoints: ['server/src/cli/launcher.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
// A new bundle makes old caches useless (V8 would reject most of them anyway): start clean.
for (const f of readdirSync('dist')) if (f.endsWith('.codecache')) rmSync(`dist/${f}`);
chmodSync('dist/cli.js', 0o755);
