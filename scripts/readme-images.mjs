// `npm run readme:images`: copies the screenshots the e2e suite took (test-results/e2e/, after
// `npm run test:e2e`) that README.md shows into images/. They are not in the VSIX (.vscodeignore): the
// Marketplace and Open VSX show them from the repository.
import { copyFileSync, existsSync } from 'node:fs';

const SHOTS = { 'diagnostics.broken.png': 'diagnostics.png', 'simulate.view.png': 'simulate.png', 'pullPa.review.png': 'pull-review.png' };
let missing = 0;
for (const [from, to] of Object.entries(SHOTS)) {
  const src = `test-results/e2e/${from}`;
  if (!existsSync(src)) { console.error(`readme:images: ${src} is missing: run npm run test:e2e first`); missing++; continue; }
  copyFileSync(src, `images/${to}`);
  console.log(`images/${to} ← ${src}`);
}
process.exit(missing ? 1 : 0);
