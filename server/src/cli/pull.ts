/**
 * `ecmkit pull pa|vault …` (FORMATS.md §6): reads a live system into its inventory file. Each kind has its
 * own module; they share the output choice (pull/output.ts), the updater (pull/updateFile.ts) and the way
 * differences are printed (printChanges below).
 */
import type { Change } from '../pull/updateFile';
import { UsageError } from './args';

type Command = (args: string[]) => Promise<number>;

const KINDS: Record<string, () => Promise<Command>> = {
  pa: async () => (await import('./pullPa')).run,
};

export async function run(argv: string[]): Promise<number> {
  const [kind, ...rest] = argv;
  const load = kind ? KINDS[kind] : undefined;
  if (!load) throw new UsageError(`Say what to pull: ${Object.keys(KINDS).map((k) => `ecmkit pull ${k}`).join(' or ')}${kind ? ` (not "${kind}")` : ''}.`);
  return (await load())(rest);
}

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
