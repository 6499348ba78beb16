// The templates users copy (templates/): the GitHub Actions workflow and the pre-commit hook. Each ecmkit
// command they contain is taken from the file and run as written (bash, the step's environment, `${{ }}`
// filled in) with this build's CLI as `ecmkit`, on a copy of the examples, clean and with an error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { EXAMPLES } from '../support/fixtures';
import { CLI, ROOT } from '../support/lspClient';

const work = mkdtempSync(path.join(tmpdir(), 'ecmkit-templates-'));
after(() => rmSync(work, { recursive: true, force: true }));
// `ecmkit` on PATH is this build's CLI, as `npm install --global ecmkit` would put it there.
const bin = path.join(work, 'bin');
mkdirSync(bin);
writeFileSync(path.join(bin, 'ecmkit'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
chmodSync(path.join(bin, 'ecmkit'), 0o755);

let n = 0;
/** A fresh copy of the examples; `broken` puts one error in it. */
function repo(broken: boolean): string {
  const dir = path.join(work, `repo-${++n}`);
  cpSync(EXAMPLES, dir, { recursive: true });
  if (broken) writeFileSync(path.join(dir, 'prod.ecm.yaml'), readFileSync(path.join(dir, 'prod.ecm.yaml'), 'utf8').replace('port: 443', 'port: 70000'));
  return dir;
}

/** Runs a `run:` script as GitHub's default bash shell does, after filling in `${{ … }}` from `values`. */
function runStep(script: string, cwd: string, env: Record<string, string> = {}, values: Record<string, string> = {}) {
  const filled = (s: string) => s.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, k: string) => {
    assert.ok(k in values, `a value for \${{ ${k} }}`);
    return values[k];
  });
  const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', filled(script)], {
    cwd, encoding: 'utf8', env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, filled(v)])) },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The ecmkit commands of a script: its lines that start with `ecmkit `. */
const ecmkitLines = (script: string) => script.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('ecmkit '));

interface Step { name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown> }

