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
  // The CLI and the language server (`ecmkit lsp`) are built from one entry point, so they cannot drift apart.
  // The core bundle (check, lsp) leaves out the networked commands; `dist/cli.js` picks the bundle for the
  // command and starts it through a V8 code cache (server/src/cli/launcher.ts).
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/ecmkit.js', define: { 'globalThis.ECMKIT_CORE_BUNDLE': 'true' } }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/ecmkit-net.js', define: { 'globalThis.ECMKIT_CORE_BUNDLE': 'false' } }),
  build({ ...common, entryPoints: ['server/src/cli/launcher.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
// A new bundle makes old caches useless (V8 would reject most of them anyway): start clean.
for (const f of readdirSync('dist')) if (f.endsWith('.codecache')) rmSync(`dist/${f}`);
chmodSync('dist/cli.js', 0o755);
