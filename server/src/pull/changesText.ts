/** What a pull changed (or, under --check, would change), one line per item: `+` added, `-` removed, `~` changed. */
import type { Change } from './inventorySpec';

export function changesText(changes: Change[]): string {
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  return changes.map((c) => {
    const where = c.section === 'top' ? c.name : `${c.section} ${c.name}`;
    const fields = c.kind === 'changed' && c.section !== 'top' && c.fields?.length ? ` (${c.fields.join(', ')})` : '';
    return `${sign[c.kind]} ${where}${fields}\n`;
  }).join('');
}

export function changesSummary(changes: Change[]): string {
  const n = (k: Change['kind']) => changes.filter((c) => c.kind === k).length;
  return `${n('added')} added, ${n('removed')} removed, ${n('changed')} changed`;
}
