/** How `ecmkit pull` prints what differs between a file and the live system (every kind alike). */
import type { Change, PullResult } from '../pull/updateFile';

/**
 * The differences, one line each (`+ users jdoe`, `- jumpClients OLD01`, `~ jumpClients WEB01: fqdn`),
 * then a summary line. `list: false` prints the summary only (a write of a large new file).
 */
export function printChanges(r: Pick<PullResult, 'changes' | 'counts'>, o: { file: string; list: boolean; write: (s: string) => void }): void {
  const changes: Change[] = r.changes;
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  if (o.list) {
    for (const c of changes) o.write(`${sign[c.kind]} ${c.section === 'top' ? c.name : `${c.section} ${c.name}`}${c.kind === 'changed' && c.section !== 'top' && c.fields?.length ? `: ${c.fields.join(', ')}` : ''}\n`);
  }
  o.write(`${o.file}: ${r.counts.added} added, ${r.counts.removed} removed, ${r.counts.changed} changed\n`);
}
