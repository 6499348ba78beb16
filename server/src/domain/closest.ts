/** Edit distance, for "did you mean" suggestions. */
export function distance(a: string, b: string): number {
  const m = a.length, n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}

/**
 * Names longer than this get no suggestion. Edit distance is quadratic: a pasted 100 KB blob where a name
 * belongs, compared with another such blob, would hold the server for minutes (found by `npm run fuzz`).
 */
const MAX_SUGGEST_LENGTH = 64;

/** The candidate closest to `word` (case-insensitive), if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  if (word.length > MAX_SUGGEST_LENGTH) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    // A length difference beyond the limit is already too far: skip the quadratic comparison.
    if (c.length > MAX_SUGGEST_LENGTH || Math.abs(c.length - word.length) > limit) continue;
    const d = distance(w, c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  if (best !== undefined && bestD <= limit) return best;
  // A name cut short or run on (`includeUnavailable` for `includeUnavailableCredentials`): the one
  // candidate that starts with it, or that it starts with. Short stems suggest nothing (too many fit).
  const stem = [...candidates].filter((c) => {
    const l = c.toLowerCase();
    return c.length <= MAX_SUGGEST_LENGTH && Math.min(l.length, w.length) >= 5 && (l.startsWith(w) || w.startsWith(l));
  });
  return stem.length === 1 ? stem[0] : undefined;
}
