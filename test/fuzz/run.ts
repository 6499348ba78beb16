/** `npm run fuzz [-- CASES [SEED]]`: the large fuzz run (default 100,000 cases). */
import { runFuzz } from './properties';

const cases = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const started = Date.now();
const batch = 5_000;
for (let done = 0; done < cases; done += batch) {
  const n = Math.min(batch, cases - done);
  runFuzz(n, seed + done);
  process.stdout.write(`\r${done + n} / ${cases} cases, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
console.log(`\nfuzz: ${cases} cases passed (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
