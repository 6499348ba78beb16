/** The four file kinds of docs/formats.md; the kind comes from the suffix only. */
export type FileKind = 'ecm' | 'integration' | 'vault' | 'pa';
export type Syntax = 'yaml' | 'json';

export const FILE_KINDS: readonly FileKind[] = ['ecm', 'integration', 'vault', 'pa'];

/** How messages name a file of each kind ("an ECM file holds …"). */
export const KIND_NOUN: Record<FileKind, string> = { ecm: 'an ECM file', integration: 'an integration file', vault: 'a Vault inventory', pa: 'a PA site file' };

const SUFFIX = /\.(ecm|integration|vault|pa)\.(yaml|yml|json)$/i;

export function classify(path: string): { kind: FileKind; syntax: Syntax } | undefined {
  const m = SUFFIX.exec(path);
  if (!m) return undefined;
  return { kind: m[1].toLowerCase() as FileKind, syntax: m[2].toLowerCase() === 'json' ? 'json' : 'yaml' };
}

/** Glob for every file ecmkit checks, for file watchers and workspace scans. */
export const FILES_GLOB = '**/*.{ecm,integration,vault,pa}.{yaml,yml,json}';
