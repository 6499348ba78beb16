// The import graph of the source folders, for the layer test (test/architecture/layers.test.ts).
import fs from 'node:fs';
import path from 'node:path';

/** Level of each top-level entry of server/src: an import may go to the same folder or a lower level only. */
export const LAYERS: Record<string, number> = {
  model: 0,
  domain: 1, net: 1,
  rules: 2, vault: 2, pa: 2,
  engine: 3,
  features: 4, broker: 4, pull: 4,
  'server.ts': 5,
  cli: 6,
};

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(=])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[\s;])import\s*['"]([^'"]+)['"]/gm;

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path.join(dir, e.name)] : []);
}

function resolveFile(abs: string): string | undefined {
  for (const c of [abs, `${abs}.ts`, `${abs}.js`, path.join(abs, 'index.ts')]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return undefined;
}

/** file → the repo-relative files it imports (relative specifiers only; packages are not part of the line). */
export function importGraph(root: string, folders: string[], opts: { resolve?: boolean } = {}): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of folders.flatMap((f) => walk(path.join(root, f)))) {
    const src = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const out: string[] = [];
    for (const m of src.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec.startsWith('.')) continue;
      const abs = path.resolve(path.dirname(file), spec);
      const target = opts.resolve === false ? abs : resolveFile(abs);
      if (target) out.push(path.relative(root, target).split(path.sep).join('/'));
    }
    graph.set(path.relative(root, file).split(path.sep).join('/'), out);
  }
  return graph;
}

function layerOf(file: string): { area: 'server' | 'client' | 'protocol' | 'other'; folder?: string } {
  const parts = file.split('/');
  if (parts[0] === 'protocol') return { area: 'protocol' };
  if (parts[0] === 'client') return { area: 'client' };
  if (parts[0] === 'server' && parts[1] === 'src') return { area: 'server', folder: parts[2] };
  return { area: 'other' };
}

/** Each import that breaks the line, as "from → to (why)". */
export function layerViolations(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = layerOf(from);
    for (const to of targets) {
      const b = layerOf(to);
      let why: string | undefined;
      if (a.area === 'protocol' && b.area !== 'protocol') why = 'protocol/ imports nothing of client or server';
      else if (a.area === 'client' && b.area === 'server') why = 'the client talks to the server through protocol/ only';
      else if (a.area === 'server' && b.area === 'client') why = 'the server never imports the client';
      else if (a.area === 'server' && b.area === 'server' && a.folder !== b.folder) {
        const la = LAYERS[a.folder!], lb = LAYERS[b.folder!];
        if (la === undefined || lb === undefined) why = 'folder on no layer';
        else if (lb > la) why = `${b.folder} is above ${a.folder}`;
        else if (lb === la) why = `${a.folder} and ${b.folder} are siblings`;
      }
      if (why) out.push(`${from} → ${to} (${why})`);
    }
  }
  return out.sort();
}

/** Cycles between files (each reported once, from its smallest file). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const seen = new Set<string>();
  const visit = (f: string) => {
    state.set(f, 1);
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (!graph.has(t)) continue;
      if (state.get(t) === 1) {
        const cycle = stack.slice(stack.indexOf(t));
        const start = cycle.indexOf([...cycle].sort()[0]);
        const norm = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = norm.join('|');
        if (!seen.has(key)) { seen.add(key); cycles.push([...norm, norm[0]]); }
      } else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return cycles;
}
