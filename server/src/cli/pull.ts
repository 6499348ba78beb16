/**
 * `ecmkit pull pa|vault …` (FORMATS.md §6): reads a live system into its inventory file. Each kind has its
 * own module; they share the output choice (pull/output.ts), the updater (pull/updateFile.ts) and the way
 * differences are printed (pullChanges.ts).
 */
import { UsageError } from './args';

type Command = (args: string[]) => Promise<number>;

const KINDS: Record<string, () => Promise<Command>> = {
  pa: async () => (await import('./pullPa')).run,
  vault: async () => (await import('./pullVault')).run,
};

export async function run(argv: string[]): Promise<number> {
  const [kind, ...rest] = argv;
  const load = kind ? KINDS[kind] : undefined;
  if (!load) throw new UsageError(`Say what to pull: ${Object.keys(KINDS).map((k) => `ecmkit pull ${k}`).join(' or ')}${kind ? ` (not "${kind}")` : ''}.`);
  return (await load())(rest);
}
