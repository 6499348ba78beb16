/**
 * Stable numeric ids for the sandbox's managed systems (Vault endpoints) and accounts (Vault credentials).
 * Derived from the name, so they survive edits, re-reads and restarts; the broker can map back by name.
 */
export function stableId(kind: 'system' | 'account', name: string): number {
  let h = 0x811c9dc5;
  const s = `${kind}:${name}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Positive 31-bit, never 0 (0 is the sandbox's "no particular system" for Shared credentials).
  return (h >>> 1) || 1;
}
