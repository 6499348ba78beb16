// A trace step's detail quotes the file's text between backticks: the Simulate view shows those pieces as
// code (detailPieces), the broker's log and the Debug Console drop the backticks (plainDetail, on every
// logged step, so it does not build the pieces). Both must read a detail the same way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { detailPieces, plainDetail } from '../../protocol/trace';

const detail = fc.array(fc.constantFrom('a', 'b', ' ', '`', '\n', 'é', '\\'), { maxLength: 24 }).map((cs) => cs.join(''));

describe('trace step details', () => {
  it('plainDetail is detailPieces\' texts joined, on any text', () => {
    fc.assert(fc.property(detail, (d) => plainDetail(d) === detailPieces(d).map((p) => p.text).join('')), { numRuns: 3000 });
  });

  it('a backtick-quoted piece on one line is code; an unmatched or multi-line one is text', () => {
    assert.deepEqual(detailPieces('The line `CORP=corp.example.com` maps `CORP`.'), [
      { text: 'The line ', code: false }, { text: 'CORP=corp.example.com', code: true },
      { text: ' maps ', code: false }, { text: 'CORP', code: true }, { text: '.', code: false },
    ]);
    assert.deepEqual(detailPieces('`a\nb`'), [{ text: '`a\nb`', code: false }]);
    assert.deepEqual(detailPieces('one ` alone'), [{ text: 'one ` alone', code: false }]);
    assert.equal(plainDetail('Role `Rep` on `WEB01`.'), 'Role Rep on WEB01.');
    assert.equal(plainDetail('no quotes'), 'no quotes');
    assert.equal(plainDetail(''), '');
  });
});
