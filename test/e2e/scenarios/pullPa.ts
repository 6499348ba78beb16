// "Pull PA Site Inventory… shows the difference first and writes only on Write", as a user does it against the
// PA sandbox that `npm start` runs (started here the same way, its URL, client id, CA and secret in the
// editor's environment): the admin's site.pa.yaml has drifted (a jump client missing, an email changed, a
// comment of their own). The pull shows a diff of the file against the proposed text and asks; Cancel
// leaves the file byte-identical; a second pull and Write puts the live state in, comment kept.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paSandboxHook } from '../../../scripts/e2e/paSandboxHook';
import type { Scenario } from '../harness/scenario';
import { TIMEOUT, type Workbench } from '../harness/workbench';

const FILE = 'site.pa.yaml';

/** Runs the command, picks the sandbox, waits for the diff and the modal question; returns the question. */
async function pullUntilQuestion(ui: Workbench): Promise<string> {
  await ui.runCommand('ecmkit: Pull PA Site Inventory…');
  const row = ui.page.locator('.quick-input-list .monaco-list-row', { hasText: 'The PA sandbox' });
  await row.waitFor({ timeout: TIMEOUT });
  await row.click();
  // The diff of the file (left) against the proposed text (right), before anything is written.
  await ui.page.locator('.tabs-container .tab', { hasText: `${FILE} ↔ PA sandbox (proposed)` }).waitFor({ timeout: TIMEOUT });
  const diff = ui.page.locator('.monaco-diff-editor').first();
  await diff.waitFor({ timeout: TIMEOUT });
  const dialog = ui.dialog();
  await dialog.waitFor({ timeout: TIMEOUT });
  const proposed = (await diff.locator('.editor.modified .view-lines').innerText()).replace(/\u00a0/g, ' ');
  if (!proposed.includes('jdoe@example.com') || !proposed.includes('name: WEB02')) throw new Error(`the proposed side lacks the live state:\n${proposed}`);
  if (!proposed.includes('# reviewed by the admin')) throw new Error('the proposed side lost the admin\'s comment');
  return (await dialog.innerText()).replace(/\s+/g, ' ');
}

export default {
  title: 'Pull PA Site Inventory shows the diff against the PA sandbox, Cancel writes nothing, Write writes the reviewed text',
  services: [paSandboxHook],
  async run({ ui, page, workspace, record, screenshot }) {
    const file = join(workspace, FILE);
    const drifted = readFileSync(file, 'utf8')
      .replace('jdoe@example.com', 'john.doe@example.com')
      .replace(/^ {2}- \{ name: WEB02,.*\n/m, '')
      .replace('jumpClients:\n', 'jumpClients:   # reviewed by the admin\n');
    writeFileSync(file, drifted);
    await ui.waitForEcmkit();
    await ui.openFile(FILE);

    let started = Date.now();
    let question = await pullUntilQuestion(ui);
    const toReview = Date.now() - started;
    for (const want of [`Write what the PA sandbox holds into ${FILE}?`, '1 added, 0 removed, 2 changed', '+ jump clients WEB02', '~ users jdoe: email', '~ site']) {
      if (!question.includes(want)) throw new Error(`the question lacks "${want}": ${question}`);
    }
    await screenshot('review');
    await ui.dialog().getByRole('button', { name: 'Cancel' }).click();
    await ui.dialog().waitFor({ state: 'hidden', timeout: TIMEOUT });
    await page.locator('.tabs-container .tab', { hasText: '(proposed)' }).waitFor({ state: 'hidden', timeout: TIMEOUT });
    if (readFileSync(file, 'utf8') !== drifted) throw new Error('Cancel changed the file');

    started = Date.now();
    question = await pullUntilQuestion(ui);
    await ui.dialog().getByRole('button', { name: 'Write' }).click();
    await ui.notification(`wrote ${FILE}: 1 added, 0 removed, 2 changed`).waitFor({ timeout: TIMEOUT });
    const toWritten = Date.now() - started;
    const written = readFileSync(file, 'utf8');
    // The site is the sandbox's host and port (a free port, chosen when it started).
    const site = /^site: (127\.0\.0\.1:\d+)\n/.exec(written)?.[1];
    if (!site) throw new Error(`the written file does not name the sandbox as its site:\n${written}`);
    const expected = readFileSync(join(__dirname, '../../../examples', FILE), 'utf8')
      .replace('site: support.example.com', `site: ${site}`)
      .replace('jumpClients:\n', 'jumpClients:   # reviewed by the admin\n');
    // WEB02 comes back at the end of its list, in the list's own style.
    const web02 = /^ {2}- \{ name: WEB02,.*\n/m.exec(expected)![0];
    const want = expected.replace(web02, '').replace(/(  - \{ name: KIOSK-7,.*\n)/, `$1${web02}`);
    if (written !== want) throw new Error(`the written file is not the live state with the admin's comment:\n${written}`);
    // The open editor shows the written file.
    await ui.waitForEditorText((t) => t.includes('jdoe@example.com') && t.includes('name: WEB02'), 'the editor to show the written file');
    record('pull-pa-sandbox', { commandToReviewMs: toReview, commandToWrittenMs: toWritten });
  },
} satisfies Scenario;
