// `ecmkit pull pa|vault --ipc`, as the editor runs it: the real CLI forked with an IPC channel against the
// real sandboxes over HTTPS. The secret comes over the channel only (never the environment), progress
// streams as item counts, the whole new text is proposed before anything is written, and only the editor's
// `pull-write` naming that text writes it; a `stop`, a kill, a mismatching hash or a file changed meanwhile
// writes nothing. No secret in anything the child prints or sends. Also the updater's propose mode itself.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import type { PaSandbox } from '../../server/src/pa/sandbox';
import { PA_SPEC } from '../../server/src/pull/paSpec';
import { openInventoryFile } from '../../server/src/pull/updateFile';
import { startSandbox, type Sandbox } from '../../server/src/vault/sandbox';
import { PULL_SECRET, type ChildMessage, type ParentMessage, type PullProposal } from '../../protocol/ipc';
import { sandboxOn, tempDir } from './helpers';
import { CERT_DIR, TEST_KEY, workspace } from '../vault/helpers';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'server/src/cli/main.ts');
// tsx by path: `--import tsx` resolves from the working directory, here a temporary folder.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const EXAMPLE = path.join(ROOT, 'examples/site.pa.yaml');

interface Run { code: number | null; out: string; err: string; messages: ChildMessage[] }

/**
 * Forks `ecmkit ARGS --ipc` in `cwd`; `answer` is called with each message the child sends and returns what
 * the editor sends back (if anything). The environment holds a decoy secret: the child must not use it.
 */
