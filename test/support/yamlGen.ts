/**
 * Random YAML documents in (and a little beyond) the style ecmkit files use: block mappings and
 * sequences, flow collections on one or several lines, plain, quoted and block scalars, comments,
 * blank lines, empty values. For differential tests of the fast parsers against the `yaml` package.
 */
export class Rng {
  constructor(private seed: number) {}
  next(): number {
    this.seed = (this.seed * 1103515245 + 12345) & 0x7fffffff;
    return this.seed / 0x7fffffff;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  chance(p: number): boolean { return this.next() < p; }
}

const WORDS = ['name', 'type', 'WEB01', 'db01.corp.example.com', 'Windows servers', 'a', 'x-y', 'user:jdoe', 'group:Support', 'corp.example.com=CORP', '10.1.2.3', 'https://vault.example.com', 'CORP\\svc'];
const SCALARS = ['1', '-5', '+3', '0x1F', '0o17', '1.5', '.5', '1e3', '1.', '.inf', '-.Inf', '.nan', 'true', 'False', 'TRUE', 'null', 'Null', '~', 'yes', 'no', 'on', '007', '1_000', '12:30', 'a#b', 'a # comment', 'x: y', '@at', '`tick', '-dash', '- dash', '? q', '%pct', '&anchor', '*alias', '!tag'];
const QUOTED = ['"plain"', '"with \\"escape\\""', '"tab\\tthere"', '"\\u00e9t\\u00e9"', '"\\x41"', "'single'", "'it''s'", '""', "''", '"a: b"', '"# not comment"'];

export function genYaml(rng: Rng, depth = 0): string {
  const lines: string[] = [];
  blockMap(rng, lines, 0, depth);
  let text = lines.join('\n');
  if (rng.chance(0.8)) text += '\n';
  if (rng.chance(0.1)) text = '# header\n\n' + text;
  return text;
}

function word(rng: Rng): string { return rng.pick(WORDS); }

function inlineScalar(rng: Rng, flow: boolean): string {
  const r = rng.next();
  if (r < 0.45) { const w = word(rng); return flow && /[,[\]{}]|: /.test(w) ? JSON.stringify(w) : w; }
  if (r < 0.75) return rng.pick(SCALARS);
  return rng.pick(QUOTED);
}

function flowValue(rng: Rng, depth: number, ind: number): string {
  const r = rng.next();
  if (depth < 2 && r < 0.15) return flowSeq(rng, depth + 1, ind);
  if (depth < 2 && r < 0.25) return flowMap(rng, depth + 1, ind);
  return inlineScalar(rng, true);
}

function sep(rng: Rng, ind: number): string {
  if (rng.chance(0.08)) return `\n${' '.repeat(ind + 2 + rng.int(3))}`;
  if (rng.chance(0.03)) return ` # c\n${' '.repeat(ind + 4)}`;
  return rng.chance(0.1) ? '' : ' ';
}

function flowSeq(rng: Rng, depth: number, ind: number): string {
  const n = rng.int(4);
  const items = Array.from({ length: n }, () => flowValue(rng, depth, ind));
  return `[${items.map((x, i) => (i ? sep(rng, ind) : '') + x).join(',')}${rng.chance(0.03) ? ',' : ''}]`;
}

function flowMap(rng: Rng, depth: number, ind: number): string {
  const n = rng.int(4);
  const keys = new Set<string>();
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = rng.chance(0.9) ? rng.pick(['name', 'type', 'ip', 'groups', 'roles', 'k', 'description']) : rng.pick(['"q"', '1', 'a b', '? x']);
    if (keys.has(k) && rng.chance(0.9)) continue;
    keys.add(k);
    parts.push(`${k}:${rng.chance(0.05) ? '' : ' '}${rng.chance(0.05) ? '' : flowValue(rng, depth, ind)}`);
  }
  return `{${rng.chance(0.8) ? ' ' : ''}${parts.map((p, i) => (i ? sep(rng, ind) : '') + p).join(',')}${rng.chance(0.8) ? ' ' : ''}}`;
}

function trailing(rng: Rng): string {
  const r = rng.next();
  if (r < 0.1) return '  # trailing';
  if (r < 0.13) return '   ';
  if (r < 0.15) return '#bad';
  return '';
}

function filler(rng: Rng, lines: string[], ind: number): void {
  if (rng.chance(0.08)) lines.push('');
  if (rng.chance(0.06)) lines.push(`${' '.repeat(rng.chance(0.5) ? ind : rng.int(ind + 3))}# note`);
}

function blockMap(rng: Rng, lines: string[], ind: number, depth: number, firstPrefix?: string): void {
  const n = 1 + rng.int(depth > 2 ? 3 : 5);
  const keys = new Set<string>();
  for (let i = 0; i < n; i++) {
    let k = rng.pick(['name', 'hostname', 'users', 'endpoints', 'vault', 'securityProviderMappings', 'status', 'port', 'a', 'b', 'c', 'x-y', 'key with space']);
    if (rng.chance(0.02)) k = rng.pick(['"quoted"', '1', 'true', '? q']);
    if (keys.has(k) && rng.chance(0.95)) continue;
    keys.add(k);
    const pad = i === 0 && firstPrefix !== undefined ? firstPrefix : ' '.repeat(ind);
    if (i > 0) filler(rng, lines, ind);
    const r = rng.next();
    if (depth < 3 && r < 0.2) {
      lines.push(`${pad}${k}:${trailing(rng)}`);
      blockMap(rng, lines, ind + 2 + (rng.chance(0.1) ? 2 : 0), depth + 1);
    } else if (depth < 3 && r < 0.4) {
      lines.push(`${pad}${k}:${trailing(rng)}`);
      blockSeq(rng, lines, rng.chance(0.2) ? ind : ind + 2, depth + 1);
    } else if (r < 0.47) {
      lines.push(`${pad}${k}: |${rng.chance(0.3) ? '-' : ''}`);
      const m = 1 + rng.int(3);
      for (let j = 0; j < m; j++) {
        if (j && rng.chance(0.15)) lines.push('');
        lines.push(`${' '.repeat(ind + 2)}${rng.pick(['corp.example.com=CORP', 'emea=EMEA', '# not a comment', 'x'])}`);
      }
    } else if (r < 0.52) {
      lines.push(`${pad}${k}:${rng.chance(0.5) ? ' ' : ''}${trailing(rng)}`);
    } else {
      lines.push(`${pad}${k}: ${flowValue(rng, depth, ind)}${trailing(rng)}`);
    }
  }
}

function blockSeq(rng: Rng, lines: string[], ind: number, depth: number): void {
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    if (i > 0) filler(rng, lines, ind);
    const r = rng.next();
    const dash = `${' '.repeat(ind)}-`;
    if (depth < 3 && r < 0.35) {
      blockMap(rng, lines, ind + 2, depth + 1, `${dash} `);
    } else if (r < 0.4) {
      lines.push(`${dash}${rng.chance(0.5) ? ' ' : ''}${trailing(rng)}`);
    } else if (depth < 3 && r < 0.45) {
      lines.push(dash);
      blockMap(rng, lines, ind + 2, depth + 1);
    } else {
      lines.push(`${dash} ${flowValue(rng, depth, ind)}${trailing(rng)}`);
    }
  }
}
