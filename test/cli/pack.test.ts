// The two packages users install, built as they are published:
// - `npm pack`: the CLI alone (dist/ is bundled, so no runtime dependency). Installed from the tarball into
//   an empty folder with `--omit=dev --offline`, `npx ecmkit check` works there on a copy of the examples.
// - `vsce package`: a Marketplace/Open VSX-ready VSIX under 1 MB, with icon, changelog and repository links.
// Both read dist/ as the build left it (`npm test` builds first); neither rebuilds, as other suites run on it.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { EXAMPLES } from '../support/fixtures';
import { ROOT } from '../support/lspClient';

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const work = mkdtempSync(path.join(tmpdir(), 'ecmkit-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The environment without what an outer `npm test` exported (npm would take it as its own configuration). */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
function sh(cmd: string, args: string[], opts: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: 120_000, ...opts });
  return { code: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

describe('packages as users install them', () => {
  assert.ok(existsSync(path.join(ROOT, 'dist/cli.js')), 'dist/ is built (npm run build)');

  it('npm pack: the CLI alone, no runtime dependency; npx ecmkit check works from the tarball in an empty folder', () => {
    assert.equal(manifest.private, undefined, 'publishable: not private');
    assert.deepEqual(manifest.dependencies ?? {}, {}, 'dist/ is bundled: nothing to install at run time');
    const packed = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
    assert.equal(packed.code, 0, packed.stderr);
    const [info] = JSON.parse(packed.stdout) as { filename: string; size: number; files: { path: string }[] }[];
    const files = info.files.map((f) => f.path).sort();
    assert.deepEqual(files.filter((f) => !f.startsWith('templates/')),
      ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/cli.js', 'dist/ecmkit-net.js', 'dist/ecmkit.js', 'package.json']);
    assert.ok(files.includes('templates/github-workflow.yml') && files.includes('templates/pre-commit-config.yaml'), files.join(' '));

    const user = path.join(work, 'user');
    cpSync(EXAMPLES, path.join(user, 'examples'), { recursive: true });
    writeFileSync(path.join(user, 'package.json'), '{ "name": "a-users-folder", "private": true }\n');
    const installed = sh('npm', ['install', '--omit=dev', '--offline', '--no-audit', '--no-fund', path.join(work, info.filename)], { cwd: user });
    assert.equal(installed.code, 0, installed.stderr);
    assert.deepEqual(readdir(path.join(user, 'node_modules')), ['.bin', '.package-lock.json', 'ecmkit'], 'ecmkit and nothing else');

    const npx = (...args: string[]) => sh('npx', ['--offline', '--no-install', 'ecmkit', ...args], { cwd: user });
    let r = npx('check', 'examples');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '5 files checked: 0 errors, 0 warnings.\n');
    r = npx('--version');
    assert.equal(r.stdout.trim(), manifest.version);
    r = npx('sandbox', '--help'); // the networked bundle loads without node_modules too
    assert.equal(r.code, 0, r.stderr);
    writeFileSync(path.join(user, 'examples', 'prod.ecm.yaml'), readFileSync(path.join(user, 'examples', 'prod.ecm.yaml'), 'utf8').replace('port: 443', 'port: 70000'));
    r = npx('check', 'examples', '--format', 'sarif');
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).runs[0].results.length, 1);
  });

  it('vsce package: a VSIX under 1 MB with icon, changelog, repository links and no --allow-missing-repository', async () => {
    assert.doesNotMatch(manifest.scripts.package, /allow-missing-repository/);
    for (const f of ['icon', 'repository', 'bugs', 'homepage', 'galleryBanner', 'keywords']) assert.ok(manifest[f], `package.json has ${f}`);
    const png = readFileSync(path.join(ROOT, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'the icon is 128×128');
    const vsix = path.join(work, 'ecmkit.vsix');
    // vsce's own packing step, as `npm run package` runs it after its build (vscode:prepublish): here dist/ is
    // already built, and a second build would rewrite it under the suites running beside this one.
    const { pack } = require('@vscode/vsce/out/package') as { pack(o: object): Promise<{ packagePath: string }> };
    await pack({ cwd: ROOT, packagePath: vsix, dependencies: false });
    const bytes = statSync(vsix).size;
    assert.ok(bytes < 1_000_000, `the VSIX is ${bytes} bytes`);
    const list = sh('unzip', ['-Z1', vsix]).stdout.split('\n').filter(Boolean);
    for (const f of ['extension/images/icon.png', 'extension/changelog.md', 'extension/dist/client.js', 'extension/dist/ecmkit.js']) assert.ok(list.includes(f), `${f} in ${list.join(' ')}`);
    assert.ok(!list.some((f) => /\.codecache$|\.map$|^extension\/(server|client|test|node_modules)\//.test(f)), list.join(' '));
  });
});

const readdir = (dir: string): string[] => readdirSync(dir).sort();