function runIpc(args: string[], cwd: string, answer: (m: ChildMessage, kill: () => void) => ParentMessage | undefined | Promise<ParentMessage | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    const child = fork(MAIN, [...args, '--ipc'], {
      cwd,
      execArgv: ['--import', TSX],
      env: { PATH: process.env.PATH ?? '', ECMKIT_PA_CLIENT_SECRET: 'decoy-env-secret', ECMKIT_VAULT_KEY: 'decoy-env-key' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let out = '';
    let err = '';
    const messages: ChildMessage[] = [];
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('message', async (m: ChildMessage) => {
      messages.push(m);
      const reply = await answer(m, () => child.kill('SIGTERM'));
      if (reply && child.connected) child.send(reply);
    });
    child.on('exit', (code) => setImmediate(() => resolve({ code, out, err, messages })));
  });
}

const secrets = (values: Record<string, string | undefined>): ParentMessage => ({ ecmkit: 'secrets', values });
const proposalOf = (r: Run): PullProposal | undefined => r.messages.flatMap((m) => (m.ecmkit === 'pull-proposed' ? [m.proposal] : []))[0];
const resultOf = (r: Run) => r.messages.flatMap((m) => (m.ecmkit === 'pull-result' ? [m.result] : []))[0];
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('pull pa --ipc (the editor\'s review)', () => {
  let sb: PaSandbox;
  let args: string[];
  const printed: string[] = [];
  before(async () => {
    const served = tempDir();
    copyFileSync(EXAMPLE, path.join(served, 'site.pa.yaml'));
    sb = await sandboxOn(served);
    args = ['pull', 'pa', '--site', sb.url, '--client-id', sb.clientId, '--ca', sb.caPath];
  });
  after(async () => {
    await sb.close();
    for (const text of printed) {
      assert.ok(!text.includes(sb.clientSecret), 'the client secret appears in what the child printed or sent');
      assert.ok(!text.includes('decoy-env-secret'));
    }
  });
  const keep = (r: Run): Run => {
    printed.push(r.out, r.err, JSON.stringify(r.messages));
    return r;
  };

  /** The admin's copy: one jump client gone from the file, one email changed, a comment of their own. */
  function myCopy(): { dir: string; file: string; before: string } {
    const dir = tempDir();
    const file = path.join(dir, 'site.pa.yaml');
    const text = readFileSync(EXAMPLE, 'utf8')
      .replace('jdoe@example.com', 'john.doe@example.com')
      .replace(/^ {2}- \{ name: WEB02,.*\n/m, '')
      .replace('jumpClients:\n', 'jumpClients:   # reviewed 2026-11\n');
    writeFileSync(file, text);
    return { dir, file, before: text };
  }

  it('asks for the secret by name, streams item counts, proposes the whole text with nothing written, and writes exactly it on pull-write', async () => {
    const { dir, file, before } = myCopy();
    let onDiskWhenProposed: string | undefined;
    const r = keep(await runIpc(args, dir, (m) => {
      if (m.ecmkit === 'secrets?') {
        assert.deepEqual(m.requests.map((q) => [q.name, q.required]), [[PULL_SECRET.pa, true]]);
        assert.match(m.requests[0].purpose, new RegExp(sb.clientId));
        return secrets({ [PULL_SECRET.pa]: sb.clientSecret });
      }
      if (m.ecmkit === 'pull-proposed') {
        onDiskWhenProposed = readFileSync(file, 'utf8');
        return { ecmkit: 'pull-write', sha256: m.proposal.sha256 };
      }
      return undefined;
    }));
    assert.equal(r.code, 0, r.err);
    assert.equal(onDiskWhenProposed, before, 'nothing is written before the editor says so');
    const progress = r.messages.flatMap((m) => (m.ecmkit === 'pull-progress' && m.progress.done ? [`${m.progress.section} ${m.progress.count}`] : []));
    assert.deepEqual(progress, ['securityProviders 3', 'users 3', 'jumpGroups 2', 'jumpClients 4', 'apiAccounts 3']);
    const p = proposalOf(r)!;
    assert.equal(p.file, file);
    assert.equal(p.exists, true);
    assert.deepEqual(p.counts, { added: 1, removed: 0, changed: 2 });
    assert.deepEqual(p.changes.map((c) => `${c.kind} ${c.section} ${c.name}`).sort(), ['added jumpClients WEB02', 'changed top site', 'changed users jdoe']);
    assert.match(p.text, /jumpClients: {3}# reviewed 2026-11/, 'the admin\'s comment is kept');
    assert.equal(readFileSync(file, 'utf8'), p.text, 'the file is exactly the reviewed text');
    assert.deepEqual(resultOf(r), { file, written: true, upToDate: false, items: { securityProviders: 3, users: 3, jumpGroups: 2, jumpClients: 4, apiAccounts: 3 } });
    assert.equal(parse(p.text).users[0].email, 'jdoe@example.com');
    assert.match(r.out, /wrote site\.pa\.yaml: 1 added, 0 removed, 2 changed/);
    assert.deepEqual(leftovers(dir), []);

    // Pulled again: nothing differs, so nothing is proposed.
    const again = keep(await runIpc(args, dir, (m) => (m.ecmkit === 'secrets?' ? secrets({ [PULL_SECRET.pa]: sb.clientSecret }) : undefined)));
    assert.equal(again.code, 0, again.err);
    assert.equal(proposalOf(again), undefined);
    assert.equal(resultOf(again)?.upToDate, true);
    assert.equal(readFileSync(file, 'utf8'), p.text);
  });

  it('stop (Cancel in the editor), a kill during the review, a hash that is not the proposal\'s: the file is byte-identical', async () => {
    const { dir, file, before } = myCopy();
    const give = (m: ChildMessage) => (m.ecmkit === 'secrets?' ? secrets({ [PULL_SECRET.pa]: sb.clientSecret }) : undefined);

    const declined = keep(await runIpc(args, dir, (m) => give(m) ?? (m.ecmkit === 'pull-proposed' ? { ecmkit: 'stop' } : undefined)));
    assert.equal(declined.code, 0, declined.err);
    assert.equal(resultOf(declined)?.written, false);
    assert.match(declined.out, /not written \(declined in the editor\)/);

    const killed = keep(await runIpc(args, dir, (m, kill) => { if (m.ecmkit === 'pull-proposed') kill(); return give(m); }));
    assert.equal(killed.code, 2);
    assert.match(killed.err, /interrupted\. No file was written\./);

    const other = keep(await runIpc(args, dir, (m) => give(m) ?? (m.ecmkit === 'pull-proposed' ? { ecmkit: 'pull-write', sha256: '0'.repeat(64) } : undefined)));
    assert.equal(resultOf(other)?.written, false);
    assert.match(other.err, /another text than the one proposed; nothing was written/);

    assert.equal(readFileSync(file, 'utf8'), before);
    assert.deepEqual(leftovers(dir), []);
  });

  it('a file saved during the review is not overwritten: exit 2, the saved text stays', async () => {
    const { dir, file } = myCopy();
    const r = keep(await runIpc(args, dir, (m) => {
      if (m.ecmkit === 'secrets?') return secrets({ [PULL_SECRET.pa]: sb.clientSecret });
      if (m.ecmkit === 'pull-proposed') {
        writeFileSync(file, 'site: edited.meanwhile.example.com\n');
        return { ecmkit: 'pull-write', sha256: m.proposal.sha256 };
      }
      return undefined;
    }));
    assert.equal(r.code, 2);
    assert.match(r.err, /changed while the pull ran; it was left as it is\. Pull again\.\nNo file was written\./);
    assert.equal(readFileSync(file, 'utf8'), 'site: edited.meanwhile.example.com\n');
    assert.deepEqual(leftovers(dir), []);
  });

  it('no PA file yet: the new file is proposed, created only on pull-write, and not over one made meanwhile', async () => {
    const dir = tempDir();
    const file = path.join(dir, '127.0.0.1.pa.yaml');
    const r = keep(await runIpc(args, dir, (m) => {
      if (m.ecmkit === 'secrets?') return secrets({ [PULL_SECRET.pa]: sb.clientSecret });
      if (m.ecmkit === 'pull-proposed') {
        assert.equal(existsSync(file), false);
        return { ecmkit: 'pull-write', sha256: m.proposal.sha256 };
      }
      return undefined;
    }));
    assert.equal(r.code, 0, r.err);
    const p = proposalOf(r)!;
    assert.equal(p.exists, false);
    assert.equal(p.counts.added, 16);
    assert.equal(readFileSync(file, 'utf8'), p.text);

    const dir2 = tempDir();
    const raced = keep(await runIpc(args, dir2, (m) => {
      if (m.ecmkit === 'secrets?') return secrets({ [PULL_SECRET.pa]: sb.clientSecret });
      if (m.ecmkit === 'pull-proposed') {
        writeFileSync(path.join(dir2, '127.0.0.1.pa.yaml'), 'site: mine\n');
        return { ecmkit: 'pull-write', sha256: m.proposal.sha256 };
      }
      return undefined;
    }));
    assert.equal(raced.code, 2);
    assert.match(raced.err, /was created while the pull ran/);
    assert.equal(readFileSync(path.join(dir2, '127.0.0.1.pa.yaml'), 'utf8'), 'site: mine\n');
  });

  it('the secret comes from the editor only: none given → exit 2 although the environment holds one; a wrong one → the site\'s refusal, no secret printed', async () => {
    const { dir, file, before } = myCopy();
    const none = keep(await runIpc(args, dir, (m) => (m.ecmkit === 'secrets?' ? secrets({}) : undefined)));
    assert.equal(none.code, 2);
    assert.equal(none.err, 'ecmkit pull: The editor gave no client secret.\n');
    const wrong = keep(await runIpc(args, dir, (m) => (m.ecmkit === 'secrets?' ? secrets({ [PULL_SECRET.pa]: 'not-the-secret-123' }) : undefined)));
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /No file was written\.\n$/);
    assert.ok(!wrong.err.includes('not-the-secret-123'));
    assert.equal(proposalOf(wrong), undefined);
    assert.equal(readFileSync(file, 'utf8'), before);
  });
});

describe('pull vault --ipc (the editor\'s review)', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ workspace: workspace(), certDir: CERT_DIR, secrets: (n) => (n === 'vault.sharedKey' ? TEST_KEY : undefined), watch: false });
  });
  after(() => sb.close());

  it('the key over the channel, progress, the proposal with the difference, written on pull-write; no key printed', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'corp.vault.yaml');
    const text = readFileSync(path.join(ROOT, 'examples/corp.vault.yaml'), 'utf8').replace(/^hostname: .*$/m, `hostname: ${sb.url}`);
    writeFileSync(file, text.replace('ip: 10.1.2.3', 'ip: 10.1.2.30'));
    const r = await runIpc(['pull', 'vault', '--vault', sb.url, '--user', 'CORP\\jdoe', '--ca', sb.caPath], dir, (m) => {
      if (m.ecmkit === 'secrets?') {
        assert.deepEqual(m.requests.map((q) => q.name), [PULL_SECRET.vault]);
        return secrets({ [PULL_SECRET.vault]: TEST_KEY });
      }
      if (m.ecmkit === 'pull-proposed') return { ecmkit: 'pull-write', sha256: m.proposal.sha256 };
      return undefined;
    });
    assert.equal(r.code, 0, r.err);
    assert.ok(r.messages.some((m) => m.ecmkit === 'pull-progress' && m.progress.section === 'endpoints' && m.progress.count > 0));
    const p = proposalOf(r)!;
    assert.deepEqual(p.changes.map((c) => `${c.kind} ${c.section} ${c.name}: ${c.fields?.join(',')}`), ['changed endpoints WEB01: ip']);
    assert.equal(readFileSync(file, 'utf8'), p.text);
    assert.equal(p.text, text);
    assert.equal(resultOf(r)?.written, true);
    for (const s of [r.out, r.err, JSON.stringify(r.messages)]) assert.ok(!s.includes(TEST_KEY) && !s.includes('decoy-env-key'));
  });
});

