/**
 * `ecmkit pull pa|vault --ipc`: a pull the editor runs. The secret comes from the editor over the channel
 * (never the environment, which may hold another site's), progress streams back as item counts, and nothing
 * is written until the editor has shown the proposed text beside the file and answered `pull-write` naming
 * exactly that text (by its SHA-256). Declined, cancelled or the editor gone: nothing is written.
 */
import { createHash } from 'node:crypto';
import type { PullResult } from '../pull/updateFile';
import { askEditor, sendToParent, type ParentMessage } from './ipc';
import type { PullOutcome, PullProgress } from '../../../protocol/ipc';

/** The secret `name` as the editor gives it; undefined when it gave none. */
export async function secretFromEditor(name: string, purpose: string): Promise<string | undefined> {
  return (await askEditor([{ name, required: true, purpose }])).get(name);
}

export function progressToEditor(progress: PullProgress): void {
  void sendToParent({ ecmkit: 'pull-progress', progress });
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Sends the proposal (when something differs), waits for the editor's answer, writes when it says so, and
 * tells it how the pull ended. A write that fails (the file changed meanwhile) throws, as a CLI write would.
 */
export async function reviewInEditor(result: PullResult, file: string, items: Record<string, number>, say: (line: string) => void): Promise<PullOutcome> {
  const p = result.proposal;
  let written = false;
  if (p) {
    const hash = sha256(p.text);
    const answer = editorAnswer(); // listening before the proposal goes out: a quick answer is not missed
    await sendToParent({ ecmkit: 'pull-proposed', proposal: { file, exists: p.exists, text: p.text, sha256: hash, changes: result.changes, counts: result.counts } });
    const m = await answer;
    if (m?.ecmkit === 'pull-write' && m.sha256 !== hash) say('the editor asked to write another text than the one proposed; nothing was written.');
    else if (m?.ecmkit === 'pull-write') {
      await p.write();
      written = true;
    }
  }
  const outcome: PullOutcome = { file, written, upToDate: !p, items };
  await sendToParent({ ecmkit: 'pull-result', result: outcome });
  return outcome;
}

/** The editor's `pull-write` or `stop`; undefined when the channel closes first. */
function editorAnswer(): Promise<ParentMessage | undefined> {
  return new Promise((resolve) => {
    if (!process.connected) { resolve(undefined); return; }
    const done = (m: ParentMessage | undefined): void => {
      process.off('message', onMessage);
      process.off('disconnect', onGone);
      resolve(m);
    };
    const onMessage = (m: ParentMessage): void => { if (m?.ecmkit === 'pull-write' || m?.ecmkit === 'stop') done(m); };
    const onGone = (): void => done(undefined);
    process.on('message', onMessage);
    process.on('disconnect', onGone);
  });
}
