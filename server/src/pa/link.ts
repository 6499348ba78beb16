/** The `Link` header of a paginated answer (RFC 5988): `<URL>; rel="next", <URL>; rel="last"`. */
export function linkRels(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of [header ?? []].flat()) {
    for (const m of h.matchAll(/<([^>]*)>\s*;\s*rel\s*=\s*"?([^",;]+)"?/g)) if (!out.has(m[2])) out.set(m[2], m[1]);
  }
  return out;
}