describe('templates users copy', () => {
  const workflow = parse(readFileSync(path.join(ROOT, 'templates/github-workflow.yml'), 'utf8')) as { jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }> };
  const check = workflow.jobs.check;
  const checkStep = check.steps.find((s) => s.run && ecmkitLines(s.run).some((l) => l.startsWith('ecmkit check')))!;
  const upload = check.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;

  it('workflow, check job: ecmkit check --format sarif as written, and the upload takes the file it writes', () => {
    assert.ok(checkStep, 'a step that runs ecmkit check');
    assert.match(checkStep.run!, /--format sarif/);
    assert.ok(upload, 'a github/codeql-action/upload-sarif step');
    assert.equal(check.permissions?.['security-events'], 'write', 'code scanning upload needs security-events: write');
    assert.match(upload.if ?? '', /failure\(\)|always\(\)/, 'the upload runs when check found errors (exit 1)');
    assert.ok(check.steps.indexOf(upload) > check.steps.indexOf(checkStep));
    const sarifFile = String(upload.with?.sarif_file);

    const clean = repo(false);
    let r = runStep(checkStep.run!, clean, checkStep.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(readFileSync(path.join(clean, sarifFile), 'utf8')).runs[0].results.length, 0);

    const broken = repo(true);
    r = runStep(checkStep.run!, broken, checkStep.env);
    assert.equal(r.code, 1, 'errors fail the step');
    const log = JSON.parse(readFileSync(path.join(broken, sarifFile), 'utf8'));
    assert.deepEqual(log.runs[0].results.map((x: { ruleId: string }) => x.ruleId), ['schema/type'], 'and the file is written for the upload');
    assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'prod.ecm.yaml', 'paths relative to the checkout');
  });

  it('workflow, drift job: ecmkit pull pa --check with the site and client id, the secret from the environment', (t) => {
    const drift = workflow.jobs.drift;
    const step = drift.steps.find((s) => s.run && ecmkitLines(s.run).some((l) => l.startsWith('ecmkit pull pa')))!;
    assert.ok(step, 'a step that runs ecmkit pull pa');
    const [line] = ecmkitLines(step.run!);
    for (const flag of ['--site', '--client-id', '--check']) assert.ok(line.includes(flag), `${flag} in ${line}`);
    assert.match(step.env?.ECMKIT_PA_CLIENT_SECRET ?? '', /\$\{\{\s*secrets\./, 'the client secret comes from a repository secret');
    const help = runStep('ecmkit pull --help', work);
    if (/unknown command/.test(help.stderr)) {
      t.skip('`ecmkit pull` does not exist on this branch yet (another change adds it): its flags are checked, the step is not run');
      return;
    }
    // The step as written, against a site where nothing listens: its flags must be accepted (no usage
    // error), and a site it cannot reach is exit 2 with nothing written (FORMATS.md §6).
    const dir = repo(false);
    const r = runStep(step.run!, dir, step.env, { 'vars.PA_SITE': 'https://127.0.0.1:9', 'vars.PA_CLIENT_ID': 'ci-client', 'secrets.ECMKIT_PA_CLIENT_SECRET': 'ci-secret-value' });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /Unknown option|Usage:/i);
    assert.ok(!(r.stdout + r.stderr).includes('ci-secret-value'), 'the client secret is never printed');
    assert.equal(readFileSync(path.join(dir, 'site.pa.yaml'), 'utf8'), readFileSync(path.join(EXAMPLES, 'site.pa.yaml'), 'utf8'), '--check writes nothing');
  });

  const hooks = (parse(readFileSync(path.join(ROOT, 'templates/pre-commit-config.yaml'), 'utf8')) as { repos: { repo: string; hooks: Record<string, unknown>[] }[] }).repos.flatMap((r) => r.hooks);
  const hook = hooks.find((h) => h.id === 'ecmkit-check')!;

  it('pre-commit hook: its entry, run as pre-commit runs it, passes the examples and fails on an error', () => {
    assert.ok(hook, 'a hook ecmkit-check');
    assert.equal(hook.pass_filenames, false, 'the whole folder is checked: cross-file rules need every file');
    const files = new RegExp(String(hook.files));
    for (const name of readdirSync(EXAMPLES)) assert.match(name, files);
    for (const name of ['package.json', 'README.md', 'prod.ecm.yaml.bak', 'notes.yaml']) assert.doesNotMatch(name, files);
    assert.deepEqual(hook.additional_dependencies, [`ecmkit@${JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}`], 'pins this version');

    let r = runStep(String(hook.entry), repo(false));
    assert.equal(r.code, 0, r.stderr);
    r = runStep(String(hook.entry), repo(true));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /prod\.ecm\.yaml:5:7: error schema\/type/);
  });

  // pre-commit itself, when installed (pip install pre-commit), with the hook installing this build's tarball.
  const preCommit = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'pre-commit')).find((p) => existsSync(p));
  it('pre-commit hook: pre-commit runs it from the npm package', { skip: preCommit ? false : 'pre-commit is not installed here (pip install pre-commit)' }, () => {
    const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))) });
    assert.equal(packed.status, 0, packed.stderr);
    const tarball = path.join(work, JSON.parse(packed.stdout)[0].filename);
    const dir = repo(false);
    const config = readFileSync(path.join(ROOT, 'templates/pre-commit-config.yaml'), 'utf8').replace(/'ecmkit@[^']+'/, `'${tarball}'`);
    writeFileSync(path.join(dir, '.pre-commit-config.yaml'), config);
    const env = { ...process.env, PRE_COMMIT_HOME: path.join(work, 'pre-commit-home') };
    const git = (...a: string[]) => spawnSync('git', a, { cwd: dir, encoding: 'utf8', env });
    git('init', '-q');
    git('add', '-A');
    let r = spawnSync(preCommit!, ['run', '--all-files'], { cwd: dir, encoding: 'utf8', env, timeout: 300_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ecmkit check\.+Passed/);
    writeFileSync(path.join(dir, 'prod.ecm.yaml'), readFileSync(path.join(dir, 'prod.ecm.yaml'), 'utf8').replace('port: 443', 'port: 70000'));
    r = spawnSync(preCommit!, ['run', '--all-files'], { cwd: dir, encoding: 'utf8', env, timeout: 300_000 });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /ecmkit check\.+Failed[\s\S]*prod\.ecm\.yaml:5:7: error schema\/type/);
  });
});
