/** How `ecmkit pull` prints what differs between a file and the live system (every kind alike). */
import type { Change } from '../pull/updateFile';

/**
 * The differences, one line each (`+ users jdoe`, `- jumpClients OLD01`, `~ jumpClients WEB01: fqdn`),
 * then a summary line. `list: false` prints the summary only (a write of a large new file).
 */
export function printChanges(changes: Change[], o: { file: string; list: boolean; write: (s: string) => void }): void {
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  if (o.list) {
    for (const c of changes) o.write(`${sign[c.kind]} ${c.section === 'top' ? c.name : `${c.section} ${c.name}`}${c.kind === 'changed' && c.section !== 'top' && c.fields?.length ? `: ${c.fields.join(', ')}` : ''}\n`);
  }
  const n = (k: Change['kind']) => changes.filter((c) => c.kind === k).length;
  o.write(`${o.file}: ${n('added')} added, ${n('removed')} removed, ${n('changed')} changed\n`);
}
