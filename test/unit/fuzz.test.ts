import { describe, it } from 'node:test';
import { runFuzz } from '../fuzz/properties';

/** A fixed-seed sample of the fuzz run (`npm run fuzz` runs 100,000 cases). */
describe('fuzzed documents', () => {
  it('never throw, keep ranges inside the document and always carry a code (1,200 cases, each read as a small and as a large file, seed 7)', () => {
    runFuzz(1_200, 7);
  });
});