describe('the updater\'s propose mode (in process)', () => {
  it('an update: finish() writes nothing and returns the text; write() writes it, and refuses once the file changed', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'site.pa.yaml');
    writeFileSync(file, 'site: old.example.com   # ours\n');
    const t = await openInventoryFile(file, PA_SPEC, { propose: true });
    t.setTop('site', 'new.example.com');
    const r = await t.finish();
    assert.equal(r.written, false);
    assert.equal(readFileSync(file, 'utf8'), 'site: old.example.com   # ours\n');
    assert.equal(r.proposal?.text, 'site: new.example.com   # ours\n');
    assert.equal(r.proposal?.exists, true);
    await r.proposal!.write();
    assert.equal(readFileSync(file, 'utf8'), r.proposal!.text);

    const t2 = await openInventoryFile(file, PA_SPEC, { propose: true });
    t2.setTop('site', 'third.example.com');
    const r2 = await t2.finish();
    writeFileSync(file, 'site: saved.meanwhile\n');
    await assert.rejects(r2.proposal!.write(), /changed while the pull ran/);
    assert.equal(readFileSync(file, 'utf8'), 'site: saved.meanwhile\n');
    assert.deepEqual(leftovers(dir), []);
  });

  it('a new file: nothing on disk (not even a temporary file) until write(); nothing differs → no proposal', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'new.pa.yaml');
    const t = await openInventoryFile(file, PA_SPEC, { propose: true });
    t.setTop('site', 'a.example.com');
    t.put('users', { username: 'jdoe', email: 'jdoe@example.com' });
    const r = await t.finish();
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(r.proposal?.exists, false);
    assert.equal(r.proposal?.text, 'site: a.example.com\n\nusers:\n  - { username: jdoe, email: jdoe@example.com }\n');
    await r.proposal!.write();
    assert.equal(readFileSync(file, 'utf8'), r.proposal!.text);

    const same = await openInventoryFile(file, PA_SPEC, { propose: true });
    same.setTop('site', 'a.example.com');
    same.put('users', { username: 'jdoe', email: 'jdoe@example.com' });
    const r2 = await same.finish();
    assert.equal(r2.proposal, undefined);
    assert.deepEqual(r2.changes, []);
  });
});
