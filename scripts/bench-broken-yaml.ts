// A large YAML inventory with one syntax error (an unclosed flow mapping, as typing leaves it): how long the
// server's reader takes (the fast reader steps aside; model/chunkedYaml.ts reads it piece by piece) against
// the `yaml` package on the whole file, which it would otherwise run — both in this run.
// Usage: npm run gen:large && npm run bench:broken-yaml
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ParsedFile } from '../server/src/model/document';
import { parseYamlFull } from '../server/src/model/parse/parseYaml';

const file = path.resolve(__dirname, '../large/yaml/corp.vault.yaml');
if (!existsSync(file)) { console.error('run `npm run gen:large` first'); process.exit(2); }
const text = readFileSync(file, 'utf8');
const good = '  - { name: Rep }\n';
const at = text.indexOf(good);
const broken = text.slice(0, at) + '  - { name: Rep\n' + text.slice(at + good.length);

let t = performance.now();
const f = ParsedFile.create('file:///bench/corp.vault.yaml', broken)!;
const ours = performance.now() - t;
t = performance.now();
const full = parseYamlFull(broken);
const reference = performance.now() - t;
const line = (o: number) => broken.slice(0, o).split('\n').length;
console.log(`broken ${(broken.length / 1e6).toFixed(1)} MB YAML, ${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`);
console.log(`ecmkit (piece by piece): ${ours.toFixed(0)} ms, first error on line ${line(f.problems[0]?.offset ?? 0)}: ${f.problems[0]?.message}`);
console.log(`reference, the yaml package on the whole file: ${reference.toFixed(0)} ms, first error on line ${line(full.problems[0]?.offset ?? 0)}`);
